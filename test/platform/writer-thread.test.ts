/**
 * The writer thread (src/platform/remote.ts, src/modules/writer/*): the hot write commands —
 * repayments and collection sessions — run on a worker thread with its own connection and
 * group-commit bus when the app is built with `writerThread: true` on a FILE database.
 * Seen from HTTP nothing may change: the same answers as in-process, the same problems
 * (code, status, details such as payoffAmount and the bad line), the same idempotency, nothing
 * written on a rejection, the ledger invariants intact; and when the thread is gone the
 * commands run in-process again.
 *
 * Loans (LOAN_12M of test/helpers/origination.ts, as in repayments.test.ts): POOR 5500 ppm, 12 monthly principal
 * instalments, disbursed 2025-01-10, instalment 1 due 2025-02-15 (36 days of interest).
 */
import t, { type Test } from 'tap'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import type { Actor } from '../../src/platform/auth.js'
import { buildTestApp, rowCounts, type TestApp } from '../helpers/app.js'
import { disbursedLoan, LOAN_12M, repay, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { assertLedgerMatchesLoans } from '../helpers/ledger.js'

/** A test app on a database file (worker threads need one), with or without the writer thread. */
const fileTestApp = (t: Test, writerThread: boolean): Promise<TestApp> =>
  buildTestApp(t, { fileDatabase: true, writerThread })

const repaymentsOf = (ta: TestApp, loanId: number) =>
  ta.app.sqlite
    .prepare("SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ? AND kind = 'repayment'")
    .pluck()
    .get(loanId) as number
/** The body without ids and timestamps, to compare two databases' answers. */
const stripIds = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(stripIds)
    : v !== null && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => !/(^id|Id|At)$/.test(k))
            .map(([k, x]) => [k, stripIds(x)]),
        )
      : v

const ta = await fileTestApp(t, true)
const { app } = ta
const mainBusCommands = () => app.commands.stats.commands

t.test('a repayment through the writer thread answers exactly as the same repayment in-process', async (t) => {
  t.ok(app.commands.remote?.alive, 'the writer thread runs (file database, writerThread: true)')
  const local = await fileTestApp(t, false)
  t.equal(local.app.commands.remote, null, 'the second app has no writer thread')
  const remoteLoan = (await disbursedLoan(ta, LOAN_12M)).loanId
  const localLoan = (await disbursedLoan(local, LOAN_12M)).loanId

  const before = mainBusCommands()
  // 2,142,340 on 2025-03-15 pays instalment 1 late (with penalty) and instalment 2 (repayments.test.ts).
  const viaThread = await repay(ta, remoteLoan, 2_142_340, '2025-03-15')
  t.equal(viaThread.statusCode, 201, viaThread.body)
  t.equal(mainBusCommands(), before, "the main thread's bus did not run it: the writer thread did")
  const localBefore = local.app.commands.stats.commands
  const inProcess = await repay(local, localLoan, 2_142_340, '2025-03-15')
  t.equal(inProcess.statusCode, 201, inProcess.body)
  t.equal(local.app.commands.stats.commands, localBefore + 1, 'the second app ran it in-process')

  t.same(viaThread.json().allocation, {
    overdueInterest: 85_873,
    overduePrincipal: 1_000_000,
    interest: 56_467,
    principal: 1_000_000,
    prepaid: 0,
  })
  // The loan is shown as of the business date 2026-06-30, when the other 10 instalments are overdue.
  t.match(viaThread.json().loan, {
    id: remoteLoan,
    outstandingPrincipal: 10_000_000,
    overduePrincipal: 10_000_000,
    totals: { principalRepaid: 2_000_000, penaltyRepaid: 6_673 },
  })
  t.same(stripIds(viaThread.json()), stripIds(inProcess.json()), 'same allocation and loan balances, field by field')
  t.same(Object.keys(viaThread.json()).sort(), Object.keys(inProcess.json()).sort(), 'same members')
  const entry = (a: TestApp, txId: number) =>
    a.app.sqlite
      .prepare(
        'SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries ' +
          'WHERE loan_transaction_id = ?) ORDER BY account',
      )
      .all(txId)
  t.same(entry(ta, viaThread.json().transactionId), entry(local, inProcess.json().transactionId), 'same journal entry')
  t.equal(entry(ta, viaThread.json().transactionId).length, 4, 'the entry is visible to the main connection')
})

