/**
 * Repayments and reversals over HTTP (docs/rules.md §6–§7, §9; docs/api.md).
 *
 * The loan of every test unless said otherwise: POOR (5500 ppm/month, overdue 130 %),
 * 12,000,000 VND, 12 months, principal every month (12 × 1,000,000), transaction point A
 * (session day 15), disbursed 2025-01-10 → instalment k due on the 15th of the k-th month
 * after January 2025: 2025-02-15, 2025-03-15, 2025-04-15, … 2026-01-15.
 *
 * Interest of a period = balance × days × ppm × pct/100 / 30,000,000, days counted over
 * (from, to], rounded half-up once per period per component (contract / penalty).
 * With 5500 ppm: balance × days × 5500 / 30,000,000 = balance × days × 11 / 60,000.
 *   period 1 (2025-01-10, 2025-02-15] = 21 + 15 = 36 days; period 2 (02-15, 03-15] = 28 days;
 *   period 3 (03-15, 04-15] = 31 days.
 */
import t from 'tap'
import fc from 'fast-check'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { approvedLoan, disbursedLoan, LOAN_12M, paid, repay } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'

const ta = await buildTestApp(t)
const { app, as } = ta

/** t.test whose body is followed by the ledger invariants (test/helpers/ledger.ts). */
const test = ledgerCheckedTest(t, app)

/** LOAN_12M of test/helpers/origination.ts (see the header). */
async function loan12(): Promise<number> {
  return (await disbursedLoan(ta, LOAN_12M)).loanId
}

function reverse(
  loanId: number,
  txId: number,
  reason = 'posted to the wrong loan',
  who: 'officerA' | 'managerA' = 'officerA',
) {
  return as(who, { method: 'POST', url: `/v1/loans/${loanId}/transactions/${txId}/reverse`, payload: { reason } })
}

const getLoan = async (loanId: number, asOf?: string) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}${asOf ? `?asOf=${asOf}` : ''}` })).json()
const getSchedule = async (loanId: number, asOf?: string) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule${asOf ? `?asOf=${asOf}` : ''}` })).json()
const getTransactions = async (loanId: number) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items as {
    id: number
    kind: string
    valueDate: string
    amount: number
    reversesId: number | null
    reversedById: number | null
    allocation: unknown
  }[]

test('§7 partial payment: interest first, then principal', async (t) => {
  const loanId = await loan12()
  // On the due date 2025-02-15 instalment 1 owes interest 79,200 (12,000,000 × 36 × 11 / 60,000)
  // and principal 1,000,000; nothing is overdue yet (due today is not overdue).
  const first = await paid(t, ta, loanId, 50_000, '2025-02-15')
  t.same(
    first.allocation,
    { overdueInterest: 0, overduePrincipal: 0, interest: 50_000, principal: 0, prepaid: 0 },
    '50,000 < 79,200: all to interest',
  )
  t.match(
    first,
    { overdueInterest: 0, overduePrincipal: 0, interest: 50_000, principal: 0, prepaid: 0 },
    'the allocation also at the top level',
  )
  // Second payment: interest left 79,200 − 50,000 = 29,200, then principal 450,000 − 29,200 = 420,800.
  const second = await paid(t, ta, loanId, 450_000, '2025-02-15')
  t.same(second.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 29_200,
    principal: 420_800,
    prepaid: 0,
  })

  const onDue = await getLoan(loanId, '2025-02-15')
  t.match(
    onDue,
    {
      status: 'active',
      outstandingPrincipal: 11_579_200,
      principalDueNow: 579_200,
      interestDue: 0,
      overduePrincipal: 0,
      classification: 'in_term',
    },
    '12,000,000 − 420,800 = 11,579,200; 1,000,000 − 420,800 = 579,200 still due today',
  )
  // The unpaid rest of instalment 1 is overdue from the day after its due date.
  const after = await getLoan(loanId, '2025-02-16')
  t.match(after, { overduePrincipal: 579_200, classification: 'overdue' })
  const line1 = (await getSchedule(loanId, '2025-02-16')).instalments[0]
  t.match(line1, {
    number: 1,
    interestCharged: 79_200,
    interestPaid: 79_200,
    principalPaid: 420_800,
    overdueSince: '2025-02-16',
    paidOffOn: null,
    status: 'overdue',
  })
})

