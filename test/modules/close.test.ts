/**
 * The daily close over HTTP (docs/rules.md §10, §7; docs/api.md):
 * POST /v1/close-of-business {date} (admin) closes business days one at a time up to `date`:
 * instalments due and unpaid become overdue, loans are reclassified, the business date moves.
 * Re-running changes nothing.
 *
 * Every test has its own app (the business date only moves forward), starting on 2026-06-30.
 * Loan: POOR 5500 ppm, 12,000,000 VND, 12 months, principal monthly (12 × 1,000,000),
 * session day 15, disbursed 2026-06-15 → instalment 1 due 2026-07-15, 2 due 2026-08-15.
 * Period 1 (06-15, 07-15] = 30 days: 12,000,000 × 30 × 5500 / 30,000,000 = 66,000 (exact).
 */
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { buildTestApp, rowCounts, type TestApp } from '../helpers/app.js'
import { disbursedLoan, paid, unique } from '../helpers/origination.js'
import { assertLedgerMatchesLoans } from '../helpers/ledger.js'

const LOAN = {
  amount: 12_000_000,
  termMonths: 12,
  principalPlan: { everyMonths: 1 as const, graceMonths: 0 },
  valueDate: '2026-06-15',
}

/** A subtest with a fresh app; the ledger invariants are checked at its end. */
function test(name: string, fn: (t: Test, ta: TestApp) => Promise<void>) {
  return t.test(name, async (t) => {
    const ta = await buildTestApp(t)
    await fn(t, ta)
    assertLedgerMatchesLoans(t, ta.app)
  })
}

const close = (ta: TestApp, date: string, who: 'admin' | 'officerA' | 'managerA' | 'finance' = 'admin') =>
  ta.as(who, { method: 'POST', url: '/v1/close-of-business', payload: { date } })
const businessDate = async (ta: TestApp) =>
  (await ta.as('auditor', { method: 'GET', url: '/v1/business-date' })).json().businessDate as string
const listed = async (ta: TestApp, loanId: number) =>
  (await ta.as('officerA', { method: 'GET', url: '/v1/loans?limit=500' }))
    .json()
    .items.find((l: { id: number }) => l.id === loanId)
