/**
 * Loans over HTTP (docs/rules.md §5–§6, §9; docs/api.md): disbursement (Idempotency-Key,
 * replay, tranches up to the approved amount, date rules, the journal entry, the loan
 * becoming active), the interest-free local policy, and the housing programme's grace.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import {
  approvedLoan,
  applicationBody,
  disburse,
  disbursedLoan,
  householdWithStatus,
  submit,
  unique,
} from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

interface Line {
  account: string
  debit: number
  credit: number
  loan_id: number | null
  funding_source: string
}
/** The journal entry posted for a loan transaction, with its lines. */
function journalFor(transactionId: number) {
  const entries = app.sqlite
    .prepare('SELECT id, kind, value_date AS valueDate FROM journal_entries WHERE loan_transaction_id = ?')
    .all(transactionId) as { id: number; kind: string; valueDate: string }[]
  const lines =
    entries.length === 1
      ? (app.sqlite
          .prepare('SELECT account, debit, credit, loan_id, funding_source FROM journal_lines WHERE entry_id = ?')
          .all(entries[0]!.id) as Line[])
      : []
  return { entries, lines }
}

t.test('approved, not yet disbursed: status approved, indicative schedule, no transactions', async (t) => {
  const { loanId } = await approvedLoan(ta)
  const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
  t.match(loan, {
    status: 'approved',
    classification: 'not_disbursed',
    disbursedAmount: 0,
    outstandingPrincipal: 0,
    firstDisbursedOn: null,
  })
  const schedule = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule` })).json()
  t.equal(schedule.indicative, true, 'dates assume disbursement on the business date')
  t.equal(schedule.instalments[0].dueDate, '2026-07-15', 'business date 2026-06-30, session day 15')
  t.equal(schedule.totalPrincipal, 30_000_000)
  t.same((await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items, [])
})

t.test('disbursement without Idempotency-Key → 400 IDEMPOTENCY_KEY_REQUIRED, nothing written', async (t) => {
  const { loanId } = await approvedLoan(ta)
  const before = rowCounts(app)
  const res = await disburse(ta, loanId, { amount: 30_000_000, valueDate: '2026-06-15' }, { key: null })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
  t.same(rowCounts(app), before)
})

t.test(
  'disbursement: 201, the loan becomes active, one balanced journal entry (loans_receivable debit = amount)',
  async (t) => {
    const { loanId } = await approvedLoan(ta, { amount: 30_000_000, approvedOn: '2026-06-10' })
    const before = rowCounts(app)
    const res = await disburse(ta, loanId, { amount: 30_000_000, valueDate: '2026-06-15' }, { who: 'managerA' })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.type(body.transactionId, 'number')
    t.match(body.loan, {
      id: loanId,
      status: 'active',
      classification: 'in_term',
      disbursedAmount: 30_000_000,
      outstandingPrincipal: 30_000_000,
      firstDisbursedOn: '2026-06-15',
      nextDueDate: '2026-07-15',
      monthlyRatePpm: 5500,
    })
    const after = rowCounts(app)
    t.equal(after.loan_transactions, before.loan_transactions! + 1, 'one transaction')
    t.equal(after.journal_entries, before.journal_entries! + 1, 'one journal entry')

    const { entries, lines } = journalFor(body.transactionId)
    t.equal(entries.length, 1)
    t.match(entries[0], { kind: 'disbursement', valueDate: '2026-06-15' })
    t.equal(
      lines.reduce((a, l) => a + l.debit, 0),
      lines.reduce((a, l) => a + l.credit, 0),
      'Σ debit = Σ credit',
    )
    const receivable = lines.filter((l) => l.account === 'loans_receivable')
    t.equal(receivable.length, 1)
    t.match(receivable[0], { debit: 30_000_000, credit: 0, loan_id: loanId, funding_source: 'central' })
    t.ok(
      lines.some((l) => l.account === 'cash_at_branch' && l.credit === 30_000_000),
      "the branch's cash of the funding source credited",
    )

    const loan = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
    t.match(loan, { status: 'active', disbursedAmount: 30_000_000, firstDisbursedOn: '2026-06-15' })
    const txs = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items
    t.equal(txs.length, 1)
    t.match(txs[0], {
      id: body.transactionId,
      kind: 'disbursement',
      amount: 30_000_000,
      valueDate: '2026-06-15',
      postedOn: '2026-06-30',
    })
    const listed = (await as('officerA', { method: 'GET', url: '/v1/loans?status=active&limit=500' })).json().items
    t.ok(
      listed.some((l: { id: number }) => l.id === loanId),
      'listed as active',
    )
  },
)

t.test('replay: same key and body → the same body with Idempotency-Replayed: true, one transaction', async (t) => {
  const { loanId } = await approvedLoan(ta)
  const key = unique('replay')
  const body = { amount: 30_000_000, valueDate: '2026-06-15' }
  const first = await disburse(ta, loanId, body, { key })
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotency-replayed'])
  const afterFirst = rowCounts(app)
  const second = await disburse(ta, loanId, body, { key })
  t.equal(second.statusCode, 201)
  t.equal(second.headers['idempotency-replayed'], 'true')
  t.same(second.json(), first.json(), 'the same body')
  t.same(rowCounts(app), afterFirst, 'nothing more written')
  t.equal(
    (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items.length,
    1,
    'one transaction',
  )
  const reused = await disburse(ta, loanId, { ...body, amount: 1 }, { key })
  t.equal(reused.statusCode, 422, 'same key, another body')
  t.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
})

t.test(
  'two tranches up to the approved amount; one VND more → 422 DISBURSEMENT_ABOVE_APPROVED, nothing written',
  async (t) => {
    const { loanId } = await approvedLoan(ta, {
      amount: 30_000_000,
      approvedOn: '2026-05-01',
      applicationDate: '2026-04-20',
      certifiedOn: '2026-04-25',
    })
    const first = await disburse(ta, loanId, { amount: 20_000_000, valueDate: '2026-05-10' })
    t.equal(first.statusCode, 201)
    t.match(first.json().loan, { status: 'active', disbursedAmount: 20_000_000 })
    const second = await disburse(ta, loanId, { amount: 10_000_000, valueDate: '2026-06-01' })
    t.equal(second.statusCode, 201)
    t.match(second.json().loan, {
      status: 'active',
      disbursedAmount: 30_000_000,
      outstandingPrincipal: 30_000_000,
      firstDisbursedOn: '2026-05-10',
    })

    const before = rowCounts(app)
    const above = await disburse(ta, loanId, { amount: 1, valueDate: '2026-06-30' })
    t.equal(above.statusCode, 422)
    t.equal(above.json().code, 'DISBURSEMENT_ABOVE_APPROVED')
    t.same(rowCounts(app), before, 'nothing written')

    const schedule = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule` })).json()
    t.equal(schedule.instalments[0].dueDate, '2026-06-15', 'the first tranche fixes the dates')
    t.equal(schedule.totalPrincipal, 30_000_000, 'both tranches in the schedule')
    t.equal(
      schedule.instalments.reduce((a: number, i: { principal: number }) => a + i.principal, 0),
      30_000_000,
    )
    const txs = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items
    t.same(
      txs.map((x: { amount: number }) => x.amount),
      [20_000_000, 10_000_000],
    )
    const receivable = app.sqlite
      .prepare(
        "SELECT SUM(debit) - SUM(credit) FROM journal_lines WHERE account = 'loans_receivable' AND loan_id " +
          '= ' +
          '?',
      )
      .pluck()
      .get(loanId)
    t.equal(receivable, 30_000_000, 'receivable = both tranches')
  },
)

