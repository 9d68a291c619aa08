/**
 * Backups (README "Operations"): SQLite's online backup taken while the service
 * is writing. A file database (mkdtemp) with a generated portfolio is served by buildApp; repayments
 * are posted concurrently through app.inject while `app.sqlite.backup(target)` copies the database a
 * few pages at a time (the progress callback keeps the steps small and fires more repayments between
 * them, so writes and backup steps interleave). The backup must then:
 *   - pass PRAGMA integrity_check and the invariant verifier (src/modules/ledger/verify.ts);
 *   - hold a consistent prefix of the live database: its loan transactions and journal entries are
 *     exactly the live ones up to its highest id (nothing half-written, no gap), every repayment in it
 *     has its journal entry, and every repayment acknowledged before the backup started is in it.
 * Then the CLI once, as an operator runs it: `node --import tsx src/cli.ts backup <file>` against the
 * running service's database file, and `restore <file>` into a fresh DATABASE_FILE (exit codes, the
 * verifier's verdict in restore's output).
 */
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { openDatabase } from '../../src/platform/database.js'
import { ensureBusinessDate } from '../../src/platform/business-date.js'
import { seedProgrammes } from '../../src/modules/programmes/service.js'
import { generatePortfolio } from '../../src/modules/demo/generate.js'
import { buildApp } from '../../src/app.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const BUSINESS_DATE = '2026-06-30'
const dir = mkdtempSync(join(tmpdir(), 'pc-backup-'))
const live = join(dir, 'live.db')

// A realistic small portfolio (one loan per household) written straight into the file.
{
  const { sqlite } = openDatabase(live)
  ensureBusinessDate(sqlite, BUSINESS_DATE)
  seedProgrammes(sqlite)
  generatePortfolio(sqlite, { households: 300, seed: 11 })
  sqlite.close()
}
const app = await buildApp({ databaseFile: live })
t.teardown(async () => {
  await app.close()
  rmSync(dir, { recursive: true, force: true })
})
const officerKey = app.commands.runNow(
  (ctx) => {
    const officer = createUser(ctx, { name: 'backup officer', role: 'branch_officer', branchId: 1 })
    return { statusCode: 200, body: createApiKey(ctx, officer.id, 'backup test').key }
  },
  { userId: 0, name: 'test', role: 'admin', branchId: null, partnerId: null },
).body
const loans = app.sqlite
  .prepare("SELECT id FROM loans WHERE branch_id = 1 AND state = 'active' ORDER BY id")
  .pluck()
  .all() as number[]
t.ok(loans.length >= 20, `${loans.length} active loans in branch 1`)

let n = 0
/**
 * POST a 1,000 VND repayment on the business date to the next loan (round robin); resolves to the key when
 * acknowledged.
 */
function repayment(): Promise<{ key: string; status: number; transactionId?: number }> {
  const key = `backup-${process.pid}-${++n}`
  const loanId = loans[n % loans.length]!
  return app
    .inject({
      method: 'POST',
      url: `/v1/loans/${loanId}/repayments`,
      headers: { authorization: `Bearer ${officerKey}`, 'idempotency-key': key },
      payload: { amount: 1_000, valueDate: BUSINESS_DATE, reference: key },
    })
    .then((res) => ({
      key,
      status: res.statusCode,
      transactionId: res.statusCode === 201 ? (res.json().transactionId as number) : undefined,
    }))
}

const rows = (db: Database.Database, sql: string) => db.prepare(sql).all()