t.test('errors cross the thread unchanged, and a rejected repayment writes nothing', async (t) => {
  const loanA = (await disbursedLoan(ta, LOAN_12M)).loanId
  const loanB = (await disbursedLoan(ta, { ...LOAN_12M, group: 'groupB' })).loanId
  const before = rowCounts(app)
  // Payoff on 2025-02-15: 12,000,000 + interest of period 1 (79,200) = 12,079,200.
  const over = assertRejected(t, await repay(ta, loanA, 12_079_201, '2025-02-15'), 422, 'OVERPAYMENT')
  t.equal(over.payoffAmount, 12_079_200, 'payoffAmount (a DomainError detail) survives the thread')
  t.equal(over.status, 422)
  t.match(
    over.detail,
    /^repayment \d+ of 12079201 on 2025-02-15 exceeds the payoff amount 12079200$/,
    'the detail is the domain message',
  )
  assertRejected(t, await repay(ta, loanB, 100_000, '2026-06-30'), 404, 'NOT_FOUND')
  assertRejected(t, await repay(ta, loanA, 100_000, '2026-07-01'), 422, 'DATE_IN_FUTURE')
  assertRejected(t, await repay(ta, 999_999, 100_000, '2026-06-30'), 404, 'NOT_FOUND')
  const after = rowCounts(app)
  t.equal(after.loan_transactions, before.loan_transactions, 'no loan transaction')
  t.equal(after.journal_entries, before.journal_entries, 'no journal entry')
  t.same(after, before, 'no row in any table (no audit, no idempotency record)')
  t.ok(app.commands.remote?.alive, 'a rejected command does not hurt the thread')
})

t.test('idempotency through the thread: replay, reuse with another body, 20 concurrent duplicates', async (t) => {
  const loanId = (await disbursedLoan(ta, LOAN_12M)).loanId
  const key = unique('idem')
  const first = await repay(ta, loanId, 50_000, '2025-02-15', { key })
  t.equal(first.statusCode, 201, first.body)
  t.notOk(first.headers['idempotency-replayed'], 'the first answer is not a replay')
  const counts = rowCounts(app)
  const replay = await repay(ta, loanId, 50_000, '2025-02-15', { key })
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotency-replayed'], 'true', 'the key the writer stored is found by the main thread')
  t.same(replay.json(), first.json(), 'the stored response')
  t.same(rowCounts(app), counts, 'the replay writes nothing')
  t.equal(repaymentsOf(ta, loanId), 1, 'one effect')
  assertRejected(t, await repay(ta, loanId, 60_000, '2025-02-15', { key }), 422, 'IDEMPOTENCY_KEY_REUSED')
  t.same(rowCounts(app), counts, 'the reuse writes nothing')

  const loan2 = (await disbursedLoan(ta, LOAN_12M)).loanId
  const shared = unique('concurrent')
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => repay(ta, loan2, 50_000, '2025-02-15', { key: shared })),
  )
  const originals = responses.filter((r) => r.statusCode === 201 && !r.headers['idempotency-replayed'])
  const replays = responses.filter((r) => r.statusCode === 201 && r.headers['idempotency-replayed'] === 'true')
  const inFlight = responses.filter((r) => r.statusCode === 409 && r.json().code === 'IDEMPOTENCY_IN_FLIGHT')
  t.equal(originals.length, 1, 'exactly one request ran the command')
  t.equal(originals.length + replays.length + inFlight.length, 20, 'the others were replayed or refused as in flight')
  for (const r of replays) t.same(r.json(), originals[0]!.json())
  t.equal(repaymentsOf(ta, loan2), 1, 'exactly one loan transaction')
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM idempotency_keys WHERE key = ?').pluck().get(shared),
    1,
    'one idempotency record',
  )
})