t.test(
  'race: two simultaneous tranches (different keys) that together exceed the approved amount → one 201, one 422',
  async (t) => {
    const { loanId } = await approvedLoan(ta, { amount: 30_000_000 })
    const before = rowCounts(app)
    const responses = await Promise.all(
      [1, 2].map(() => disburse(ta, loanId, { amount: 20_000_000, valueDate: '2026-06-15' })),
    )
    t.same(responses.map((r) => r.statusCode).sort(), [201, 422])
    t.equal(responses.find((r) => r.statusCode === 422)?.json().code, 'DISBURSEMENT_ABOVE_APPROVED')
    t.equal(rowCounts(app).loan_transactions, before.loan_transactions! + 1, 'one transaction')
    t.equal(rowCounts(app).journal_entries, before.journal_entries! + 1, 'one journal entry')
    t.equal((await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json().disbursedAmount, 20_000_000)
  },
)

t.test('a first tranche above the approved amount → 422 DISBURSEMENT_ABOVE_APPROVED, nothing written', async (t) => {
  const { loanId } = await approvedLoan(ta, { amount: 30_000_000 })
  const before = rowCounts(app)
  const res = await disburse(ta, loanId, { amount: 30_000_001, valueDate: '2026-06-15' })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'DISBURSEMENT_ABOVE_APPROVED')
  t.same(rowCounts(app), before)
  t.equal(
    (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json().status,
    'approved',
    'still approved',
  )
})

t.test(
  'value date before the approval date → 422 DATE_ORDER; after the business date → 422 DATE_IN_FUTURE; ' +
    'nothing written',
  async (t) => {
    const { loanId } = await approvedLoan(ta, { approvedOn: '2026-06-10' })
    const before = rowCounts(app)
    const early = await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-09' })
    t.equal(early.statusCode, 422)
    t.equal(early.json().code, 'DATE_ORDER')
    const future = await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-07-01' })
    t.equal(future.statusCode, 422)
    t.equal(future.json().code, 'DATE_IN_FUTURE')
    t.same(rowCounts(app), before, 'nothing written')
    t.equal(
      (await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-10' })).statusCode,
      201,
      'on the approval date itself is fine',
    )
    const before2 = rowCounts(app)
    const backwards = await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-09' })
    t.equal(backwards.json().code, 'DATE_ORDER', 'a later tranche before the approval/previous tranche')
    t.same(rowCounts(app), before2)
  },
)

t.test('disbursement scope and role: partner officer 403, branch B staff 404, amount 0 → 400', async (t) => {
  const { loanId } = await approvedLoan(ta)
  const before = rowCounts(app)
  const partner = await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-15' }, { who: 'partnerA' })
  t.equal(partner.statusCode, 403)
  const other = await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-15' }, { who: 'officerB' })
  t.equal(other.statusCode, 404)
  t.equal(other.json().code, 'NOT_FOUND')
  const zero = await disburse(ta, loanId, { amount: 0, valueDate: '2026-06-15' })
  t.equal(zero.statusCode, 400)
  t.equal(zero.json().code, 'VALIDATION_ERROR')
  t.same(rowCounts(app), before)
  t.equal((await disburse(ta, 999_999, { amount: 1, valueDate: '2026-06-15' })).statusCode, 404, 'unknown loan')
})

t.test(
  'interest-free local policy DANANG_INTEREST_FREE: monthlyRatePpm 0 and every scheduled interest 0',
  async (t) => {
    const loan = await disbursedLoan(ta, {
      group: 'groupA',
      localPolicyCode: 'DANANG_INTEREST_FREE',
      amount: 30_000_000,
      termMonths: 36,
      valueDate: '2026-06-15',
    })
    const app1 = (await as('partnerA', { method: 'GET', url: `/v1/applications/${loan.applicationId}` })).json()
    t.equal(app1.localPolicyCode, 'DANANG_INTEREST_FREE')
    const view = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loan.loanId}` })).json()
    t.match(view, {
      localPolicyCode: 'DANANG_INTEREST_FREE',
      monthlyRatePpm: 0,
      status: 'active',
      fundingSource: 'local_budget',
    })
    const schedule = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loan.loanId}/schedule` })).json()
    t.equal(schedule.instalments.length, 36)
    t.ok(
      schedule.instalments.every((i: { interest: number }) => i.interest === 0),
      'interest 0 on every due date',
    )
    t.equal(schedule.totalInterest, 0)
    t.equal(schedule.totalPrincipal, 30_000_000)
    t.same(
      schedule.instalments
        .filter((i: { principal: number }) => i.principal > 0)
        .map((i: { number: number }) => i.number),
      [6, 12, 18, 24, 30, 36],
    )
    // The same loan without the policy bears interest.
    const plain = await disbursedLoan(ta, {
      group: 'groupA',
      amount: 30_000_000,
      termMonths: 36,
      valueDate: '2026-06-15',
    })
    t.ok((await as('partnerA', { method: 'GET', url: `/v1/loans/${plain.loanId}/schedule` })).json().totalInterest > 0)
  },
)