test('§7 late payment: overdue interest (incl. 130 % penalty) → overdue principal → interest → principal', async (t) => {
  const loanId = await loan12()
  // Instalment 1 (due 2025-02-15) is not paid; payment on 2025-03-15 (instalment 2's due date).
  // overdue interest = contract interest of instalment 1 (period 1): 12,000,000 × 36 × 5500 / 30,000,000 = 79,200
  //                  + penalty on the 1,000,000 overdue from 02-16 to 03-15 (28 days, charged to period 2):
  //                    1,000,000 × 28 × 5500 × 130/100 / 30,000,000 = 6,673.33 → 6,673
  //                  = 85,873
  // overdue principal = 1,000,000 (instalment 1)
  // interest (period 2, in-term balance 11,000,000, 28 days) = 11,000,000 × 28 × 5500 / 30,000,000 = 56,466.67 →
  // 56,467
  // principal due today = 1,000,000 (instalment 2)
  // total = 85,873 + 1,000,000 + 56,467 + 1,000,000 = 2,142,340
  const before = await getLoan(loanId, '2025-03-15')
  t.match(before, {
    overdueInterest: 85_873,
    overduePrincipal: 1_000_000,
    interestDue: 56_467,
    principalDueNow: 1_000_000,
    classification: 'overdue',
  })
  const body = await paid(t, ta, loanId, 2_142_340, '2025-03-15')
  t.same(body.allocation, {
    overdueInterest: 85_873,
    overduePrincipal: 1_000_000,
    interest: 56_467,
    principal: 1_000_000,
    prepaid: 0,
  })
  t.match(body, {
    overdueInterest: 85_873,
    overduePrincipal: 1_000_000,
    interest: 56_467,
    principal: 1_000_000,
    prepaid: 0,
  })

  const schedule = await getSchedule(loanId, '2025-03-15')
  t.match(
    schedule.instalments[0],
    {
      number: 1,
      interestCharged: 79_200,
      penaltyCharged: 0,
      overdueSince: '2025-02-16',
      paidOffOn: '2025-03-15',
      principalPaid: 1_000_000,
    },
    'late: overdueSince stays as the record',
  )
  t.match(
    schedule.instalments[1],
    {
      number: 2,
      interestCharged: 56_467,
      penaltyCharged: 6_673,
      penaltyPaid: 6_673,
      overdueSince: null,
      paidOffOn: '2025-03-15',
    },
    "the penalty of a day belongs to the period it falls in (instalment 2's)",
  )
  const after = await getLoan(loanId, '2025-03-15')
  t.match(after, {
    outstandingPrincipal: 10_000_000,
    overdueInterest: 0,
    overduePrincipal: 0,
    classification: 'in_term',
    nextDueDate: '2025-04-15',
    totals: { principalRepaid: 2_000_000, interestRepaid: 79_200 + 56_467, penaltyRepaid: 6_673 },
  })

  // The ledger: overdue interest (79,200 + 6,673) to overdue_interest_income, 56,467 to interest_income.
  const entry = app.sqlite
    .prepare(
      `SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE
        loan_transaction_id = ?) ORDER BY account`,
    )
    .all(body.transactionId)
  t.same(entry, [
    { account: 'cash_at_transaction_point', debit: 2_142_340, credit: 0 },
    { account: 'interest_income', debit: 0, credit: 56_467 },
    { account: 'loans_receivable', debit: 0, credit: 2_000_000 },
    { account: 'overdue_interest_income', debit: 0, credit: 85_873 },
  ])
})

test('§7 prepayment reduces the LAST instalments and lowers later interest', async (t) => {
  const loanId = await loan12()
  // On 2025-02-15: interest 79,200 + principal due 1,000,000 + 1,500,000 prepaid = 2,579,200.
  const body = await paid(t, ta, loanId, 2_579_200, '2025-02-15')
  t.same(body.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 79_200,
    principal: 1_000_000,
    prepaid: 1_500_000,
  })
  const schedule = await getSchedule(loanId, '2025-03-15')
  const principal = schedule.instalments.map((i: { principal: number }) => i.principal)
  // 1,500,000 prepaid: instalment 12 → 0, instalment 11 → 500,000; instalments 2–10 unchanged.
  t.same(
    principal,
    [
      1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000, 1_000_000,
      500_000, 0,
    ],
  )
  // Period 2 on the balance 12,000,000 − 1,000,000 − 1,500,000 = 9,500,000:
  // 9,500,000 × 28 × 5500 / 30,000,000 = 48,766.67 → 48,767 (it would be 56,467 on 11,000,000).
  t.equal(schedule.instalments[1].interestCharged, 48_767)
  t.match(await getLoan(loanId, '2025-03-15'), {
    outstandingPrincipal: 9_500_000,
    interestDue: 48_767,
    principalDueNow: 1_000_000,
    status: 'active',
  })
})

