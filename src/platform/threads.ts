/**
 * Starts a worker thread from a module next to the caller: the built `.js` in
 * dist/, or — when the service runs from source under tsx (tests, `npm run cli`)
 * — the `.ts` file, with tsx's loader registered inside the thread first
 * (loader hooks given with `--import` do not reach worker threads).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'

export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${name}.js`, callerUrl), options)
  const script = new URL(`${name}.ts`, callerUrl).href
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}) })`
  return new Worker(bootstrap, { ...options, eval: true })
}