t.test('the local policy on a Huế household → 422 LOCAL_POLICY_NOT_APPLICABLE, nothing written', async (t) => {
  const hue = await householdWithStatus(ta, { group: 'groupB', status: 'poor' })
  const before = rowCounts(app)
  const res = await submit(ta, 'partnerB', applicationBody(hue, { localPolicyCode: 'DANANG_INTEREST_FREE' }))
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'LOCAL_POLICY_NOT_APPLICABLE')
  t.same(rowCounts(app), before)
})

t.test(
  'housing programme (180 months, grace 60, every 12 by default): principal only in months 72, 84, …, 180',
  async (t) => {
    const loan = await disbursedLoan(ta, {
      group: 'groupB',
      programmeCode: 'HOUSING',
      amount: 40_000_000,
      termMonths: 180,
      valueDate: '2026-06-15',
    })
    const application = (await as('partnerB', { method: 'GET', url: `/v1/applications/${loan.applicationId}` })).json()
    t.same(application.principalPlan, { everyMonths: 12, graceMonths: 60 }, "the programme's default plan")
    const view = (await as('partnerB', { method: 'GET', url: `/v1/loans/${loan.loanId}` })).json()
    t.match(view, {
      programmeCode: 'HOUSING',
      monthlyRatePpm: 2500,
      sessionDay: 20,
      branchId: world.branchB,
      principalPlan: { everyMonths: 12, graceMonths: 60 },
    })
    const schedule = (await as('partnerB', { method: 'GET', url: `/v1/loans/${loan.loanId}/schedule` })).json()
    t.equal(schedule.instalments.length, 180)
    // m = ceil((180 − 60) / 12) = 10 instalments of 4,000,000 in months 60 + 12j, j = 1..10.
    const withPrincipal = schedule.instalments.filter((i: { principal: number }) => i.principal > 0)
    t.same(
      withPrincipal.map((i: { number: number }) => i.number),
      [72, 84, 96, 108, 120, 132, 144, 156, 168, 180],
    )
    t.ok(withPrincipal.every((i: { principal: number }) => i.principal === 4_000_000))
    t.ok(
      schedule.instalments.every((i: { interest: number }) => i.interest > 0),
      'interest every month, grace included',
    )
    // Point B's session day is 20: disbursed 2026-06-15 → month 1 due 2026-07-20, month 180 due 2041-06-20.
    t.equal(schedule.instalments[0].dueDate, '2026-07-20')
    t.equal(schedule.instalments[71].dueDate, '2032-06-20', 'month 72')
    t.equal(schedule.instalments[179].dueDate, '2041-06-20', 'month 180')
    // Month 1: (2026-06-15, 2026-07-20] = 35 days × 40,000,000 × 2,500 / 30,000,000 = 116,666.67 → 116,667.
    t.equal(schedule.instalments[0].interest, 116_667)
  },
)
