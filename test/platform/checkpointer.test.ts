/**
 * Background WAL checkpoints (src/platform/checkpointer.ts, checkpointer-worker.ts): with
 * `backgroundCheckpoint: true` on a FILE database, the main connection's own automatic checkpoint
 * is moved far out and a worker thread with its own connection checkpoints every interval.
 *
 * How a checkpoint is seen: a copy of the database FILE alone (without its -wal) holds exactly what
 * has been checkpointed into it. After some commits and a few checkpointer rounds, that copy must
 * hold every committed row; without the checkpointer the same commits are still only in the WAL
 * (the control, which shows the check can fail).
 */
import t, { type Test } from 'tap'
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { WRITER_AUTOCHECKPOINT_PAGES } from '../../src/platform/checkpointer.js'
import { createBranch } from '../../src/modules/organisation/service.js'
import { SYSTEM } from '../helpers/app.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const INTERVAL_MS = 20

interface FileApp {
  app: FastifyInstance
  file: string
  dir: string
}

async function fileApp(t: Test, backgroundCheckpoint: boolean): Promise<FileApp> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-checkpoint-'))
  const file = join(dir, 'test.db')
  const app = await buildApp({
    databaseFile: file,
    backgroundCheckpoint,
    checkpointIntervalMs: INTERVAL_MS,
    initialBusinessDate: '2026-06-30',
  })
  t.teardown(async () => {
    // A ref'd handle while closing: the checkpointer's stop() waits on an unref'd worker (see the last test).
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { app, file, dir }
}

let seq = 0
/** `n` commits of one branch each (with its audit row), as n write requests would make. */
function writes(app: FastifyInstance, n: number): number {
  for (let i = 0; i < n; i++) {
    app.commands.runNow(
      (ctx) => ({
        statusCode: 201,
        body: createBranch(ctx, { code: `BR-CP${++seq}`, name: 'Checkpointed', province: 'Huế' }),
      }),
      SYSTEM,
    )
  }
  return app.sqlite.prepare('SELECT COUNT(*) FROM branches').pluck().get() as number
}

/** Polls every 10 ms until `done()` (true) or `ms` have passed (false). */
async function until(done: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (!done()) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

let copies = 0
/** Branches in the database file alone (a copy without the -wal): what has been checkpointed. */
function checkpointedBranches({ file, dir }: FileApp): number {
  const copy = join(dir, `file-only-${++copies}.db`)
  copyFileSync(file, copy)
  const db = new Database(copy)
  try {
    const hasTable = db
      .prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'branches'")
      .pluck()
      .get() as number
    return hasTable ? (db.prepare('SELECT COUNT(*) FROM branches').pluck().get() as number) : 0
  } finally {
    db.close()
  }
}

t.test('the background checkpointer copies committed WAL frames into the database file, without errors', async (t) => {
  const fa = await fileApp(t, true)
  const { app } = fa
  const checkpointer = app.checkpointer!
  t.ok(checkpointer, 'a file database with backgroundCheckpoint: true has a checkpointer')
  t.equal(
    app.sqlite.pragma('wal_autocheckpoint', { simple: true }),
    WRITER_AUTOCHECKPOINT_PAGES,
    'the main connection no longer checkpoints these few pages itself',
  )
  const live = writes(app, 20)
  // Two more rounds: at least one checkpoint began after the last commit.
  const mark = checkpointer.stats.checkpoints
  t.ok(
    await until(() => checkpointer.stats.checkpoints >= mark + 2),
    `the checkpointer keeps reporting (${checkpointer.stats.checkpoints} checkpoints)`,
  )
  t.ok(checkpointer.stats.checkpoints > 0)
  t.equal(checkpointer.stats.errors, 0, 'no checkpoint failed')
  t.equal(checkpointer.stats.lastError, undefined, checkpointer.stats.lastError ?? 'no error message')
  t.equal(checkpointedBranches(fa), live, `the database file alone holds all ${live} committed branches`)

  const [wal] = app.sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[]
  t.ok(wal!.log > 0, `the WAL holds the commits (${wal!.log} frames)`)
  t.equal(wal!.checkpointed, wal!.log, 'every frame of the WAL is checkpointed')
  t.equal(checkpointer.stats.walFrames, wal!.log, 'the stats report the WAL size the checkpointer saw')
})

t.test(
  'checkpoints start just after a commit: each group-commit batch bumps the signal the checkpointer waits on',
  async (t) => {
    const fa = await fileApp(t, true)
    const { app } = fa
    const signal = new Int32Array(app.checkpointer!.commitSignal)
    const before = Atomics.load(signal, 0)
    // Three batches through the group-commit bus (not runNow): one signal per COMMIT, not per command.
    for (let b = 0; b < 3; b++) {
      await Promise.all(
        [1, 2, 3].map(() =>
          app.commands.enqueue(
            (ctx) => ({
              statusCode: 201,
              body: createBranch(ctx, { code: `BR-SIG${++seq}`, name: 'Signalled', province: 'Huế' }),
            }),
            SYSTEM,
            'test',
          ),
        ),
      )
    }
    t.equal(Atomics.load(signal, 0) - before, 3, 'three batches, three signals')
    const live = app.sqlite.prepare('SELECT COUNT(*) FROM branches').pluck().get() as number
    // Idle: no commit comes, the wait times out and checkpoints go on (they would block nothing).
    const mark = app.checkpointer!.stats.checkpoints
    t.ok(
      await until(() => app.checkpointer!.stats.checkpoints >= mark + 3),
      'without commits the checkpointer keeps its rounds',
    )
    t.equal(app.checkpointer!.stats.errors, 0)
    // Copied only now: rounds with nothing left to copy do not write the file (a copy taken during a
    // checkpoint that is writing could be torn).
    t.equal(checkpointedBranches(fa), live, 'the checkpoints after those commits put them in the database file')
  },
)

t.test('control: without the background checkpointer the same commits are still only in the WAL', async (t) => {
  const fa = await fileApp(t, false)
  t.equal(fa.app.checkpointer, null, 'no checkpointer')
  const live = writes(fa.app, 20)
  await new Promise((r) => setTimeout(r, 3 * INTERVAL_MS))
  t.ok(checkpointedBranches(fa) < live, 'the database file alone lacks the latest branches')
})

t.test('a memory database gets no checkpointer', async (t) => {
  const app = await buildApp({
    databaseFile: ':memory:',
    backgroundCheckpoint: true,
    checkpointIntervalMs: INTERVAL_MS,
  })
  t.teardown(() => app.close())
  t.equal(app.checkpointer, null)
})

t.test('app.close() stops the checkpointer thread promptly and closes its connection', async (t) => {
  const fa = await fileApp(t, true)
  const stats = fa.app.checkpointer!.stats
  writes(fa.app, 5)
  t.ok(await until(() => stats.checkpoints >= 2), 'the checkpointer runs')
  await fa.app.close()
  // Not a timing: the thread reports whether it ended by itself or had to be terminated after the grace period.
  t.equal(stats.stoppedWhenAsked, true, 'the thread stopped when asked (not terminated by the fallback)')
  t.notOk(
    existsSync(`${fa.file}-wal`),
    "the WAL file is gone: the last connection closed, so the thread's is closed too",
  )
  const after = stats.checkpoints
  await new Promise((r) => setTimeout(r, 5 * INTERVAL_MS))
  t.equal(stats.checkpoints, after, 'no checkpoint is reported after the close')
  t.equal(stats.errors, 0)
})

t.test('a process that closes the app exits by itself, after app.close() has resolved', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-checkpoint-exit-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const script =
    `
    const { buildApp } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/app.ts')).href)})
 ` +
    `   const app = await buildApp({ databaseFile: process.env.DB_FILE, backgroundCheckpoint: true, checkpointIntervalMs: ` +
    `${INTERVAL_MS} })
    await new Promise((r) => { const i = setInterval(() => { if (app.checkpointer.stats.checkpoints ` +
    `> 0) { clearInterval(i); r() } }, 10) })
    console.log('checkpointed')
    await app.close()
    console.log('closed')`
  // A plain node process, without tap's NODE_OPTIONS hooks. (Its exit code is not asserted: when the event
  // loop empties inside a top-level await, node 20 ends with 13 or 0 depending on the environment.)
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !/^_?TAP/.test(k)))
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...env, DB_FILE: join(dir, 'exit.db') },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => {
    out += d
  })
  child.stderr.on('data', (d) => {
    out += d
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
    child.once('exit', (c, s) => r([c, s])),
  )
  clearTimeout(killer)
  t.equal(signal, null, 'not killed: no worker keeps the process alive')
  t.match(out, /^checkpointed$/m, 'the checkpointer ran in that process')
  t.match(out, /^closed$/m, 'app.close() resolved before the process ended')
  t.comment(`exit code ${code}; output: ${out.trim().replace(/\n/g, ' | ')}`)
})