test('OVERPAYMENT: 422 with payoffAmount, nothing written', async (t) => {
  const loanId = await loan12()
  // Payoff on 2025-02-15: 12,000,000 + interest of period 1 (79,200) = 12,079,200.
  const before = rowCounts(app)
  const res = await repay(ta, loanId, 12_079_201, '2025-02-15')
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'OVERPAYMENT')
  t.equal(res.json().payoffAmount, 12_079_200)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(rowCounts(app), before, 'nothing written')
  t.equal((await getLoan(loanId, '2025-02-15')).payoffAmount, 12_079_200, 'GET shows the same payoff')
})

test('§7 early full payoff closes the loan; interest only to the payoff date; further payment refused', async (t) => {
  const loanId = await loan12()
  await paid(t, ta, loanId, 1_079_200, '2025-02-15') // instalment 1: 79,200 + 1,000,000
  // Payoff on 2025-03-01: 11,000,000 + interest (02-15, 03-01] = 14 days: 11,000,000 × 14 × 5500 / 30,000,000
  // = 28,233.33 → 28,233; payoff = 11,028,233.
  const over = await repay(ta, loanId, 11_028_234, '2025-03-01')
  t.equal(over.statusCode, 422)
  t.match(over.json(), { code: 'OVERPAYMENT', payoffAmount: 11_028_233 })
  const body = await paid(t, ta, loanId, 11_028_233, '2025-03-01')
  // Instalment 2's principal is due 03-15, so on 03-01 all principal is a prepayment.
  t.same(body.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 28_233,
    principal: 0,
    prepaid: 11_000_000,
  })
  t.match(body.loan, {
    status: 'closed',
    classification: 'closed',
    closedOn: '2025-03-01',
    outstandingPrincipal: 0,
    payoffAmount: 0,
    nextDueDate: null,
  })
  const view = await getLoan(loanId)
  t.match(view, {
    status: 'closed',
    closedOn: '2025-03-01',
    outstandingPrincipal: 0,
    totals: { principalRepaid: 12_000_000, interestRepaid: 79_200 + 28_233, penaltyRepaid: 0 },
  })
  const schedule = await getSchedule(loanId)
  t.equal(schedule.instalments[1].interestCharged, 28_233, 'period 2 charged only to the payoff date (not 56,467)')
  t.ok(
    schedule.instalments.slice(2).every((i: { interestCharged: number }) => i.interestCharged === 0),
    'no interest after the payoff',
  )
  t.ok(
    schedule.instalments.slice(1).every((i: { paidOffOn: string }) => i.paidOffOn === '2025-03-01'),
    'future instalments paid off on the payoff date',
  )
  const listed = (await as('officerA', { method: 'GET', url: '/v1/loans?status=closed&limit=500' })).json().items
  t.ok(
    listed.some((l: { id: number; status: string }) => l.id === loanId),
    'the projection says closed',
  )

  const before = rowCounts(app)
  const again = await repay(ta, loanId, 1, '2025-03-02')
  t.ok([409, 422].includes(again.statusCode), `a further payment is refused (${again.statusCode})`)
  t.equal(again.json().code, 'INVALID_STATE')
  t.same(rowCounts(app), before, 'nothing written')
})