const detail = async (ta: TestApp, loanId: number) =>
  (await ta.as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()

/** Everything the close may touch, without wall-clock timestamps. */
function snapshot(ta: TestApp) {
  const q = (sql: string) => ta.app.sqlite.prepare(sql).all()
  return {
    counts: rowCounts(ta.app),
    businessDate: q('SELECT date FROM business_date'),
    loans:
      q(`SELECT id, state, classification, disbursed_amount, outstanding_principal, overdue_principal, overdue_interest,
        interest_due,
      next_due_date, closed_on, written_off_on, projected_as_of, version FROM loans ORDER BY id`),
    // the per-instalment projection table, where the schema still has one
    instalments: ta.app.sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'instalments'")
      .get()
      ? q('SELECT * FROM instalments ORDER BY loan_id, number')
      : [],
    closeRuns: q('SELECT date, status, loans_processed FROM close_runs ORDER BY date'),
  }
}

test('§10 the daily close: an instalment due and unpaid becomes overdue; the business date advances', async (t, ta) => {
  t.equal(await businessDate(ta), '2026-06-30')
  const unpaid = (await disbursedLoan(ta, LOAN)).loanId
  const paidLoan = (await disbursedLoan(ta, LOAN)).loanId

  const first = await close(ta, '2026-07-15')
  t.equal(first.statusCode, 200, first.body)
  t.match(
    first.json(),
    { previousDate: '2026-06-30', businessDate: '2026-07-15', daysClosed: 15, instalmentsNowOverdue: 0 },
    'due today is not overdue',
  )
  t.equal(await businessDate(ta), '2026-07-15')
  t.match(await listed(ta, unpaid), { classification: 'in_term', overduePrincipal: 0 })

  // On the due date (now the business date) one loan pays instalment 1: 66,000 + 1,000,000.
  const p = await paid(t, ta, paidLoan, 1_066_000, '2026-07-15')
  t.same(p.allocation, { overdueInterest: 0, overduePrincipal: 0, interest: 66_000, principal: 1_000_000, prepaid: 0 })

  const second = await close(ta, '2026-07-16')
  t.equal(second.statusCode, 200)
  t.match(second.json(), {
    previousDate: '2026-07-15',
    businessDate: '2026-07-16',
    daysClosed: 1,
    instalmentsNowOverdue: 1,
    loansReclassified: 1,
  })
  t.equal(await businessDate(ta), '2026-07-16', 'GET /v1/business-date follows')

  const row = await listed(ta, unpaid)
  t.equal(row.classification, 'overdue', 'the list (projection) says overdue after the close')
  t.equal(row.overduePrincipal, 1_000_000)
  t.equal((await listed(ta, paidLoan)).classification, 'in_term', 'the paid loan stays in term')
  // The replayed view agrees: overdue interest 66,000 + penalty on 1,000,000 for 1 day
  // (07-15, 07-16]: 1,000,000 × 1 × 5500 × 130 % / 30,000,000 = 238.33 → 238 → 66,238.
  const view = await detail(ta, unpaid)
  t.match(view, {
    classification: 'overdue',
    overduePrincipal: 1_000_000,
    overdueInterest: 66_238,
    nextDueDate: '2026-08-15',
  })
  const line = (await ta.as('officerA', { method: 'GET', url: `/v1/loans/${unpaid}/schedule` })).json().instalments[0]
  t.match(line, { number: 1, overdueSince: '2026-07-16', status: 'overdue' })

  // The list is "as of the last projection (refreshed by every money event and the daily close)":
  // after the close it should say what the loan says on the new business date.
  t.equal(row.overdueInterest, view.overdueInterest, 'list overdueInterest = detail after the close')
  t.equal(row.interestDue, view.interestDue, 'list interestDue = detail after the close')
  t.equal(row.nextDueDate, view.nextDueDate, 'list nextDueDate = detail after the close')

  // The new business date accepts value dates up to it: paying the overdue amounts brings the loan back in term.
  const late = await paid(t, ta, unpaid, 1_066_238, '2026-07-16')
  t.same(late.allocation, {
    overdueInterest: 66_238,
    overduePrincipal: 1_000_000,
    interest: 0,
    principal: 0,
    prepaid: 0,
  })
  t.equal((await listed(ta, unpaid)).classification, 'in_term')
})

test('§10 closing the same day twice = once (second call daysClosed 0, no row changes)', async (t, ta) => {
  await disbursedLoan(ta, LOAN)
  await disbursedLoan(ta, {
    ...LOAN,
    applicationDate: '2026-05-01',
    certifiedOn: '2026-05-02',
    approvedOn: '2026-05-03',
    valueDate: '2026-05-20',
  }) // instalment 1 due 2026-06-15: already overdue
  const first = await close(ta, '2026-07-16')
  t.equal(first.json().daysClosed, 16)
  const once = snapshot(ta)
  const again = await close(ta, '2026-07-16')
  t.equal(again.statusCode, 200)
  t.same(again.json(), {
    previousDate: '2026-07-16',
    businessDate: '2026-07-16',
    lastClosedDate: '2026-07-15',
    daysClosed: 0,
    instalmentsNowOverdue: 0,
    loansReclassified: 0,
  })
  t.same(snapshot(ta), once, 'nothing changed (rows, loans, instalments, close runs, business date)')
  const earlier = await close(ta, '2026-07-01')
  t.equal(earlier.statusCode, 200)
  t.equal(earlier.json().daysClosed, 0, 'a date before the business date changes nothing')
  t.same(snapshot(ta), once)
  t.equal(await businessDate(ta), '2026-07-16')
})

test('§10 an extended instalment becomes overdue only after its new due date', async (t, ta) => {
  const loanId = (await disbursedLoan(ta, LOAN)).loanId
  const ext = await ta.as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/extensions`,
    payload: { decisionNo: unique('QD'), cause: 'Drought', instalmentNumber: 1, newDueDate: '2026-07-20' },
  })
  t.equal(ext.statusCode, 201, ext.body)
  t.equal((await close(ta, '2026-07-16')).json().instalmentsNowOverdue, 0, 'not overdue after the original due date')
  t.equal((await listed(ta, loanId)).classification, 'extended')
  const res = (await close(ta, '2026-07-21')).json()
  t.match(res, { daysClosed: 5, instalmentsNowOverdue: 1, loansReclassified: 1 })
  t.match(await listed(ta, loanId), { classification: 'overdue', overduePrincipal: 1_000_000 })
  t.match(await detail(ta, loanId), { classification: 'overdue', overduePrincipal: 1_000_000 })
})

test('§10 an instalment that owes nothing (interest-free, no principal that month) does not become overdue', async (t, ta) => {
  // DANANG_INTEREST_FREE: rate 0; POOR's default plan puts principal every 6 months, so
  // instalment 1 (due 2026-07-15) owes 0 principal and 0 interest.
  const loanId = (
    await disbursedLoan(ta, {
      localPolicyCode: 'DANANG_INTEREST_FREE',
      amount: 30_000_000,
      termMonths: 36,
      valueDate: '2026-06-15',
    })
  ).loanId
  const res = (await close(ta, '2026-07-16')).json()
  t.equal(res.daysClosed, 16)
  t.match(
    await detail(ta, loanId),
    { classification: 'in_term', overduePrincipal: 0, overdueInterest: 0 },
    'the replay: nothing is overdue',
  )
  t.equal((await listed(ta, loanId)).classification, 'in_term', 'the list agrees after the close')
})

test('§10 the close reclassifies a loan whose freeze window has ended', async (t, ta) => {
  const loanId = (await disbursedLoan(ta, LOAN)).loanId
  const fr = await ta.as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/freeze`,
    payload: { decisionNo: unique('QD'), cause: 'Flood', fromDate: '2026-06-20', untilDate: '2026-07-05' },
  })
  t.equal(fr.statusCode, 201, fr.body)
  t.equal((await listed(ta, loanId)).classification, 'frozen')
  t.equal((await close(ta, '2026-07-10')).json().daysClosed, 10)
  t.equal((await detail(ta, loanId)).classification, 'in_term', 'the replay: the window (06-20, 07-05] is over')
  t.equal((await listed(ta, loanId)).classification, 'in_term', 'the list agrees after the close')
})

