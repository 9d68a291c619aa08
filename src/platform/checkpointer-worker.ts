/**
 * Worker thread of the background checkpointer (see checkpointer.ts): its own
 * connection copies committed WAL frames back into the database file with
 * PASSIVE checkpoints, which never wait for and never block the writer.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const { file, intervalMs, commitSignal } = workerData as {
  file: string
  intervalMs: number
  commitSignal?: SharedArrayBuffer
}
const commits = commitSignal ? new Int32Array(commitSignal) : null
const db = new Database(file)
db.pragma('synchronous = FULL')
// Checkpoints copy WAL frames to the file; they need no page cache of their own.
db.pragma('cache_size = -512')

let stopping = false
function checkpoint() {
  if (stopping) return
  // Start just after a writer's COMMIT (see checkpointer.ts): its fsync is then done, and this checkpoint's
  // own fsync overlaps the writer's next batch of statements instead of its next fsync. With no commit
  // within the interval there is nothing new to wait for.
  if (commits) Atomics.wait(commits, 0, Atomics.load(commits, 0), intervalMs)
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[]
    parentPort!.postMessage({ type: 'checkpointed', log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 })
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: String(error) })
  }
  timer = setTimeout(checkpoint, intervalMs)
}
let timer = setTimeout(checkpoint, intervalMs)

parentPort!.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return
  stopping = true
  clearTimeout(timer)
  db.close()
  parentPort!.close()
})