test('§7 reversal in the middle of three repayments: later repayments re-allocated by replay, nothing deleted', async (t) => {
  const loanId = await loan12()
  // R1 2025-02-15: 79,200 + 1,000,000.
  const r1 = await paid(t, ta, loanId, 1_079_200, '2025-02-15')
  // R2 2025-03-15: period 2 on 11,000,000, 28 days = 56,467, + 1,000,000.
  const r2 = await paid(t, ta, loanId, 1_056_467, '2025-03-15')
  t.same(r2.allocation, { overdueInterest: 0, overduePrincipal: 0, interest: 56_467, principal: 1_000_000, prepaid: 0 })
  // R3 2025-04-15: period 3 on 10,000,000, 31 days = 10,000,000 × 31 × 5500 / 30,000,000 = 56,833.33 → 56,833, +
  // 1,000,000.
  const r3 = await paid(t, ta, loanId, 1_056_833, '2025-04-15')
  t.same(r3.allocation, { overdueInterest: 0, overduePrincipal: 0, interest: 56_833, principal: 1_000_000, prepaid: 0 })

  const before = rowCounts(app)
  const res = await reverse(loanId, r2.transactionId)
  t.equal(res.statusCode, 201)
  t.equal(res.json().reversesId, r2.transactionId)
  const after = rowCounts(app)
  t.equal(after.loan_transactions, before.loan_transactions! + 1, 'one correcting transaction, nothing deleted')
  t.equal(after.journal_entries, before.journal_entries! + 1, 'one correcting journal entry')

  // Replay without R2: instalment 2 (1,000,000 + 56,467) is overdue from 2025-03-16. R3 on 04-15:
  //   penalty: 1,000,000 × 31 days (03-15, 04-15] × 5500 × 130 % / 30,000,000 = 7,388.33 → 7,388
  //   overdue interest = 56,467 + 7,388 = 63,855
  //   overdue principal = 1,056,833 − 63,855 = 992,978 (of 1,000,000) — nothing left for period 3.
  const txs = await getTransactions(loanId)
  const byId = new Map(txs.map((x) => [x.id, x]))
  t.same(byId.get(r1.transactionId)!.allocation, r1.allocation, 'R1 (before the reversed one) unchanged')
  t.match(
    byId.get(r2.transactionId),
    { kind: 'repayment', amount: 1_056_467, reversedById: res.json().transactionId, allocation: null },
    'R2 kept, marked reversed',
  )
  t.same(
    byId.get(r3.transactionId)!.allocation,
    { overdueInterest: 63_855, overduePrincipal: 992_978, interest: 0, principal: 0, prepaid: 0 },
    'R3 re-allocated',
  )
  t.match(byId.get(res.json().transactionId), {
    kind: 'reversal',
    reversesId: r2.transactionId,
    amount: 1_056_467,
    valueDate: '2025-03-15',
  })
  t.equal(txs.length, 5, 'disbursement, R1, R2, R3, reversal')

  const schedule = await getSchedule(loanId, '2025-04-15')
  t.match(schedule.instalments[1], { number: 2, overdueSince: '2025-03-16', principalPaid: 992_978, paidOffOn: null })
  t.match(schedule.instalments[2], {
    number: 3,
    interestCharged: 56_833,
    penaltyCharged: 7_388,
    penaltyPaid: 7_388,
    interestPaid: 0,
    principalPaid: 0,
  })

  // Reversing twice → 409 INVALID_STATE, nothing written.
  const counts = rowCounts(app)
  const twice = await reverse(loanId, r2.transactionId)
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().code, 'INVALID_STATE')
  t.same(rowCounts(app), counts)
  // A reversal itself cannot be reversed.
  const ofReversal = await reverse(loanId, res.json().transactionId)
  t.equal(ofReversal.statusCode, 409)
  t.equal(ofReversal.json().code, 'INVALID_STATE')
})

test('§7 reversing the payment that closed a loan re-opens it', async (t) => {
  const loanId = await loan12()
  await paid(t, ta, loanId, 1_079_200, '2025-02-15')
  const payoff = await paid(t, ta, loanId, 11_028_233, '2025-03-01') // see the early-payoff test
  t.equal(payoff.loan.status, 'closed')
  const res = await reverse(loanId, payoff.transactionId, 'cheque bounced', 'managerA')
  t.equal(res.statusCode, 201)
  t.match(res.json().loan, { status: 'active', closedOn: null })
  t.match(await getLoan(loanId, '2025-03-01'), {
    status: 'active',
    closedOn: null,
    outstandingPrincipal: 11_000_000,
    interestDue: 28_233,
    payoffAmount: 11_028_233,
  })
  const listed = (await as('officerA', { method: 'GET', url: '/v1/loans?status=active&limit=500' })).json().items
  t.ok(
    listed.some((l: { id: number }) => l.id === loanId),
    'the projection says active again',
  )
  // It takes payments again: the same payoff closes it again.
  const again = await paid(t, ta, loanId, 11_028_233, '2025-03-01')
  t.match(again.loan, { status: 'closed', closedOn: '2025-03-01' })
})

