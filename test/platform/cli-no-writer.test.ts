/**
 * The CLI never starts a writer thread (src/app.ts `buildCliApp`, used by every command of
 * src/cli.ts): a command runs on the main connection and exits, whatever WRITER_THREAD (the
 * server's setting, on by default) says. Checked on the app itself and on the real CLI in its own
 * process — the writer thread prints its statistics on stderr as it stops when WRITER_STATS is set,
 * so a CLI run that started one would say so. The same runs show that the hooks reach the CLI:
 * the demo's pending support payment is the support rule's work.
 */
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { buildApp, buildCliApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
// Each CLI run is its own process (tsx start-up, the demo): minutes under the full suite.
t.setTimeout(300_000)

/** `npm run cli -- …` in its own process, with WRITER_THREAD=1 (the server's default) and WRITER_STATS=1. */
function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'error', WRITER_THREAD: '1', WRITER_STATS: '1', ...env },
    encoding: 'utf8',
    timeout: 100_000,
  })
}

const dir = mkdtempSync(join(tmpdir(), 'pc-cli-writer-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

t.test(
  'when the CLI builds its app, then no writer thread starts, although the same configuration starts one ' +
    'for the server',
  async (t) => {
    const config = {
      ...loadConfig({}),
      databaseFile: join(dir, 'cli.db'),
      initialBusinessDate: '2026-12-03',
      writerThread: true,
    }
    const server = await buildApp(config)
    t.ok(server.commands.remote?.alive, 'control: buildApp with this configuration starts a writer thread')
    await server.close()
    const app = await buildCliApp(config)
    t.equal(app.commands.remote, null, 'buildCliApp with the same configuration does not')
    t.notOk(app.checkpointer, 'nor a background checkpointer')
    await app.close()
  },
)

t.test(
  'when demo, create-admin-key or close-day runs with WRITER_THREAD=1, then no writer thread starts (and ' +
    "the demo's support rule ran)",
  async (t) => {
    const env = { DATABASE_FILE: join(dir, 'real.db'), INITIAL_BUSINESS_DATE: '2026-12-03', ALLOW_CLOSE_AHEAD: '1' }
    const probe = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `const { buildApp } = await import(${JSON.stringify(join(ROOT, 'src/app.ts'))}); const a = await buildApp({ ` +
          `databaseFile: process.env.DATABASE_FILE, writerThread: true }); await a.close()`,
      ],
      { env: { ...process.env, ...env, WRITER_STATS: '1' }, encoding: 'utf8', timeout: 100_000 },
    )
    t.match(probe.stderr, /writer stats/, 'control: an app with a writer thread says so on stderr')
    for (const args of [['demo'], ['create-admin-key', 'Quản trị viên'], ['close-day', '2026-12-04']]) {
      const run = cli(args, env)
      t.equal(run.status, 0, `cli ${args[0]}: ${run.stderr}`)
      t.notMatch(run.stderr, /writer stats/, `cli ${args[0]} started no writer thread`)
      if (args[0] === 'demo') {
        const db = new Database(env.DATABASE_FILE, { readonly: true })
        t.equal(
          db.prepare("SELECT COUNT(*) FROM support_payments WHERE status = 'pending_approval'").pluck().get(),
          1,
          "cli demo: the support rule ran in the CLI (the demo's pending support payment)",
        )
        db.close()
      }
    }
  },
)
