/**
 * Crash safety: the real server as a child process on a temporary database,
 * the money-moving writes posted concurrently with unique Idempotency-Keys —
 * repayments, collection sessions (with members' savings), savings deposits and
 * withdrawals at the counter (at or below the approval threshold, so paid at
 * once), recoveries on written-off loans — `kill -9` at a random moment (also
 * during the daily close), restart, then: every acknowledged write is present
 * exactly once, re-sending every request with its key creates no duplicate,
 * savings balances are what the requests add up to and never went negative,
 * session savings landed once in the households' accounts, and the invariant
 * verifier passes. `CRASH_ROUNDS` sets the number of kill points (npm run
 * bench:crash runs more).
 */
import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import BetterSqlite from 'better-sqlite3'
import { openDatabase } from '../../src/platform/database.js'
import { ensureBusinessDate } from '../../src/platform/business-date.js'
import { seedProgrammes } from '../../src/modules/programmes/service.js'
import { generatePortfolio } from '../../src/modules/demo/generate.js'
import { buildApp } from '../../src/app.js'
import { createApiKey } from '../../src/modules/users/service.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import { addDays } from '../../src/domain/dates.js'
import {
  actorOf,
  countByReference,
  openFundedAccounts,
  savingsBalances,
  sessionSavingsMismatches,
  withdrawalThreshold,
  writeOffOverdueLoans,
} from '../helpers/crash.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3)
const BUSINESS_DATE = '2026-06-30'
const CLOSE_TO = '2026-07-20'
const INITIAL_SAVINGS = 5_000_000
const SESSION_SAVINGS = 2000
const MAX_WITHDRAWAL = 20_000
const dir = mkdtempSync(join(tmpdir(), 'pc-crash-'))
const file = join(dir, 'crash.db')
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

let seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000)
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
t.comment(`CRASH_SEED=${seed}`)

type Kind = 'repayment' | 'session' | 'deposit' | 'withdrawal' | 'recovery'
interface Sent {
  key: string
  kind: Kind
  path: string
  body: unknown
  acked: boolean
  response?: string
  householdId?: number
  amount?: number
}
interface SessionLine {
  loanId: number
  interest: number
  principal: number
  savings: number
}
interface Loan {
  id: number
  groupId: number
  pointId: number
  householdId: number
}

async function setup() {
  const { sqlite } = openDatabase(file)
  ensureBusinessDate(sqlite, BUSINESS_DATE)
  seedProgrammes(sqlite)
  generatePortfolio(sqlite, { households: 300, seed: 7 })
  sqlite.close()
  const app = await buildApp({ databaseFile: file })
  const officer = actorOf(app, 'crash officer', 'branch_officer')
  const admin = actorOf(app, 'crash admin', 'admin')
  const keys = app.commands.runNow(
    (ctx) => ({
      statusCode: 201,
      body: {
        officer: createApiKey(ctx, officer.userId, 'crash').key,
        admin: createApiKey(ctx, admin.userId, 'crash').key,
      },
    }),
    admin,
  ).body
  // Written-off loans (four eyes: proposed by one branch manager, approved by another) take recoveries.
  const writtenOff = writeOffOverdueLoans(
    app,
    actorOf(app, 'crash manager 1', 'branch_manager'),
    actorOf(app, 'crash manager 2', 'branch_manager'),
    6,
  )
  const loans = app.sqlite
    .prepare(
      'SELECT id, group_id AS groupId, transaction_point_id AS pointId, household_id AS householdId FROM ' +
        "loans WHERE branch_id = 1 AND state = 'active' ORDER BY id",
    )
    .all() as Loan[]
  // Each group's session: its first five active loans. The first three households of each have an account
  // with counter traffic; the other two get theirs opened by their first session.
  const sessionLoans = new Map<number, Loan[]>()
  for (const l of loans) {
    const list = sessionLoans.get(l.groupId) ?? []
    if (list.length < 5) sessionLoans.set(l.groupId, [...list, l])
  }
  const inSessions = new Set([...sessionLoans.values()].flat().map((l) => l.id))
  const households = [
    ...[...sessionLoans.values()].flatMap((ls) => ls.slice(0, 3).map((l) => l.householdId)),
    ...loans
      .filter((l) => !inSessions.has(l.id))
      .filter((_, i) => i % 25 === 0)
      .map((l) => l.householdId),
  ]
  const accounts = openFundedAccounts(app, officer, households, INITIAL_SAVINGS, BUSINESS_DATE)
  const threshold = withdrawalThreshold(app.sqlite)
  await app.close()
  return { ...keys, loans, sessionLoans, accounts, writtenOff, threshold }
}