test('reversal needs branch staff of the loan; unknown transaction → 404', async (t) => {
  const loanId = await loan12()
  const r1 = await paid(t, ta, loanId, 1_079_200, '2025-02-15')
  const before = rowCounts(app)
  for (const who of ['partnerA', 'finance', 'auditor'] as const) {
    const res = await as(who, {
      method: 'POST',
      url: `/v1/loans/${loanId}/transactions/${r1.transactionId}/reverse`,
      payload: { reason: 'x' },
    })
    t.equal(res.statusCode, 403, `${who} → 403`)
  }
  const other = await as('officerB', {
    method: 'POST',
    url: `/v1/loans/${loanId}/transactions/${r1.transactionId}/reverse`,
    payload: { reason: 'x' },
  })
  t.equal(other.statusCode, 404, 'officer of another branch: the loan does not exist for them')
  t.equal((await reverse(loanId, 999_999)).statusCode, 404)
  t.same(rowCounts(app), before)
})

test('repayment preconditions: Idempotency-Key, value date, disbursement, role — refused with nothing written', async (t) => {
  const loanId = await loan12()
  const { loanId: notDisbursed } = await approvedLoan(ta, { ...LOAN_12M })
  const before = rowCounts(app)
  const noKey = await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    payload: { amount: 1_000, valueDate: '2025-02-15' },
  })
  t.equal(noKey.statusCode, 400)
  t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
  const future = await repay(ta, loanId, 1_000, '2026-07-01')
  t.equal(future.statusCode, 422)
  t.equal(future.json().code, 'DATE_IN_FUTURE', 'after the business date 2026-06-30')
  const early = await repay(ta, loanId, 1_000, '2025-01-09')
  t.equal(early.statusCode, 422)
  t.equal(early.json().code, 'DATE_ORDER', 'before the disbursement 2025-01-10')
  const approvedOnly = await repay(ta, notDisbursed, 1_000, '2025-02-15')
  t.equal(approvedOnly.statusCode, 422)
  t.equal(approvedOnly.json().code, 'NOT_DISBURSED')
  const zero = await repay(ta, loanId, 0, '2025-02-15')
  t.equal(zero.statusCode, 400)
  t.equal(zero.json().code, 'VALIDATION_ERROR')
  for (const who of ['partnerA', 'finance', 'auditor'] as const) {
    const res = await repay(ta, loanId, 1_000, '2025-02-15', { who })
    t.equal(res.statusCode, 403, `${who} → 403`)
  }
  const otherBranch = await repay(ta, loanId, 1_000, '2025-02-15', { who: 'officerB' })
  t.equal(otherBranch.statusCode, 404, 'officer of another branch: 404')
  t.same(rowCounts(app), before, 'nothing written')
})

test('§7 a back-dated repayment re-allocates a later one (replay in value-date order)', async (t) => {
  const loanId = await loan12()
  // Posted first: 2025-03-15, 2,142,340 — the late payment of the 130 % test (85,873 / 1,000,000 / 56,467 /
  // 1,000,000).
  const late = await paid(t, ta, loanId, 2_142_340, '2025-03-15')
  t.same(late.allocation, {
    overdueInterest: 85_873,
    overduePrincipal: 1_000_000,
    interest: 56_467,
    principal: 1_000_000,
    prepaid: 0,
  })
  // Then the payment that had really come in on 2025-02-15 is posted: 1,079,200 settles instalment 1 on time.
  const onTime = await paid(t, ta, loanId, 1_079_200, '2025-02-15')
  t.same(onTime.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 79_200,
    principal: 1_000_000,
    prepaid: 0,
  })
  // Replayed, the 03-15 payment finds nothing overdue: interest 56,467 (period 2 on 11,000,000), principal
  // 1,000,000,
  // and the rest 2,142,340 − 1,056,467 = 1,085,873 prepays the last instalments.
  const txs = await getTransactions(loanId)
  t.same(txs.find((x) => x.id === late.transactionId)!.allocation, {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 56_467,
    principal: 1_000_000,
    prepaid: 1_085_873,
  })
  const line1 = (await getSchedule(loanId, '2025-03-15')).instalments[0]
  t.match(line1, { overdueSince: null, paidOffOn: '2025-02-15', penaltyCharged: 0 })
  t.match(await getLoan(loanId, '2025-03-15'), {
    outstandingPrincipal: 12_000_000 - 2_000_000 - 1_085_873,
    overdueInterest: 0,
  })
})

