/**
 * Starts a worker thread from a module next to the caller: the built `.js` in
 * dist/, or — when the service runs from source under tsx (tests, `npm run cli`)
 * — the `.ts` file, with tsx's loader registered inside the thread first
 * (loader hooks given with `--import` do not reach worker threads).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * Stops a worker: asks it to finish (message { type: 'stop' }), waits for its exit, and terminates it after
 * `graceMs`.
 */
/** Asks the thread to stop; terminates it after `graceMs`. Resolves true when it stopped by itself. */
export async function stopWorker(worker: Worker, exited: Promise<void>, graceMs: number): Promise<boolean> {
  // Referenced while stopping, so the process stays alive until the thread has exited.
  worker.ref()
  worker.postMessage({ type: 'stop' })
  let timer: NodeJS.Timeout | undefined
  const byItself = await Promise.race([
    exited.then(() => true),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs)
    }),
  ])
  clearTimeout(timer)
  await worker.terminate()
  return byItself
}

export function startWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${name}.js`, callerUrl), options)
  const script = new URL(`${name}.ts`, callerUrl).href
  // Resolved here (from the project's node_modules), not from the working directory of the thread.
  const tsx = import.meta.resolve('tsx/esm/api')
  const bootstrap =
    `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(script)}) ` +
    `})`
  return new Worker(bootstrap, { ...options, eval: true })
}
