/**
 * The writer thread (see src/platform/remote.ts): its own connection and its own
 * group-commit command bus, running the hot commands the main thread sends.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../../platform/database.js'
import { CommandBus, type CommandResult } from '../../platform/commands.js'
import { serializeError, type RemoteCall, type RemoteOutcome } from '../../platform/remote.js'
import type { CommandContext } from '../../platform/commands.js'
import { HOT_COMMANDS } from './hot-commands.js'
import { signalCommit } from '../../platform/checkpointer.js'
import { buildHooks } from '../hooks.js'

const { file, groupCommitMax, walAutocheckpoint, commitSignal } = workerData as {
  file: string
  groupCommitMax: number
  walAutocheckpoint: number
  commitSignal?: SharedArrayBuffer
}
// The main thread has applied the migrations before starting this thread.
const { db, sqlite } = openDatabase(file, { migrate: false })
sqlite.pragma(`wal_autocheckpoint = ${walAutocheckpoint}`)
// The same reactions as the main thread's bus (the support rule, the closed-day guard): one set, built in one
// place.
const bus = new CommandBus(db, sqlite, groupCommitMax, buildHooks())
if (commitSignal) bus.onCommit = signalCommit(commitSignal)
const port = parentPort!

// Answers go back one message per batch: they are all settled in the same microtask run after the
// batch's COMMIT, so a microtask queued by the first one sends them all (one postMessage, not one each).
let outbox: RemoteOutcome[] = []
function answer(outcome: RemoteOutcome) {
  outbox.push(outcome)
  if (outbox.length === 1) queueMicrotask(flushOutbox)
}
function flushOutbox() {
  if (outbox.length === 0) return
  const outcomes = outbox
  outbox = []
  port.postMessage(outcomes)
}

// Commands received and not yet answered; on 'stop' the thread closes only when this reaches 0.
let outstanding = 0
let stopping = false
function closeWhenDrained() {
  if (!stopping || outstanding > 0) return
  flushOutbox()
  if (process.env.WRITER_STATS) console.error('writer stats', JSON.stringify(bus.stats))
  sqlite.close()
  port.close()
}

function receive(m: RemoteCall) {
  const fn = HOT_COMMANDS[m.name as keyof typeof HOT_COMMANDS] as
    ((ctx: CommandContext, input: unknown) => CommandResult<unknown>) | undefined
  if (!fn) {
    answer({ id: m.id, ok: false, error: { kind: 'other', message: `unknown command ${m.name}` } })
    return
  }
  outstanding++
  bus
    .enqueue((ctx) => fn(ctx, m.input), m.actor, m.requestId, m.idempotency)
    .then(
      // With an Idempotency-Key the body is already JSON (as stored): send the string, not the object.
      (r) =>
        answer(
          r.json !== undefined
            ? { id: m.id, ok: true, statusCode: r.statusCode, json: r.json }
            : { id: m.id, ok: true, statusCode: r.statusCode, body: r.body },
        ),
      (e) => answer({ id: m.id, ok: false, error: serializeError(e) }),
    )
    .finally(() => {
      outstanding--
      closeWhenDrained()
    })
}

// The main thread sends the calls of one event-loop turn together (see remote.ts).
port.on('message', (m: RemoteCall[] | { type: 'stop' }) => {
  if (Array.isArray(m)) {
    for (const call of m) receive(call)
    return
  }
  stopping = true
  closeWhenDrained()
})
port.postMessage({ type: 'ready' })
