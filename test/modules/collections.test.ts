/**
 * Collection sessions over HTTP (docs/rules.md §11, §7, §9; docs/api.md): one group's
 * hand-in at its transaction point on a date, all lines posted in one transaction or none.
 *
 * 40 loans of groupA (transaction point A, session day 15) + 1 loan of groupA2 (same point,
 * another group): POOR 5500 ppm, 6,000,000 VND, 12 months, principal every month
 * (12 × 500,000), disbursed 2025-01-10 → instalment 1 due 2025-02-15.
 * Interest of instalment 1 (2025-01-10, 2025-02-15] = 36 days:
 *   6,000,000 × 36 × 5500 / 30,000,000 = 39,600 (exact).
 * Session on 2025-02-15, each line: interest 39,600, principal 500,000, savings 50,000.
 * Payoff of one loan that day = 6,000,000 + 39,600 = 6,039,600.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { disbursedLoan, LOAN_12M, unique, type GroupName } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const test = ledgerCheckedTest(t, app)

const LOAN = { ...LOAN_12M, amount: 6_000_000 }
const INTEREST = 39_600
const PRINCIPAL = 500_000
const SAVINGS = 50_000

/** `n` disbursed loans of `group`, created 10 at a time (the command bus batches them). */
async function loans(n: number, group: GroupName = 'groupA'): Promise<number[]> {
  const ids: number[] = []
  for (let i = 0; i < n; i += 10) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, () => disbursedLoan(ta, { ...LOAN, group })),
    )
    ids.push(...chunk.map((l) => l.loanId))
  }
  return ids
}

const groupALoans = await loans(40)
const [otherGroupLoan] = await loans(1, 'groupA2')

const goodLine = (loanId: number) => ({ loanId, interest: INTEREST, principal: PRINCIPAL, savings: SAVINGS })
const session = (
  lines: { loanId: number; interest: number; principal: number; savings: number }[],
  over: Record<string, unknown> = {},
) => ({ transactionPointId: world.pointA, groupId: world.groupA, sessionDate: '2025-02-15', lines, ...over })
const post = (
  body: object,
  key = unique('session'),
  who: 'officerA' | 'managerA' | 'partnerA' | 'officerB' = 'officerA',
) => as(who, { method: 'POST', url: '/v1/collection-sessions', headers: { 'idempotency-key': key }, payload: body })

test('§11 a bad line (overpayment, lines[17]) rejects the whole 40-line session: 422, nothing written', async (t) => {
  const lines = groupALoans.map(goodLine)
  // 39,600 + 6,000,001 = 6,039,601 > payoff 6,039,600.
  lines[17] = { loanId: groupALoans[17]!, interest: INTEREST, principal: 6_000_001, savings: SAVINGS }
  const before = rowCounts(app)
  const res = await post(session(lines))
  t.equal(res.statusCode, 422)
  const body = res.json()
  t.equal(body.code, 'OVERPAYMENT')
  t.equal(body.errors[0].field, 'body.lines[17]')
  t.equal(body.payoffAmount, 6_039_600, 'the line’s payoff is reported')
  t.same(rowCounts(app), before, 'nothing written (no session, repayment, savings, journal or idempotency row)')
})

test(
  '§11 a line for a loan of another group (lines[39]) rejects the whole session: 422 LOAN_NOT_IN_GROUP, ' +
    'nothing written',
  async (t) => {
    const lines = [...groupALoans.slice(0, 39).map(goodLine), goodLine(otherGroupLoan!)]
    t.equal(lines.length, 40)
    const before = rowCounts(app)
    const res = await post(session(lines))
    t.equal(res.statusCode, 422)
    t.equal(res.json().code, 'LOAN_NOT_IN_GROUP')
    t.equal(res.json().errors[0].field, 'body.lines[39]')
    t.same(rowCounts(app), before, 'nothing written')
  },
)

