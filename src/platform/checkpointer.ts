/**
 * Background WAL checkpoints. By default SQLite checkpoints inside the COMMIT
 * that pushes the WAL past 1,000 pages: that commit then also writes those
 * pages into the database file and fsyncs it, on the event loop, and every
 * caller of its batch waits. Here the writer's automatic checkpoint is moved far
 * out (a safety net if this worker ever falls behind) and a worker thread with
 * its own connection checkpoints every `intervalMs` instead. Durability is
 * unchanged: a commit is durable once its WAL frames are synced (FULL).
 */
import { startWorker, stopWorker } from './threads.js'
import type Database from 'better-sqlite3'

/** Pages the WAL may reach before the writer checkpoints by itself (≈ 80 MiB with 4 KiB pages). */
export const WRITER_AUTOCHECKPOINT_PAGES = 20_000

export interface Checkpointer {
  /** Checkpoints done and the last reported WAL size, for /ready and benchmarks. */
  readonly stats: { checkpoints: number; walFrames: number; errors: number; lastError?: string }
  stop(): Promise<void>
}

/**
 * Small, frequent checkpoints: each one's fsync of the database file competes with the writer's WAL
 * fsync on the same disk, and a big one stalls every commit behind it (measured: 100 ms gave a
 * repayment p99 of ~100 ms; 500 ms ~150–210 ms; 2 s ~180 ms).
 */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 100

export function startCheckpointer(sqlite: Database.Database, intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS): Checkpointer {
  sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  const worker = startWorker(import.meta.url, './checkpointer-worker', { workerData: { file: sqlite.name, intervalMs } })
  worker.unref()
  const stats: Checkpointer['stats'] = { checkpoints: 0, walFrames: 0, errors: 0 }
  worker.on('message', (m: { type: string; log?: number; message?: string }) => {
    if (m.type === 'checkpointed') {
      stats.checkpoints++
      stats.walFrames = m.log ?? 0
    } else if (m.type === 'error') {
      stats.errors++
      stats.lastError = m.message
    }
  })
  worker.on('error', (e) => {
    // Without the worker the writer's own automatic checkpoint still bounds the WAL.
    stats.errors++
    stats.lastError = String(e)
    sqlite.pragma('wal_autocheckpoint = 1000')
  })
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  let stopped: Promise<void> | undefined
  return {
    stats,
    stop() {
      stopped ??= stopWorker(worker, exited, 2000)
      return stopped
    },
  }
}
