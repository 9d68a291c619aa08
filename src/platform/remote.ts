/**
 * Running write commands on a worker thread ("the writer"). better-sqlite3 is
 * synchronous: statements and the COMMIT's fsync (synchronous=FULL) block the
 * thread that runs them. On a writer thread with its own connection they
 * overlap with the HTTP work of the main thread (parsing, auth, validation,
 * serialisation), so the two cores work at once. Durability is unchanged: the
 * writer answers a command only after its batch has committed with FULL.
 *
 * Only named commands with structured-clonable inputs can travel; results come
 * back as plain objects, errors as { kind, code, message, details } and are
 * rebuilt here so the problem+json mapping is the same as in-process.
 */
import { startWorker, stopWorker } from './threads.js'
import type { Actor } from './auth.js'
import type { CommandResult } from './commands.js'
import { DomainError } from './errors.js'
import type { ErrorCode } from '../domain/error-codes.js'

export interface RemoteCall {
  id: number
  name: string
  input: unknown
  actor: Actor
  requestId: string
  idempotency?: { key: string; method: string; path: string; fingerprint: string }
}

export type RemoteOutcome =
  | { id: number; ok: true; statusCode: number; body: unknown }
  | { id: number; ok: true; statusCode: number; json: string }
  | { id: number; ok: false; error: SerializedError }

export interface SerializedError {
  kind: 'domain' | 'range' | 'other'
  code?: string
  name?: string
  message: string
  details?: Record<string, unknown>
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof DomainError)
    return { kind: 'domain', code: error.code, message: error.message, details: error.details }
  if (error instanceof RangeError) return { kind: 'range', message: error.message }
  const e = error as { name?: string; message?: string; code?: unknown }
  return {
    kind: 'other',
    name: e?.name ?? 'Error',
    message: e?.message ?? String(error),
    code: typeof e?.code === 'string' ? e.code : undefined,
  }
}

export function deserializeError(e: SerializedError): Error {
  if (e.kind === 'domain') return new DomainError(e.code as ErrorCode, e.message, e.details)
  if (e.kind === 'range') return new RangeError(e.message)
  // SqliteError codes (SQLITE_BUSY → 503, constraint → 409) keep their meaning.
  return Object.assign(new Error(e.message), { name: e.name ?? 'Error', code: e.code })
}

export interface RemoteExecutor {
  execute(call: Omit<RemoteCall, 'id'>): Promise<CommandResult<unknown>>
  /** True while the writer thread runs; when it has died, callers run commands in-process. */
  readonly alive: boolean
  /** After stop(): whether the thread ended by itself (false: terminated after the grace period); null before */
  readonly stoppedWhenAsked: boolean | null
  stop(): Promise<void>
}

/** `callerUrl` + `name`: the worker module, as for startWorker (threads.ts). */
export function startRemoteExecutor(
  callerUrl: string,
  name: string,
  workerData: unknown,
  onError: (error: unknown) => void,
): Promise<RemoteExecutor> {
  // A smaller young generation than V8's default (up to 3 × 16 MiB) keeps the process under its memory
  // budget; the writer's garbage is short-lived and small per command.
  const worker = startWorker(callerUrl, name, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 12 } })
  const pending = new Map<number, { resolve: (r: CommandResult<unknown>) => void; reject: (e: unknown) => void }>()
  let nextId = 1
  let alive = true
  let stopping = false
  // Commands still unanswered when the thread is gone are refused as retryable: a batch that had not
  // committed died with its connection; one that had is found by the retry's Idempotency-Key and replayed.
  const refusePending = () => {
    for (const p of pending.values()) p.reject(new DomainError('SERVICE_BUSY', 'The writer stopped; retry the request'))
    pending.clear()
  }
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      alive = false
      if (!stopping) onError(new Error(`writer thread exited with code ${code}`))
      refusePending()
      resolve()
    }),
  )
  // Answers come one message per writer batch.
  worker.on('message', (outcomes: RemoteOutcome[] | { type: 'ready' }) => {
    if (!Array.isArray(outcomes)) return
    for (const m of outcomes) {
      const p = pending.get(m.id)
      if (!p) continue
      pending.delete(m.id)
      if (m.ok)
        p.resolve(
          'json' in m
            ? { statusCode: m.statusCode, body: undefined, json: m.json }
            : { statusCode: m.statusCode, body: m.body },
        )
      else p.reject(deserializeError(m.error))
    }
  })
  // Calls go one message per event-loop turn: every request parsed in this turn travels together.
  let outbox: RemoteCall[] = []
  const flushOutbox = () => {
    if (outbox.length === 0) return
    const calls = outbox
    outbox = []
    worker.postMessage(calls)
  }
  worker.on('error', (error) => {
    alive = false
    if (!stopping) onError(error)
    refusePending()
  })
  let stopped: Promise<void> | undefined
  let stoppedWhenAsked: boolean | null = null
  const executor: RemoteExecutor = {
    get alive() {
      return alive
    },
    get stoppedWhenAsked() {
      return stoppedWhenAsked
    },
    execute(call) {
      return new Promise((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        outbox.push({ ...call, id })
        if (outbox.length === 1) setImmediate(flushOutbox)
      })
    },
    stop() {
      // New commands go to the main thread from now on; those already sent are answered by the
      // thread before it closes its connection (it drains its queue on 'stop').
      alive = false
      stopping = true
      flushOutbox() // calls already accepted reach the thread before its 'stop'
      stopped ??= stopWorker(worker, exited, 5000).then((byItself) => {
        stoppedWhenAsked = byItself
      })
      return stopped
    },
  }
  // Resolves once the worker has opened the database and loaded its commands.
  return new Promise((resolve, reject) => {
    const onReady = (m: { type?: string }) => {
      if (m?.type !== 'ready') return
      worker.off('message', onReady)
      worker.off('error', reject)
      resolve(executor)
    }
    worker.on('message', onReady)
    worker.once('error', reject)
  })
}
