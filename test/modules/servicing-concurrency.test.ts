/**
 * Concurrency of servicing commands (docs/api.md: Idempotency-Key; the group-commit
 * command bus in src/platform/commands.ts).
 *
 * Loan: POOR 5500 ppm, 12,000,000 VND, 12 months, principal monthly, session day 15,
 * disbursed 2025-01-10 → instalment 1 due 2025-02-15 with interest
 * 12,000,000 × 36 × 5500 / 30,000,000 = 79,200; paying 1,079,200 on 2025-02-15 settles it.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { disbursedLoan, LOAN_12M, unique } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'

const ta = await buildTestApp(t)
const { app, as } = ta

const test = ledgerCheckedTest(t, app)

const INSTALMENT_1 = { amount: 1_079_200, valueDate: '2025-02-15' }
const repay = (loanId: number, key: string, body: object = INSTALMENT_1) =>
  as('officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    headers: { 'idempotency-key': key },
    payload: body,
  })
const repayments = (loanId: number) =>
  app.sqlite
    .prepare("SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ? AND kind = 'repayment'")
    .pluck()
    .get(loanId) as number

test('50 parallel duplicate repayment requests with one Idempotency-Key → exactly one repayment', async (t) => {
  const { loanId } = await disbursedLoan(ta, LOAN_12M)
  const key = unique('dup')
  const entriesBefore = app.sqlite.prepare('SELECT COUNT(*) FROM journal_entries').pluck().get() as number
  const responses = await Promise.all(Array.from({ length: 50 }, () => repay(loanId, key)))

  const created = responses.filter((r) => r.statusCode === 201 && r.headers['idempotency-replayed'] !== 'true')
  const replayed = responses.filter((r) => r.statusCode === 201 && r.headers['idempotency-replayed'] === 'true')
  const inFlight = responses.filter((r) => r.statusCode === 409)
  t.equal(created.length, 1, 'one request did the work')
  t.equal(
    created.length + replayed.length + inFlight.length,
    50,
    `every other one replayed (${replayed.length}) or 409 (${inFlight.length})`,
  )
  t.ok(
    inFlight.every((r) => r.json().code === 'IDEMPOTENCY_IN_FLIGHT'),
    '409s are IDEMPOTENCY_IN_FLIGHT',
  )
  const original = created[0]!.json()
  t.ok(
    replayed.every((r) => JSON.stringify(r.json()) === JSON.stringify(original)),
    'replays carry the original body',
  )
  t.same(original.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 79_200,
    principal: 1_000_000,
    prepaid: 0,
  })

  t.equal(repayments(loanId), 1, 'exactly one repayment transaction')
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM journal_entries').pluck().get() as number,
    entriesBefore + 1,
    'exactly one journal entry',
  )
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM idempotency_keys WHERE key = ?').pluck().get(key),
    1,
    'one stored response',
  )
  t.match((await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}?asOf=2025-02-15` })).json(), {
    outstandingPrincipal: 11_000_000,
    interestDue: 0,
  })

  // After the dust settles the key still answers with the original response.
  const later = await repay(loanId, key)
  t.equal(later.statusCode, 201)
  t.equal(later.headers['idempotency-replayed'], 'true')
  t.same(later.json(), original)
  t.equal(repayments(loanId), 1)
})

test(
  '50 parallel requests with one key but different bodies → one effect; the others 409 or 422 ' +
    'IDEMPOTENCY_KEY_REUSED',
  async (t) => {
    const { loanId } = await disbursedLoan(ta, LOAN_12M)
    const key = unique('dup')
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => repay(loanId, key, { amount: 1_000 + i, valueDate: '2025-02-15' })),
    )
    const created = responses.filter((r) => r.statusCode === 201)
    t.equal(created.length, 1, 'one request did the work')
    for (const r of responses) {
      if (r.statusCode === 201) continue
      if (!(
        (r.statusCode === 409 && r.json().code === 'IDEMPOTENCY_IN_FLIGHT') ||
        (r.statusCode === 422 && r.json().code === 'IDEMPOTENCY_KEY_REUSED')
      ))
        t.fail(`unexpected ${r.statusCode} ${r.body}`)
    }
    t.equal(repayments(loanId), 1)
  },
)

test('20 parallel distinct repayments on 20 loans all succeed, group-committed in fewer than 20 batches', async (t) => {
  const loans = await Promise.all(Array.from({ length: 20 }, () => disbursedLoan(ta, LOAN_12M)))
  const batchesBefore = app.commands.stats.batches
  const commandsBefore = app.commands.stats.commands
  const responses = await Promise.all(loans.map((l) => repay(l.loanId, unique('par'))))
  t.same(
    responses.map((r) => r.statusCode),
    Array(20).fill(201),
    'all 201',
  )
  t.ok(
    responses.every(
      (r) =>
        JSON.stringify(r.json().allocation) ===
        JSON.stringify({ overdueInterest: 0, overduePrincipal: 0, interest: 79_200, principal: 1_000_000, prepaid: 0 }),
    ),
    'each: interest 79,200, principal 1,000,000',
  )
  const batches = app.commands.stats.batches - batchesBefore
  t.equal(app.commands.stats.commands - commandsBefore, 20, '20 commands')
  t.ok(batches < 20, `group commit: ${batches} batch(es) for 20 commands`)
  t.ok(
    loans.every((l) => repayments(l.loanId) === 1),
    'one repayment per loan',
  )
})

test('20 parallel distinct repayments on ONE loan are serialised: the allocations add up, never past the payoff', async (t) => {
  const { loanId } = await disbursedLoan(ta, LOAN_12M)
  // 20 × 700,000 = 14,000,000 > payoff on 2025-02-15 (12,079,200): the first 17 fit (11,900,000), the
  // 18th would bring the total to 12,600,000 → OVERPAYMENT, and so would every later one.
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => repay(loanId, unique('one'), { amount: 700_000, valueDate: '2025-02-15' })),
  )
  const ok = responses.filter((r) => r.statusCode === 201)
  const refused = responses.filter((r) => r.statusCode !== 201)
  t.equal(ok.length, 17, '17 accepted')
  t.ok(
    refused.every((r) => r.statusCode === 422 && r.json().code === 'OVERPAYMENT'),
    '3 refused with OVERPAYMENT',
  )
  t.equal(repayments(loanId), 17)
  let interest = 0
  let principal = 0
  for (const r of ok) {
    const a = r.json().allocation
    interest += a.interest + a.overdueInterest
    principal += a.principal + a.prepaid + a.overduePrincipal
  }
  // 17 × 700,000 = 11,900,000 = 79,200 interest + 11,820,800 principal.
  t.equal(interest, 79_200)
  t.equal(principal, 11_820_800)
  t.match((await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}?asOf=2025-02-15` })).json(), {
    outstandingPrincipal: 12_000_000 - 11_820_800,
    payoffAmount: 179_200,
  })
})

test('10 parallel reversals of one repayment → one reversal; the others 409 INVALID_STATE', async (t) => {
  const { loanId } = await disbursedLoan(ta, LOAN_12M)
  const paid = (await repay(loanId, unique('rev'))).json()
  const before = app.sqlite
    .prepare('SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ?')
    .pluck()
    .get(loanId) as number
  const responses = await Promise.all(
    Array.from({ length: 10 }, () =>
      as('officerA', {
        method: 'POST',
        url: `/v1/loans/${loanId}/transactions/${paid.transactionId}/reverse`,
        payload: { reason: 'double entry' },
      }),
    ),
  )
  t.equal(responses.filter((r) => r.statusCode === 201).length, 1, 'one reversal')
  t.ok(
    responses
      .filter((r) => r.statusCode !== 201)
      .every((r) => r.statusCode === 409 && r.json().code === 'INVALID_STATE'),
    'the rest 409 INVALID_STATE',
  )
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM loan_transactions WHERE loan_id = ?').pluck().get(loanId),
    before + 1,
    'one correcting transaction',
  )
  t.match((await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}?asOf=2025-02-15` })).json(), {
    outstandingPrincipal: 12_000_000,
    interestDue: 79_200,
  })
})

// Last: it moves the business date.
test(
  '§10 a daily close with repayments arriving meanwhile: both complete, each day closed once, the ledger ' + 'balances',
  async (t) => {
    const loans = await Promise.all(Array.from({ length: 10 }, () => disbursedLoan(ta, LOAN_12M)))
    const close = (date: string) => as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date } })
    // Two closes to 2026-07-30 (30 days) and 10 repayments, all at once. The close yields between chunks,
    // so the repayments (value date 2025-02-15 ≤ any business date) run in between.
    const [c1, c2, ...pays] = await Promise.all([
      close('2026-07-30'),
      close('2026-07-30'),
      ...loans.map((l) => repay(l.loanId, unique('during'))),
    ])
    t.ok(
      pays.every((r) => r.statusCode === 201),
      'every repayment posted',
    )
    const outcomes = [c1!, c2!]
      .map((r) => (r.statusCode === 200 ? `200:${r.json().daysClosed}` : `${r.statusCode}:${r.json().code}`))
      .sort()
    t.ok(
      JSON.stringify(outcomes) === JSON.stringify(['200:0', '200:30']) ||
        JSON.stringify(outcomes) === JSON.stringify(['200:30', '409:CLOSE_IN_PROGRESS']),
      `30 days closed once in all (${outcomes.join(', ')})`,
    )
    t.equal((await as('auditor', { method: 'GET', url: '/v1/business-date' })).json().businessDate, '2026-07-30')
    t.equal(
      app.sqlite
        .prepare("SELECT COUNT(*) FROM close_runs WHERE date >= '2026-06-30' AND status = 'done'")
        .pluck()
        .get(),
      30,
      'one finished run per day',
    )
    t.ok(
      loans.every((l) => repayments(l.loanId) === 1),
      'one repayment per loan',
    )
  },
)