test('property: reversing a repayment then re-posting it gives the same loan state', async (t) => {
  // A loan, 1–4 repayments on distinct dates (optionally the last one the full payoff), then one of
  // them reversed and posted again with the same amount and value date. Also checked on every run:
  // Σ allocation = amount; outstanding = disbursed − Σ principal allocated; no balance is negative.
  const day0 = Date.UTC(2025, 0, 11)
  const dateOf = (offset: number) => new Date(day0 + offset * 86_400_000).toISOString().slice(0, 10)
  const arb = fc.record({
    payments: fc.uniqueArray(
      fc.record({ offset: fc.integer({ min: 0, max: 535 }), amount: fc.integer({ min: 1, max: 2_500_000 }) }),
      { minLength: 1, maxLength: 4, selector: (p) => p.offset },
    ),
    payoffAtEnd: fc.boolean(),
    pick: fc.nat(),
  })
  let runs = 0
  await fc.assert(
    fc.asyncProperty(arb, async ({ payments, payoffAtEnd, pick }) => {
      runs++
      const loanId = await loan12()
      const sorted = payments
        .slice()
        .sort((a, b) => a.offset - b.offset)
        .map((p) => ({ valueDate: dateOf(p.offset), amount: p.amount }))
      if (payoffAtEnd) {
        const last = sorted[sorted.length - 1]!.valueDate
        sorted.push({ valueDate: last, amount: 0 }) // amount filled in below (payoff on that date)
      }
      const ids: number[] = []
      for (const p of sorted) {
        if (p.amount === 0) p.amount = (await getLoan(loanId, p.valueDate)).payoffAmount
        const res = await repay(ta, loanId, p.amount, p.valueDate)
        if (res.statusCode !== 201) throw new Error(`repayment ${JSON.stringify(p)}: ${res.statusCode} ${res.body}`)
        ids.push(res.json().transactionId)
      }
      const stateBefore = { loan: await getLoan(loanId), schedule: await getSchedule(loanId) }
      const k = pick % sorted.length
      const rev = await reverse(loanId, ids[k]!)
      if (rev.statusCode !== 201) throw new Error(`reverse: ${rev.statusCode} ${rev.body}`)
      const again = await repay(ta, loanId, sorted[k]!.amount, sorted[k]!.valueDate)
      if (again.statusCode !== 201) throw new Error(`re-post: ${again.statusCode} ${again.body}`)
      const stateAfter = { loan: await getLoan(loanId), schedule: await getSchedule(loanId) }
      if (JSON.stringify(stateAfter) !== JSON.stringify(stateBefore)) {
        throw new Error(`state differs:\n${JSON.stringify(stateBefore)}\n${JSON.stringify(stateAfter)}`)
      }
      // Conservation and balances over the live repayments.
      const txs = await getTransactions(loanId)
      let principal = 0
      for (const x of txs) {
        if (x.kind !== 'repayment' || x.reversedById !== null) continue
        const a = x.allocation as Record<string, number>
        const sum = a.overdueInterest! + a.overduePrincipal! + a.interest! + a.principal! + a.prepaid!
        if (sum !== x.amount) throw new Error(`allocation of ${x.id} sums to ${sum}, not ${x.amount}`)
        if (Object.values(a).some((v) => v < 0)) throw new Error(`negative allocation ${JSON.stringify(a)}`)
        principal += a.overduePrincipal! + a.principal! + a.prepaid!
      }
      const view = stateAfter.loan
      if (view.outstandingPrincipal !== view.disbursedAmount - principal && view.status !== 'closed') {
        throw new Error(`outstanding ${view.outstandingPrincipal} ≠ ${view.disbursedAmount} − ${principal}`)
      }
      if (view.status === 'closed' && principal !== view.disbursedAmount)
        throw new Error('closed but principal not repaid')
      for (const f of [
        'outstandingPrincipal',
        'overduePrincipal',
        'overdueInterest',
        'interestDue',
        'payoffAmount',
        'principalDueNow',
      ]) {
        if (view[f] < 0) throw new Error(`${f} negative: ${view[f]}`)
      }
    }),
    { numRuns: 20, seed: 20260630 },
  )
  t.equal(runs, 20, '20 runs')
})
