/** Typed configuration from the environment, with its defaults (documented in docs/operations.md). */
import { isBusinessDate } from './domain/dates.js'
import { DEFAULT_CHECKPOINT_INTERVAL_MS } from './platform/checkpointer.js'

export interface Config {
  port: number
  host: string
  databaseFile: string
  logLevel: string
  /** First business date of a new database; defaults to today in Vietnam. */
  initialBusinessDate?: string
  /** Most write commands committed together in one SQLite transaction (1 = no group commit). */
  groupCommitMax: number
  /** Failed authentications allowed per client address per minute. */
  authFailuresPerMinute: number
  /** Repayments and collection sessions run on a writer thread (WRITER_THREAD=0: on the main thread). */
  writerThread: boolean
  /** Milliseconds between background WAL checkpoints (server only). */
  checkpointIntervalMs: number
  /**
   * ALLOW_CLOSE_AHEAD=1: the daily close may move the business date past today in Vietnam (loading history, tests
   * only).
   */
  allowCloseAhead: boolean
}

/** An integer variable of `env` within [min, max]; the fallback when unset or empty. */
function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in ${min}..${max}, got ${raw}`)
  return n
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const initial = env.INITIAL_BUSINESS_DATE
  if (initial && !isBusinessDate(initial)) throw new Error(`INITIAL_BUSINESS_DATE must be YYYY-MM-DD, got ${initial}`)
  return {
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseFile: env.DATABASE_FILE || './data/policy-credit.db',
    logLevel: env.LOG_LEVEL || 'info',
    initialBusinessDate: initial || undefined,
    groupCommitMax: int(env, 'GROUP_COMMIT_MAX', 256, 1, 10_000),
    authFailuresPerMinute: int(env, 'AUTH_FAILURES_PER_MINUTE', 30, 1, 100_000),
    writerThread: int(env, 'WRITER_THREAD', 1, 0, 1) === 1,
    checkpointIntervalMs: int(env, 'CHECKPOINT_INTERVAL_MS', DEFAULT_CHECKPOINT_INTERVAL_MS, 10, 60_000),
    allowCloseAhead: int(env, 'ALLOW_CLOSE_AHEAD', 0, 0, 1) === 1,
  }
}

/**
 * AUTO_CLOSE=1 (server only, so a CLI command never starts the timer): the server closes each day itself after
 * midnight Vietnam time.
 */
export function autoCloseFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.AUTO_CLOSE
  if (raw === undefined || raw === '' || raw === '0') return false
  if (raw === '1') return true
  throw new Error(`AUTO_CLOSE must be 0 or 1, got ${raw}`)
}