let port = 4300 + (process.pid % 500)
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  port++
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/server.ts')], {
    env: {
      ...process.env,
      DATABASE_FILE: file,
      PORT: String(port),
      LOG_LEVEL: 'error',
      AUTO_CLOSE: '0',
      ALLOW_CLOSE_AHEAD: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return { child, url }
    } catch {
      /* starting */
    }
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
  return fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify(body),
  })
}

const closeDay = (url: string, admin: string) =>
  fetch(`${url}/v1/close-of-business`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ date: CLOSE_TO }),
  })

/** The acknowledged writes whose answer names a row that is not on disk as answered. */
function acknowledgedMissing(sqlite: BetterSqlite.Database, sent: Sent[]): string[] {
  const loanTx = sqlite.prepare('SELECT kind, amount, reference FROM loan_transactions WHERE id = ?')
  const savingsTx = sqlite.prepare('SELECT kind, amount, reference FROM savings_transactions WHERE id = ?')
  const withdrawal = sqlite.prepare(
    'SELECT w.amount, w.reference, w.status, (SELECT COUNT(*) FROM savings_transactions t WHERE ' +
      't.withdrawal_id = w.id) AS moved FROM savings_withdrawals w WHERE w.id = ?',
  )
  const session = sqlite.prepare(
    'SELECT group_id AS groupId, line_count AS lines, (SELECT COUNT(*) FROM savings_transactions t WHERE ' +
      't.collection_session_id = s.id) AS savings FROM collection_sessions s WHERE s.id = ?',
  )
  const out: string[] = []
  for (const s of sent.filter((x) => x.acked)) {
    const answer = JSON.parse(s.response!) as {
      id?: number
      transactionId?: number
      transaction?: { id: number }
      withdrawal?: { id: number }
    }
    const body = s.body as { amount?: number; groupId?: number; lines?: unknown[] }
    const expect = (ok: boolean, row: unknown) => {
      if (!ok)
        out.push(`${s.key} ${s.kind} answered ${JSON.stringify(answer).slice(0, 120)}, on disk ${JSON.stringify(row)}`)
    }
    if (s.kind === 'repayment' || s.kind === 'recovery') {
      const row = loanTx.get(answer.transactionId ?? 0) as
        { kind: string; amount: number; reference: string } | undefined
      expect(row?.kind === s.kind && row.amount === body.amount && row.reference === s.key, row)
    } else if (s.kind === 'deposit') {
      const row = savingsTx.get(answer.transaction?.id ?? 0) as
        { kind: string; amount: number; reference: string } | undefined
      expect(row?.kind === 'deposit' && row.amount === body.amount && row.reference === s.key, row)
    } else if (s.kind === 'withdrawal') {
      const row = withdrawal.get(answer.withdrawal?.id ?? 0) as
        { amount: number; reference: string; status: string; moved: number } | undefined
      expect(row?.status === 'paid' && row.moved === 1 && row.amount === body.amount && row.reference === s.key, row)
    } else {
      const row = session.get(answer.id ?? 0) as { groupId: number; lines: number; savings: number } | undefined
      expect(
        row !== undefined &&
          row.groupId === body.groupId &&
          row.lines === body.lines!.length &&
          row.savings === body.lines!.length,
        row,
      )
    }
  }
  return out
}