t.test(
  'a collection session through the thread posts every line; one bad line writes nothing and is named',
  async (t) => {
    // 6,000,000 VND loans: instalment 1 = interest 39,600 + principal 500,000 (collections.test.ts).
    const loans = await Promise.all(
      Array.from({ length: 5 }, async () => (await disbursedLoan(ta, { ...LOAN_12M, amount: 6_000_000 })).loanId),
    )
    const line = (loanId: number) => ({ loanId, interest: 39_600, principal: 500_000, savings: 50_000 })
    const session = (lines: object[]) => ({
      transactionPointId: ta.world.pointA,
      groupId: ta.world.groupA,
      sessionDate: '2025-02-15',
      lines,
    })
    const post = (body: object) =>
      ta.as('officerA', {
        method: 'POST',
        url: '/v1/collection-sessions',
        headers: { 'idempotency-key': unique('session') },
        payload: body,
      })

    const bad = loans.map(line)
    // above the payoff 6,039,600
    bad[3] = { loanId: loans[3]!, interest: 39_600, principal: 6_000_001, savings: 50_000 }
    const before = rowCounts(app)
    const rejected = assertRejected(t, await post(session(bad)), 422, 'OVERPAYMENT', 'body.lines[3]')
    t.equal(rejected.payoffAmount, 6_039_600, "the line's payoff is reported")
    t.same(rowCounts(app), before, 'nothing written: no session, repayment, savings, journal entry or key')

    const commands = mainBusCommands()
    const res = await post(session(loans.map(line)))
    t.equal(res.statusCode, 201, res.body)
    t.equal(mainBusCommands(), commands, 'posted by the writer thread')
    const body = res.json()
    t.match(body, { totalInterest: 5 * 39_600, totalPrincipal: 5 * 500_000, totalSavings: 5 * 50_000 })
    t.same(
      body.lines.map((l: { loanId: number; status: string }) => [l.loanId, l.status]),
      loans.map((id) => [id, 'posted']),
    )
    const after = rowCounts(app)
    t.equal(after.collection_sessions, before.collection_sessions! + 1)
    t.equal(after.loan_transactions, before.loan_transactions! + 5, 'one repayment per line')
    t.equal(after.savings_deposits, before.savings_deposits! + 5, 'one savings deposit per line')
    t.equal(
      app.sqlite.prepare('SELECT COUNT(*) FROM loan_transactions WHERE collection_session_id = ?').pluck().get(body.id),
      5,
    )
  },
)

t.test('the ledger invariants hold after everything the writer thread posted', async (t) => {
  t.ok(
    (app.sqlite.prepare("SELECT COUNT(*) FROM loan_transactions WHERE kind = 'repayment'").pluck().get() as number) >=
      8,
    'repayments were posted',
  )
  assertLedgerMatchesLoans(t, app)
  const result = verifyInvariants(app.sqlite)
  t.same(result.failures, [], 'the invariant verifier passes')
  t.ok(result.ok)
})

t.test('when the writer thread has stopped, repayments run in-process; the stop is clean', async (t) => {
  const [inFlightLoan, loanId] = [
    (await disbursedLoan(ta, LOAN_12M)).loanId,
    (await disbursedLoan(ta, LOAN_12M)).loanId,
  ]
  const remote = app.commands.remote!
  const officerA: Actor = {
    userId: ta.world.userIds.officerA,
    name: 'officerA',
    role: 'branch_officer',
    branchId: ta.world.branchA,
    partnerId: null,
  }
  // A command still on its way to the thread when it is told to stop.
  const inFlight = remote
    .execute({
      name: 'loans.repay',
      input: { loanId: inFlightLoan, body: { amount: 50_000, valueDate: '2025-02-15' } },
      actor: officerA,
      requestId: 'in-flight',
    })
    .then(
      (r) => `answered ${r.statusCode}`,
      (e: { code?: string }) => `refused ${e.code}`,
    )
  await remote.stop()
  // Not a timing (a loaded machine makes any bound flaky): the thread reports how it ended.
  t.equal(remote.stoppedWhenAsked, true, 'the thread exits on its own (not terminated by the 5 s fallback)')
  t.equal(remote.alive, false, 'the executor reports the thread dead')
  const outcome = await Promise.race([
    inFlight,
    new Promise<string>((r) => setTimeout(() => r('still pending after 1 s'), 1_000)),
  ])
  t.match(
    outcome,
    /^(answered 201|refused SERVICE_BUSY)$/,
    `the in-flight command is answered or refused as retryable: ${outcome}`,
  )
  t.equal(
    repaymentsOf(ta, inFlightLoan),
    outcome === 'answered 201' ? 1 : 0,
    'the in-flight repayment is in the database only if it was answered',
  )

  const commands = mainBusCommands()
  const res = await repay(ta, loanId, 50_000, '2025-02-15')
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json().allocation, { overdueInterest: 0, overduePrincipal: 0, interest: 50_000, principal: 0, prepaid: 0 })
  t.equal(mainBusCommands(), commands + 1, 'the main thread ran it (fallback)')
  t.equal(repaymentsOf(ta, loanId), 1)
  assertRejected(t, await repay(ta, loanId, 12_029_201, '2025-02-15'), 422, 'OVERPAYMENT')
  t.same(verifyInvariants(app.sqlite).failures, [], 'invariants still hold')

  // Closing the app stops the (already stopped) writer again.
  const closing = Date.now()
  await app.close()
  const closeMs = Date.now() - closing
  t.ok(closeMs < 2_000, `app.close() after the thread stopped is prompt (${closeMs} ms)`)
})