test('close-of-business is admin only; more than 400 days at once → 422 CLOSE_TOO_FAR', async (t, ta) => {
  const before = rowCounts(ta.app)
  for (const who of ['officerA', 'managerA', 'finance'] as const)
    t.equal((await close(ta, '2026-07-01', who)).statusCode, 403, `${who} → 403`)
  t.equal(
    (await ta.as(null, { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-07-01' } })).statusCode,
    401,
  )
  const far = await close(ta, '2027-08-05')
  t.equal(far.statusCode, 422)
  t.equal(far.json().code, 'CLOSE_TOO_FAR')
  t.equal((await close(ta, '2026-02-30')).statusCode, 400, 'not a date')
  t.same(rowCounts(ta.app), before, 'nothing written')
  t.equal(await businessDate(ta), '2026-06-30')
})

t.test('property: closing the same day twice = once, and closing day by day = closing in one call', async (t) => {
  // Two apps built the same way (same loans, same payments, same ids): one closes to the target in one
  // call and then again; the other closes one day per call. Loans, instalments, close runs and row
  // counts must be identical, and the repeated call must change nothing.
  const arb = fc.record({
    loans: fc.array(
      fc.record({
        disbursedDay: fc.integer({ min: 1, max: 28 }),
        month: fc.integer({ min: 3, max: 6 }),
        pays: fc.boolean(),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    days: fc.integer({ min: 1, max: 40 }),
  })
  const target = (days: number) => new Date(Date.UTC(2026, 5, 30) + days * 86_400_000).toISOString().slice(0, 10)
  const setup = async (tt: Test, spec: { disbursedDay: number; month: number; pays: boolean }[]) => {
    const ta = await buildTestApp(tt)
    for (const l of spec) {
      const valueDate = `2026-0${l.month}-${String(l.disbursedDay).padStart(2, '0')}`
      const { loanId } = await disbursedLoan(ta, {
        ...LOAN,
        applicationDate: '2026-02-01',
        certifiedOn: '2026-02-02',
        approvedOn: '2026-02-03',
        valueDate,
      })
      if (l.pays) {
        // Pays everything due on the business date (if anything), so some loans are in term and some overdue.
        const v = await detail(ta, loanId)
        const due = v.overdueInterest + v.overduePrincipal + v.interestDue + v.principalDueNow
        if (due > 0)
          await ta.as('officerA', {
            method: 'POST',
            url: `/v1/loans/${loanId}/repayments`,
            headers: { 'idempotency-key': unique('p') },
            payload: { amount: due, valueDate: '2026-06-30' },
          })
      }
    }
    return ta
  }
  let runs = 0
  await fc.assert(
    fc.asyncProperty(arb, async ({ loans, days }) => {
      runs++
      await t.test(`run ${runs}`, async (tt) => {
        const a = await setup(tt, loans)
        const b = await setup(tt, loans)
        const to = target(days)
        const once = await close(a, to)
        if (once.statusCode !== 200 || once.json().daysClosed !== days)
          throw new Error(`close: ${once.statusCode} ${once.body}`)
        const s1 = snapshot(a)
        const twice = await close(a, to)
        if (twice.json().daysClosed !== 0) throw new Error('second close closed days')
        tt.same(snapshot(a), s1, 'twice = once')
        for (let d = 1; d <= days; d++) {
          const r = await close(b, target(d))
          if (r.statusCode !== 200 || r.json().daysClosed !== 1) throw new Error(`day ${d}: ${r.statusCode} ${r.body}`)
        }
        tt.same(snapshot(b), s1, 'day by day = one call')
        assertLedgerMatchesLoans(tt, a.app)
      })
    }),
    { numRuns: 4, seed: 4242 },
  )
  t.equal(runs, 4)
})
