/**
 * Background WAL checkpoints. By default SQLite checkpoints inside the COMMIT
 * that pushes the WAL past 1,000 pages: that commit then also writes those
 * pages into the database file and fsyncs it, on the event loop, and every
 * caller of its batch waits. Here the writer's automatic checkpoint is moved far
 * out (a safety net if this worker ever falls behind) and a worker thread with
 * its own connection checkpoints every `intervalMs` instead. Durability is
 * unchanged: a commit is durable once its WAL frames are synced (FULL).
 *
 * The checkpoint's fsync of the database file and a commit's fsync of the WAL
 * queue on the same disk: a commit that lands behind a checkpoint waited 10–50 ms
 * (one commit in ten, measured), which was the repayment p99. So the worker,
 * once its interval is up, waits for the next commit to finish (`commitSignal`,
 * bumped by the command buses) and checkpoints then, while the writer runs its
 * next batch of statements.
 */
import { startWorker, stopWorker } from './threads.js'
import type Database from 'better-sqlite3'

/** Pages the WAL may reach before the writer checkpoints by itself (≈ 80 MiB with 4 KiB pages). */
export const WRITER_AUTOCHECKPOINT_PAGES = 20_000

export interface Checkpointer {
  /** Checkpoints done and the last reported WAL size, for /ready and benchmarks. */
  /**
   * `stoppedWhenAsked`: after stop(), whether the thread ended by itself (false: terminated after the grace period)
   */
  readonly stats: {
    checkpoints: number
    walFrames: number
    errors: number
    lastError?: string
    stoppedWhenAsked?: boolean
  }
  /**
   * Shared with every connection that commits (the main thread's and the writer thread's command bus):
   * a commit counter the checkpointer waits on, so that it checkpoints right AFTER a commit.
   */
  readonly commitSignal: SharedArrayBuffer
  stop(): Promise<void>
}

/**
 * Small, frequent checkpoints, each started just after a commit: a checkpoint's pages and fsync must fit
 * in the time the writer spends on its next batch's statements. Measured (repayments, 50 connections):
 * uncoordinated every 100 ms, p99 ≈ 95 ms (500 ms: 150–210 ms); after a commit every 100 ms, 86 ms
 * (its checkpoints are too big to fit); every 20–50 ms after a commit, p99 46–77 ms. The commits of
 * 10+ ms that remain overlap a checkpoint ~90 % of the time; every 10 ms halves them but doubles those
 * of 5–10 ms, for the same p99.
 */
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 30

/** Tells a checkpointer waiting on `signal` that a commit has just finished (cheap: one atomic add). */
export function signalCommit(signal: SharedArrayBuffer): () => void {
  const counter = new Int32Array(signal)
  return () => {
    Atomics.add(counter, 0, 1)
    Atomics.notify(counter, 0)
  }
}

export function startCheckpointer(
  sqlite: Database.Database,
  intervalMs = DEFAULT_CHECKPOINT_INTERVAL_MS,
): Checkpointer {
  sqlite.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`)
  const commitSignal = new SharedArrayBuffer(4)
  const worker = startWorker(import.meta.url, './checkpointer-worker', {
    workerData: { file: sqlite.name, intervalMs, commitSignal },
  })
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
    commitSignal,
    stop() {
      stopped ??= stopWorker(worker, exited, 2000).then((byItself) => {
        stats.stoppedWhenAsked = byItself
      })
      return stopped
    },
  }
}
