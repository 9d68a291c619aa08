/**
 * Crash safety: the real server as a child process on a temporary database,
 * repayments and collection sessions posted concurrently with unique
 * Idempotency-Keys, `kill -9` at a random moment (also during the daily close),
 * restart, then: every acknowledged write is present exactly once, re-sending
 * every request with its key creates no duplicate, and the invariant verifier
 * passes. `CRASH_ROUNDS` sets the number of kill points (npm run bench:crash runs more).
 */
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../../src/platform/database.js'
import { ensureBusinessDate } from '../../src/platform/business-date.js'
import { seedProgrammes } from '../../src/modules/programmes/service.js'
import { generatePortfolio } from '../../src/modules/demo/generate.js'
import { buildApp } from '../../src/app.js'
import { createUser, createApiKey } from '../../src/modules/users/routes.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3)
const BUSINESS_DATE = '2026-06-30'
const dir = mkdtempSync(join(tmpdir(), 'pc-crash-'))
const file = join(dir, 'crash.db')
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

let seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000)
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
t.comment(`CRASH_SEED=${seed}`)

interface Sent { key: string; path: string; body: unknown; acked: boolean }

async function setup() {
  const { sqlite } = openDatabase(file)
  ensureBusinessDate(sqlite, BUSINESS_DATE)
  seedProgrammes(sqlite)
  generatePortfolio(sqlite, { households: 300, seed: 7 })
  sqlite.close()
  const app = await buildApp({ databaseFile: file })
  const { body } = app.commands.runNow((ctx) => {
    const officer = createUser(ctx, { name: 'crash officer', role: 'branch_officer', branchId: 1 })
    const admin = createUser(ctx, { name: 'crash admin', role: 'admin' })
    return { statusCode: 200, body: { officer: createApiKey(ctx, officer.id, 'crash').key, admin: createApiKey(ctx, admin.id, 'crash').key } }
  }, { userId: 0, name: 'test', role: 'admin', branchId: null, partnerId: null })
  const loans = app.sqlite.prepare("SELECT id, group_id AS groupId, transaction_point_id AS pointId FROM loans WHERE branch_id = 1 AND state = 'active' ORDER BY id").all() as { id: number; groupId: number; pointId: number }[]
  await app.close()
  return { ...body, loans }
}

let port = 4300 + (process.pid % 500)
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  port++
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    env: { ...process.env, DATABASE_FILE: file, PORT: String(port), LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return { child, url }
    } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('server did not start')
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    child.once('exit', () => r())
    child.kill('SIGKILL')
  })
}

async function send(url: string, key: string, token: string, path: string, body: unknown) {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key }, body: JSON.stringify(body) })
}

t.test('acknowledged writes survive kill -9, nothing is doubled on re-send, invariants hold', async (t) => {
  const world = await setup()
  const sent: Sent[] = []
  let n = 0
  for (let round = 0; round < ROUNDS + 1; round++) {
    const closing = round === ROUNDS // the last kill point lands during a daily close
    const { child, url } = await startServer()
    const inFlight: Promise<void>[] = []
    const fire = () => {
      n++
      const key = `crash-${round}-${n}`
      const useSession = n % 5 === 0
      const loan = world.loans[Math.floor(random() * world.loans.length)]!
      const path = useSession ? '/v1/collection-sessions' : `/v1/loans/${loan.id}/repayments`
      const body = useSession
        ? { transactionPointId: loan.pointId, groupId: loan.groupId, sessionDate: BUSINESS_DATE, lines: world.loans.filter((l) => l.groupId === loan.groupId).slice(0, 5).map((l) => ({ loanId: l.id, interest: 1000, principal: 0, savings: 2000 })) }
        : { amount: 1000, valueDate: BUSINESS_DATE, reference: key }
      const entry: Sent = { key, path, body, acked: false }
      sent.push(entry)
      inFlight.push(send(url, key, world.officer, path, body).then((res) => { entry.acked = res.status >= 200 && res.status < 300 }, () => {}))
    }
    const closeCall = closing ? fetch(`${url}/v1/close-of-business`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${world.admin}` }, body: JSON.stringify({ date: '2026-07-20' }) }).catch(() => null) : null
    const killAfterMs = 150 + Math.floor(random() * 600)
    const started = Date.now()
    while (Date.now() - started < killAfterMs) {
      for (let i = 0; i < 10; i++) fire()
      await new Promise((r) => setTimeout(r, 15))
    }
    await kill9(child)
    await Promise.allSettled(inFlight)
    await closeCall
    t.comment(`kill point ${round + 1}${closing ? ' (during the daily close)' : ''}: ${sent.filter((s) => s.key.startsWith(`crash-${round}-`)).length} requests, ${sent.filter((s) => s.key.startsWith(`crash-${round}-`) && s.acked).length} acknowledged`)
  }

  // After the crashes: restart, re-send everything with its key, finish the close.
  const { child, url } = await startServer()
  let replayed = 0
  let newlyApplied = 0
  for (const s of sent) {
    const res = await send(url, s.key, world.officer, s.path, s.body)
    if (s.acked) {
      t.equal(res.headers.get('idempotency-replayed'), 'true', `acknowledged ${s.key} is replayed, not applied again`)
      replayed++
    } else if (res.status === 201) {
      if (res.headers.get('idempotency-replayed') === 'true') replayed++
      else newlyApplied++
    }
  }
  const close = await fetch(`${url}/v1/close-of-business`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${world.admin}` }, body: JSON.stringify({ date: '2026-07-20' }) })
  t.equal(close.status, 200, 'the interrupted close resumes and finishes')
  await kill9(child)

  const { sqlite } = openDatabase(file)
  const repaymentKeys = sent.filter((s) => s.path.endsWith('/repayments')).map((s) => s.key)
  const counts = new Map((sqlite.prepare("SELECT reference, COUNT(*) AS n FROM loan_transactions WHERE kind = 'repayment' AND reference LIKE 'crash-%' GROUP BY reference").all() as { reference: string; n: number }[]).map((r) => [r.reference, r.n]))
  t.ok(repaymentKeys.every((k) => counts.get(k) === 1), 'every repayment request is applied exactly once after re-sending')
  t.equal(sqlite.prepare('SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE \'crash-%\'').pluck().get(), sent.length, 'one idempotency record per request')
  const sessionsSent = sent.filter((s) => s.path === '/v1/collection-sessions').length
  t.equal(sqlite.prepare('SELECT COUNT(*) FROM collection_sessions').pluck().get(), sessionsSent, 'one collection session per request')
  t.equal(sqlite.prepare("SELECT date FROM business_date").pluck().get(), '2026-07-20', 'business date reached the target')
  t.equal(sqlite.prepare("SELECT COUNT(*) FROM close_runs WHERE status = 'done' AND date >= '2026-06-30' AND date < '2026-07-20'").pluck().get(), 20, 'each day closed once')
  const verified = verifyInvariants(sqlite)
  t.ok(verified.ok, `invariants hold: ${verified.failures.map((f) => f.detail).join('; ')}`)
  t.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok', 'SQLite integrity check')
  sqlite.close()
  t.comment(`${ROUNDS + 1} kill points survived; ${sent.length} requests, ${sent.filter((s) => s.acked).length} acknowledged before a kill, ${replayed} replayed on re-send, ${newlyApplied} applied on re-send (never acknowledged before)`)
})