test('§11 the same 40-line session without the bad line → 201, per-line results, savings posted to the ledger', async (t) => {
  const lines = groupALoans.map(goodLine)
  const key = unique('session')
  const before = rowCounts(app)
  const savingsBefore = app.sqlite
    .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'savings_deposits'")
    .pluck()
    .get() as number
  // (How fast a session posts is measured by the benchmarks in test/bench, not asserted here.)
  const res = await post(session(lines), key)
  t.equal(res.statusCode, 201, res.statusCode === 201 ? 'posted' : res.body)
  const body = res.json()
  // Totals: 40 × 39,600 = 1,584,000; 40 × 500,000 = 20,000,000; 40 × 50,000 = 2,000,000.
  t.match(body, {
    transactionPointId: world.pointA,
    groupId: world.groupA,
    sessionDate: '2025-02-15',
    totalInterest: 1_584_000,
    totalPrincipal: 20_000_000,
    totalSavings: 2_000_000,
  })
  t.equal(body.lines.length, 40)
  body.lines.forEach(
    (
      l: {
        lineIndex: number
        loanId: number
        status: string
        transactionId: number
        allocation: unknown
        savings: number
        loanStatus: string
      },
      i: number,
    ) => {
      if (
        l.lineIndex !== i ||
        l.loanId !== groupALoans[i] ||
        l.status !== 'posted' ||
        typeof l.transactionId !== 'number' ||
        l.savings !== SAVINGS ||
        l.loanStatus !== 'active'
      ) {
        t.fail(`line ${i}: ${JSON.stringify(l)}`)
      }
    },
  )
  // Each line's interest + principal (539,600) is one repayment allocated by the waterfall.
  t.same(
    new Set(body.lines.map((l: { allocation: unknown }) => JSON.stringify(l.allocation))),
    new Set([
      JSON.stringify({ overdueInterest: 0, overduePrincipal: 0, interest: INTEREST, principal: PRINCIPAL, prepaid: 0 }),
    ]),
    'every line: interest 39,600, principal 500,000',
  )

  const after = rowCounts(app)
  t.equal(after.collection_sessions, before.collection_sessions! + 1)
  t.equal(after.loan_transactions, before.loan_transactions! + 40, 'one repayment per line')
  t.equal(after.savings_deposits, before.savings_deposits! + 40, 'one savings deposit per line')
  const linked = app.sqlite
    .prepare("SELECT COUNT(*) FROM loan_transactions WHERE collection_session_id = ? AND kind = 'repayment'")
    .pluck()
    .get(body.id)
  t.equal(linked, 40, 'the repayments name the session')
  const savingsAfter = app.sqlite
    .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'savings_deposits'")
    .pluck()
    .get() as number
  t.equal(savingsAfter - savingsBefore, 2_000_000, 'savings_deposits credited 40 × 50,000')
  const deposits = app.sqlite
    .prepare('SELECT COALESCE(SUM(amount), 0) FROM savings_deposits WHERE collection_session_id = ?')
    .pluck()
    .get(body.id)
  t.equal(deposits, 2_000_000)

  const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${groupALoans[0]}?asOf=2025-02-15` })).json()
  t.match(loan, { outstandingPrincipal: 5_500_000, interestDue: 0, principalDueNow: 0, overduePrincipal: 0 })

  // The same key and body → the same response, nothing new.
  const counts = rowCounts(app)
  const replay = await post(session(lines), key)
  t.equal(replay.statusCode, 201)
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.same(replay.json(), body)
  t.same(rowCounts(app), counts, 'replay writes nothing')
  // The same key with another body → 422 IDEMPOTENCY_KEY_REUSED.
  const reused = await post(session(lines.slice(0, 39)), key)
  t.equal(reused.statusCode, 422)
  t.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
  t.same(rowCounts(app), counts)
})

test('§11 a savings-only line posts no repayment; savings go to savings_deposits', async (t) => {
  const [loanId] = await loans(1)
  const res = await post(
    session([{ loanId: loanId!, interest: 0, principal: 0, savings: 20_000 }], { sessionDate: '2025-02-14' }),
  )
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json().lines[0], { loanId, transactionId: null, allocation: null, savings: 20_000, loanStatus: 'active' })
  const lines = app.sqlite
    .prepare(
      `SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT MAX(id) FROM journal_entries)
        ORDER BY account`,
    )
    .all()
  t.same(lines, [
    { account: 'cash_at_transaction_point', debit: 20_000, credit: 0 },
    { account: 'savings_deposits', debit: 0, credit: 20_000 },
  ])
})

test('§11 session rules: group at its point, key required, staff of the branch only, not in the future', async (t) => {
  const lines = [goodLine(groupALoans[0]!)]
  const before = rowCounts(app)
  const wrongPoint = await post(session(lines, { transactionPointId: world.pointB }))
  t.equal(wrongPoint.statusCode, 422)
  t.equal(wrongPoint.json().code, 'GROUP_NOT_AT_POINT')
  const noKey = await as('officerA', { method: 'POST', url: '/v1/collection-sessions', payload: session(lines) })
  t.equal(noKey.statusCode, 400)
  t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
  t.equal((await post(session(lines), unique('s'), 'partnerA')).statusCode, 403, 'partner officer → 403')
  t.ok(
    [403, 404].includes((await post(session(lines), unique('s'), 'officerB')).statusCode),
    'officer of another branch → 403/404',
  )
  const future = await post(session(lines, { sessionDate: '2026-07-01' }))
  t.equal(future.statusCode, 422)
  t.equal(future.json().code, 'DATE_IN_FUTURE')
  const dup = await post(session([goodLine(groupALoans[1]!), goodLine(groupALoans[1]!)]))
  t.equal(dup.statusCode, 422)
  t.equal(dup.json().code, 'DUPLICATE_LOAN_LINE')
  t.equal(dup.json().errors[0].field, 'body.lines[1]')
  t.same(rowCounts(app), before, 'nothing written by any of them')
})