t.test(
  'an online backup taken under write load passes integrity_check and the verifier, and holds a ' + 'consistent prefix',
  async (t) => {
    // Acknowledged before the backup starts: these must be in it.
    const before = await Promise.all(Array.from({ length: 10 }, repayment))
    t.ok(
      before.every((r) => r.status === 201),
      '10 repayments acknowledged before the backup',
    )

    const target = join(dir, 'online.db')
    const inFlight: Promise<{ key: string; status: number; transactionId?: number }>[] = []
    // 24 in flight as the backup starts, 26 more fired from its progress callback, two per step.
    for (let i = 0; i < 24; i++) inFlight.push(repayment())
    let steps = 0
    const started = Date.now()
    const backup = app.sqlite.backup(target, {
      progress: () => {
        steps++
        if (inFlight.length < 50) inFlight.push(repayment(), repayment())
        return 4 // pages per step: many small steps, writes between them
      },
    })
    const result = await backup
    const during = await Promise.all(inFlight) // all 50 were fired by the time the backup finished
    t.comment(
      `backup: ${result.totalPages} pages in ${steps} steps, ${Date.now() - started} ms, ${inFlight.length} ` +
        `repayments in flight`,
    )
    t.ok(steps >= 10, `the backup ran in many steps (${steps}) with writes between them`)
    t.equal(during.length, 50, '50 repayments posted while the backup ran')
    t.ok(
      during.every((r) => r.status === 201),
      'every one acknowledged (201)',
      { diagnostic: true, statuses: [...new Set(during.map((r) => r.status))] },
    )

    const { sqlite: copy } = openDatabase(target)
    t.teardown(() => copy.close())
    t.equal(copy.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check = ok')
    const verdict = verifyInvariants(copy)
    t.same(verdict.failures, [], 'the invariant verifier passes on the backup')
    t.ok(
      verdict.ok && verdict.checked.transactions > 0,
      `checked ${verdict.checked.entries} entries, ${verdict.checked.loans} loans, ${verdict.checked.transactions} ` +
        `money transactions`,
    )

    // A consistent prefix: the backup's rows are exactly the live rows up to its highest id.
    const maxTx = copy.prepare('SELECT MAX(id) FROM loan_transactions').pluck().get() as number
    const maxEntry = copy.prepare('SELECT MAX(id) FROM journal_entries').pluck().get() as number
    const txSql = (max: number) =>
      `SELECT id, loan_id, kind, value_date, amount, reference FROM loan_transactions WHERE id <= ${max} ORDER
        BY id`
    const entrySql = (max: number) =>
      `SELECT e.id, e.kind, e.loan_transaction_id, l.account, l.debit, l.credit, l.loan_id FROM journal_entries
        e JOIN journal_lines l ON l.entry_id = e.id WHERE e.id <= ${max} ORDER BY e.id, l.id`
    t.same(
      rows(copy, txSql(maxTx)),
      rows(app.sqlite, txSql(maxTx)),
      `loan transactions 1…${maxTx}: identical to the live database (no gap, nothing extra)`,
    )
    t.same(
      rows(copy, entrySql(maxEntry)),
      rows(app.sqlite, entrySql(maxEntry)),
      `journal entries 1…${maxEntry} with their lines: identical to the live database`,
    )
    t.equal(
      copy
        .prepare(
          `SELECT COUNT(*) FROM loan_transactions t WHERE t.kind = 'repayment'
    AND (SELECT COUNT(*) FROM journal_entries e WHERE e.loan_transaction_id = t.id) <> 1`,
        )
        .pluck()
        .get(),
      0,
      'every repayment in the backup has exactly one journal entry',
    )
    t.equal(
      copy
        .prepare(
          'SELECT COUNT(*) FROM journal_lines l WHERE NOT EXISTS (SELECT 1 FROM journal_entries e WHERE ' +
            'e.id = l.entry_id)',
        )
        .pluck()
        .get(),
      0,
      'no journal line without its entry',
    )
    // Each repayment of the test that the backup holds is whole: its transaction, its entry, its idempotency
    // record.
    const keys = copy
      .prepare("SELECT reference FROM loan_transactions WHERE kind = 'repayment' AND reference LIKE ?")
      .pluck()
      .all(`backup-${process.pid}-%`) as string[]
    for (const r of before) t.ok(keys.includes(r.key), `acknowledged before the backup → in it (${r.key})`)
    const inBackup = during.filter((r) => keys.includes(r.key)).length
    t.comment(`${inBackup} of the 50 concurrent repayments are in the backup`)
    const idem = copy.prepare('SELECT COUNT(*) FROM idempotency_keys').pluck().get() as number
    t.ok(idem >= keys.length, `idempotency records (${idem}) cover the repayments in the backup (${keys.length})`)
    const liveAfter = app.sqlite
      .prepare("SELECT COUNT(*) FROM loan_transactions WHERE kind = 'repayment' AND reference LIKE ?")
      .pluck()
      .get(`backup-${process.pid}-%`) as number
    t.equal(liveAfter, 60, 'the live database holds all 60 repayments')
    t.same(verifyInvariants(app.sqlite).failures, [], 'and the live database still passes the verifier')
  },
)

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const started = Date.now()
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', fail)
    child.on('exit', (code) => {
      t.comment(`cli ${args[0]}: exit ${code} after ${Date.now() - started} ms`)
      done({ code, stdout, stderr })
    })
  })
}

t.test(
  'cli backup <file> while the service runs, then cli restore <file>: exit 0, integrity ok, ' +
    'invariants hold; never over an existing file',
  async (t) => {
    const file = join(dir, 'cli-backup.db')
    // The service keeps writing (a repayment every 20 ms) while the CLI process copies the database
    // through its own connection (SQLite restarts a step the other connection's commits overtook).
    const writes: Promise<{ status: number }>[] = []
    const timer = setInterval(() => writes.push(repayment()), 20)
    const backup = await cli(['backup', file], { DATABASE_FILE: live })
    clearInterval(timer)
    const acked = await Promise.all(writes)
    t.ok(
      acked.length > 0 && acked.every((r) => r.status === 201),
      `${acked.length} repayments acknowledged while cli backup ran`,
    )
    t.equal(backup.code, 0, 'cli backup exits 0', { diagnostic: backup.code !== 0, stderr: backup.stderr })
    t.match(backup.stdout, /backup written to .*cli-backup\.db .*integrity ok/, 'it reports the integrity check')
    t.ok(existsSync(file), 'the backup file exists')

    // Backing up onto an existing file is refused (never overwrites).
    const again = await cli(['backup', file], { DATABASE_FILE: live })
    t.equal(again.code, 1, 'cli backup to an existing file exits 1')
    t.match(again.stderr, /exists/)

    // Restore into a fresh database file (the operator stops the server first; here the live file is left alone).
    const restored = join(dir, 'restored', 'policy-credit.db')
    const restore = await cli(['restore', file], { DATABASE_FILE: restored })
    t.equal(restore.code, 0, 'cli restore exits 0', {
      diagnostic: restore.code !== 0,
      stderr: restore.stderr,
      stdout: restore.stdout,
    })
    t.match(restore.stdout, /verify: all invariants hold/, 'restore reports that the invariants hold')
    const { sqlite: db } = openDatabase(restored)
    t.teardown(() => db.close())
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok')
    t.same(verifyInvariants(db).failures, [])
    const { sqlite: source } = openDatabase(file)
    t.teardown(() => source.close())
    const count = (d: Database.Database) =>
      d
        .prepare(
          'SELECT (SELECT COUNT(*) FROM loan_transactions) AS tx, (SELECT COUNT(*) FROM journal_entries) AS ' +
            'entries, (SELECT COUNT(*) FROM loans) AS loans',
        )
        .get()
    t.same(count(db), count(source), 'the restored database holds what the backup holds')
    t.same(verifyInvariants(app.sqlite).failures, [], 'the live database still passes the verifier')
  },
)