t.test('acknowledged writes survive kill -9, nothing is doubled on re-send, invariants hold', async (t) => {
  const world = await setup()
  t.ok(
    world.writtenOff.length > 0 && world.writtenOff.every((w) => w.principal >= 1_000_000),
    `setup wrote off ${world.writtenOff.length} overdue loans, each with at least 1,000,000 VND of principal`,
  )
  t.ok(
    MAX_WITHDRAWAL <= world.threshold,
    `withdrawals (at most ${MAX_WITHDRAWAL} VND) are at or below the approval threshold (${world.threshold} ` +
      `VND), so paid at once`,
  )
  const groups = [...world.sessionLoans.keys()]
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const thousands = (most: number) => 1000 * (1 + Math.floor(random() * most))
  const sent: Sent[] = []
  let n = 0

  /** The next request: 45 % repayments, 15 % sessions, 15 % deposits, 15 % withdrawals, 10 % recoveries. */
  const nextRequest = (key: string): Sent => {
    const slot = n % 20
    if (slot < 9) {
      const loan = pick(world.loans)
      return {
        key,
        kind: 'repayment',
        path: `/v1/loans/${loan.id}/repayments`,
        body: { amount: 1000, valueDate: BUSINESS_DATE, reference: key },
        acked: false,
      }
    }
    if (slot < 12) {
      const ls = world.sessionLoans.get(pick(groups))!
      const lines: SessionLine[] = ls.map((l) => ({
        loanId: l.id,
        interest: 1000,
        principal: 0,
        savings: SESSION_SAVINGS,
      }))
      return {
        key,
        kind: 'session',
        path: '/v1/collection-sessions',
        body: { transactionPointId: ls[0]!.pointId, groupId: ls[0]!.groupId, sessionDate: BUSINESS_DATE, lines },
        acked: false,
      }
    }
    if (slot < 18) {
      const account = pick(world.accounts)
      const kind = slot < 15 ? 'deposit' : 'withdrawal'
      const amount = kind === 'deposit' ? thousands(50) : thousands(MAX_WITHDRAWAL / 1000)
      return {
        key,
        kind,
        path: `/v1/savings-accounts/${account.accountId}/${kind}s`,
        body: { amount, valueDate: BUSINESS_DATE, reference: key },
        acked: false,
        householdId: account.householdId,
        amount,
      }
    }
    const loan = pick(world.writtenOff)
    const amount = thousands(5)
    return {
      key,
      kind: 'recovery',
      path: `/v1/loans/${loan.loanId}/recoveries`,
      body: { amount, valueDate: BUSINESS_DATE, reference: key },
      acked: false,
      amount,
    }
  }

  for (let round = 0; round < ROUNDS + 1; round++) {
    const closing = round === ROUNDS // the last kill point lands during a daily close
    const { child, url } = await startServer()
    const inFlight: Promise<void>[] = []
    let outstanding = 0
    let firstAck = 0
    const fire = () => {
      n++
      const entry = nextRequest(`crash-${round}-${n}`)
      sent.push(entry)
      outstanding++
      inFlight.push(
        send(url, entry.key, world.officer, entry.path, entry.body)
          .then(
            async (res) => {
              const text = await res.text()
              if (res.status < 200 || res.status >= 300) return
              entry.acked = true
              entry.response = text
              if (firstAck === 0) firstAck = Date.now()
            },
            () => {},
          )
          .finally(() => outstanding--),
      )
    }
    // Bounded backlog: a slow server is not buried under requests it cannot start on.
    const tick = async () => {
      if (outstanding < 150) for (let i = 0; i < 10; i++) fire()
      await new Promise((r) => setTimeout(r, 15))
    }
    // Writes flow until the server acknowledges them (a freshly started server on a loaded machine may
    // take a while for its first answers; at most 15 s).
    const started = Date.now()
    while (firstAck === 0 && Date.now() - started < 15_000) await tick()
    let note = `first acknowledgement after ${firstAck === 0 ? '(none)' : `${firstAck - started} ms`}`
    if (closing) {
      // The daily close starts among the writes; the kill comes once it has closed a random number of
      // days (it commits day by day; read beside the server, as the CLI's verify may), a random few ms
      // later, while it is still running. The reader is gone before the kill.
      let closeDone = false
      const closeCall = closeDay(url, world.admin).then(
        (res) => {
          closeDone = res.status === 200
        },
        () => {},
      )
      const target = addDays(BUSINESS_DATE, 1 + Math.floor(random() * 16))
      const closeStarted = Date.now()
      const reader = new BetterSqlite(file, { readonly: true })
      const businessDate = reader.prepare('SELECT date FROM business_date WHERE id = 1').pluck()
      let reached = BUSINESS_DATE
      while (!closeDone && reached < target && Date.now() - closeStarted < 60_000) {
        await tick()
        reached = businessDate.get() as string
      }
      reader.close()
      const waitUntil = Date.now() + Math.floor(random() * 40)
      while (Date.now() < waitUntil) await tick()
      const closeState = closeDone ? 'the close had finished' : 'the close still running'
      note += `; close started, killed ${Date.now() - closeStarted} ms later (business date seen ${reached}, ${closeState})`
      await kill9(child)
      await closeCall
    } else {
      const killAfterMs = Math.floor(random() * 600)
      while (Date.now() - (firstAck || started) < killAfterMs) await tick()
      note += `, killed ${killAfterMs} ms later`
      await kill9(child)
    }
    await Promise.allSettled(inFlight)
    const ofRound = sent.filter((s) => s.key.startsWith(`crash-${round}-`))
    t.comment(
      `kill point ${round + 1}${closing ? ' (during the daily close)' : ''}: ${ofRound.length} requests, ` +
        `${ofRound.filter((s) => s.acked).length} acknowledged; ${note}`,
    )
  }

  // Right after the last kill, before anything is re-sent: what each acknowledgement named is on disk
  // (read-only, so the restarting server is the one that recovers the database).
  {
    const reader = new BetterSqlite(file, { readonly: true })
    const missing = acknowledgedMissing(reader, sent)
    reader.close()
    t.same(
      missing.slice(0, 10),
      [],
      `each of the ${sent.filter((s) => s.acked).length} acknowledged writes is on disk as acknowledged (its ` +
        `transaction, session or withdrawal id, reference and amount)`,
    )
  }

  // After the crashes: restart, re-send everything with its key, finish the close.
  const { child, url } = await startServer()
  let replayed = 0
  let newlyApplied = 0
  const refused: string[] = []
  for (const s of sent) {
    const res = await send(url, s.key, world.officer, s.path, s.body)
    if (res.status !== 201) {
      refused.push(`${s.key} ${s.kind} → ${res.status} ${await res.text()}`)
    } else if (s.acked) {
      t.equal(
        res.headers.get('idempotency-replayed'),
        'true',
        `acknowledged ${s.key} (${s.kind}) is replayed, not applied again`,
      )
      // The same answer (as JSON: the replay's bytes are the stored ones, the first answer went through the route's
      // serializer).
      if (!isDeepStrictEqual(await res.json(), JSON.parse(s.response!)))
        refused.push(`${s.key} ${s.kind}: the replay differs from the first answer`)
      replayed++
    } else if (res.headers.get('idempotency-replayed') === 'true') replayed++
    else newlyApplied++
  }
  t.same(
    refused.slice(0, 10),
    [],
    `every request is applied or replayed on re-send (${refused.length} not), an acknowledged one with its ` +
      `first answer`,
  )
  const close = await closeDay(url, world.admin)
  t.equal(close.status, 200, 'the interrupted close resumes and finishes')
  // The balance the API shows for each account with counter traffic.
  const apiBalances = new Map<number, number>()
  for (const a of world.accounts) {
    const res = await fetch(`${url}/v1/savings-accounts/${a.accountId}`, {
      headers: { authorization: `Bearer ${world.officer}` },
    })
    apiBalances.set(a.householdId, ((await res.json()) as { balance: number }).balance)
  }
  await kill9(child)

  const { sqlite } = openDatabase(file)
  const keysOf = (kind: Kind) => sent.filter((s) => s.kind === kind).map((s) => s.key)
  const exactlyOnce = (kind: Kind, counts: Map<string, number>, what: string = kind) => {
    const keys = keysOf(kind)
    const wrong = keys.filter((k) => counts.get(k) !== 1).map((k) => `${k}: ${counts.get(k) ?? 0}`)
    const strays = [...counts.keys()].filter((k) => !keys.includes(k))
    t.same(
      { wrong: wrong.slice(0, 10), strays: strays.slice(0, 10) },
      { wrong: [], strays: [] },
      `every ${kind} request (${keys.length}) has exactly one ${what} after re-sending, and no other ${what} ` +
        `carries a crash reference`,
    )
  }
  exactlyOnce(
    'repayment',
    countByReference(sqlite, 'loan_transactions', 'repayment', 'crash-'),
    'repayment transaction',
  )
  exactlyOnce('deposit', countByReference(sqlite, 'savings_transactions', 'deposit', 'crash-'), 'savings deposit')
  exactlyOnce('withdrawal', countByReference(sqlite, 'savings_withdrawals', null, 'crash-'), 'withdrawal record')
  exactlyOnce(
    'withdrawal',
    countByReference(sqlite, 'savings_transactions', 'withdrawal', 'crash-'),
    'savings withdrawal movement',
  )
  exactlyOnce('recovery', countByReference(sqlite, 'loan_transactions', 'recovery', 'crash-'), 'recovery transaction')
  t.equal(
    sqlite
      .prepare("SELECT COUNT(*) FROM savings_withdrawals WHERE reference LIKE 'crash-%' AND status <> 'paid'")
      .pluck()
      .get(),
    0,
    'every withdrawal was paid at once (none waits for approval)',
  )
  t.equal(
    sqlite.prepare("SELECT COUNT(*) FROM idempotency_keys WHERE key LIKE 'crash-%'").pluck().get(),
    sent.length,
    'one idempotency record per request',
  )
  const sessions = sent.filter((s) => s.kind === 'session')
  t.equal(
    sqlite.prepare('SELECT COUNT(*) FROM collection_sessions').pluck().get(),
    sessions.length,
    'one collection session per request',
  )
  t.same(sessionSavingsMismatches(sqlite), [], "each session's savings landed in its households' accounts exactly once")

  // Savings: each household's balance is what its requests add up to (setup deposit + counter deposits
  // + session savings − withdrawals), as stored and as the API shows it, and never went negative.
  const householdOfLoan = new Map(world.loans.map((l) => [l.id, l.householdId]))
  const expected = new Map<number, number>(world.accounts.map((a) => [a.householdId, INITIAL_SAVINGS]))
  const add = (householdId: number, amount: number) =>
    expected.set(householdId, (expected.get(householdId) ?? 0) + amount)
  for (const s of sent) {
    if (s.kind === 'deposit') add(s.householdId!, s.amount!)
    if (s.kind === 'withdrawal') add(s.householdId!, -s.amount!)
    if (s.kind === 'session')
      for (const l of (s.body as { lines: SessionLine[] }).lines) add(householdOfLoan.get(l.loanId)!, l.savings)
  }
  const balances = savingsBalances(sqlite)
  t.same(
    new Map([...balances].map(([h, b]) => [h, b.balance])),
    expected,
    `each of the ${expected.size} savings accounts holds Σ deposits − Σ withdrawals of its requests`,
  )
  t.same(
    apiBalances,
    new Map(world.accounts.map((a) => [a.householdId, expected.get(a.householdId)])),
    'the API shows the same balances',
  )
  t.same(
    [...balances].filter(([, b]) => b.lowest < 0).map(([h, b]) => `household ${h}: ${b.lowest}`),
    [],
    'no savings balance was ever negative',
  )
  const recovered = new Map(
    sqlite
      .prepare(
        "SELECT loan_id AS loanId, SUM(amount) AS total FROM loan_transactions WHERE kind = 'recovery' " +
          'GROUP BY loan_id',
      )
      .all()
      .map((r) => [(r as { loanId: number }).loanId, (r as { total: number }).total]),
  )
  t.ok(
    world.writtenOff.every((w) => (recovered.get(w.loanId) ?? 0) < w.principal + w.interest),
    'recoveries stay below what was written off',
  )

  t.equal(sqlite.prepare('SELECT date FROM business_date').pluck().get(), CLOSE_TO, 'business date reached the target')
  t.equal(
    sqlite
      .prepare(
        `SELECT COUNT(*) FROM close_runs WHERE status = 'done' AND date >= '${BUSINESS_DATE}' AND date < '${CLOSE_TO}'`,
      )
      .pluck()
      .get(),
    20,
    'each day closed once',
  )
  const verified = verifyInvariants(sqlite)
  t.ok(verified.ok, `invariants hold: ${verified.failures.map((f) => f.detail).join('; ')}`)
  t.equal(sqlite.pragma('integrity_check', { simple: true }), 'ok', 'SQLite integrity check')
  sqlite.close()
  const plural = {
    repayment: 'repayments',
    session: 'sessions',
    deposit: 'deposits',
    withdrawal: 'withdrawals',
    recovery: 'recoveries',
  } as const
  const byKind = (Object.keys(plural) as Kind[])
    .map(
      (k) =>
        `${plural[k]} ${sent.filter((s) => s.kind === k).length}/${sent.filter((s) => s.kind === k && s.acked).length}`,
    )
    .join(', ')
  t.comment(
    `${ROUNDS + 1} kill points survived; ${sent.length} requests, ${sent.filter((s) => s.acked).length} acknowledged ` +
      `before a kill, ${replayed} replayed on re-send, ${newlyApplied} applied on re-send (never acknowledged ` +
      `before); sent/acknowledged by kind: ${byKind}`,
  )
})
