/**
 * The support payment over HTTP (docs/rules.md §3, §4, §8; docs/api.md).
 *
 * Every loan here is under an interest-free local policy (DANANG_INTEREST_FREE unless a test
 * creates its own): 12,000,000 VND over 12 months, 1,000,000 principal per month, disbursed
 * 2025-01-10 at point A (session day 15) → instalment k due on the 15th, 2025-02-15 … 2026-01-15.
 * Paying 1,000,000 on each due date closes the loan on 2026-01-15; the exit window
 * (12 months after closure) ends 2027-01-15. The business date is 2026-06-30 throughout
 * (except in the daily-close test, which has its own app), so every value date is in the past
 * and the rule is evaluated "as of" 2026-06-30.
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts, SYSTEM, type KeyName, type TestApp } from '../helpers/app.js'
import { assertLedgerMatchesLoans, ledgerCheckedTest } from '../helpers/ledger.js'
import { expectStatus, unique } from '../helpers/origination.js'
import {
  DANANG,
  SUPPORT_AMOUNT,
  createSupportPolicy,
  evaluationOf,
  getPayment,
  paymentRows,
  paymentsOf,
  postPovertyStatus,
  recordStatus,
  repaidOnTime,
  repay,
  repayInstalments,
  revokeRecord,
  supportAction,
  supportJournal,
  supportLoan,
  type SupportPaymentView,
} from '../helpers/support.js'
import { addDays } from '../../src/domain/dates.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'
import { paySupport } from '../../src/modules/support/service.js'
import { DomainError } from '../../src/platform/errors.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const test = ledgerCheckedTest(t, app)

const DUE_2025 = (k: number) => `20${k <= 11 ? '25' : '26'}-${String(k <= 11 ? k + 1 : 1).padStart(2, '0')}-15`
const getLoan = async (loanId: number) =>
  expectStatus(await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` }), 200, 'get loan').json()
const getSchedule = async (loanId: number) =>
  expectStatus(await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule` }), 200, 'get schedule').json()
const auditCount = (action: string, supportId: number) =>
  app.sqlite
    .prepare("SELECT COUNT(*) FROM audit_log WHERE action = ? AND entity = 'support_payment' AND entity_id = ?")
    .pluck()
    .get(action, String(supportId)) as number

/** A closed on-time loan with an exit on 2026-03-01: one pending payment. */
async function pendingPayment(over: Parameters<typeof repaidOnTime>[1] = {}) {
  const loan = await repaidOnTime(ta, over)
  const exit = await recordStatus(ta, loan.householdId, '2026-03-01')
  const [payment] = await paymentsOf(ta, loan.householdId)
  if (!payment) throw new Error('fixture: no support payment was created')
  return { loan, exit, payment }
}

async function approvedPayment() {
  const p = await pendingPayment()
  expectStatus(await supportAction(ta, 'managerA', p.payment.id, 'approve'), 200, 'approve')
  return p
}

async function paidPayment() {
  const p = await approvedPayment()
  expectStatus(
    await supportAction(ta, 'finance', p.payment.id, 'pay', { paidOn: '2026-06-30', reference: unique('VCB') }),
    200,
    'pay',
  )
  return p
}

/** GET /v1/reports/support-payments. */
async function supportReport(t: Test, tapp: TestApp, accept?: string) {
  const res = await tapp.as('auditor', {
    method: 'GET',
    url: '/v1/reports/support-payments',
    headers: accept ? { accept } : {},
  })
  t.equal(res.statusCode, 200, `GET /v1/reports/support-payments${accept ? ` (${accept})` : ''}`, {
    diagnostic: res.statusCode !== 200,
    body: res.body,
  })
  return res
}

// ————————————————————————————————————————————— the rule (a)–(h)

test(
  '§8 (a) interest-free loan repaid on time, then the exit recorded → exactly one payment of 4,000,000 ' +
    'pending approval, with the evidence',
  async (t) => {
    const loan = await repaidOnTime(ta)
    const view = await getLoan(loan.loanId)
    t.match(
      view,
      { status: 'closed', closedOn: '2026-01-15', monthlyRatePpm: 0, outstandingPrincipal: 0 },
      'the loan closed on the last due date, interest-free',
    )
    t.same(paymentRows(app, loan.householdId), [], 'no payment before the exit')
    t.match(
      evaluationOf(app, loan.loanId),
      { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' },
      'closed on time, waiting for an exit (window open until 2027-01-15)',
    )

    const exit = await recordStatus(ta, loan.householdId, '2026-03-01')
    const list = await paymentsOf(ta, loan.householdId)
    t.equal(list.length, 1, 'one payment')
    const p = list[0]!
    t.match(p, {
      householdId: loan.householdId,
      loanId: loan.loanId,
      localPolicyCode: DANANG,
      branchId: world.branchA,
      amount: 4_000_000,
      status: 'pending_approval',
      createdOn: '2026-06-30',
      approvedBy: null,
      paidBy: null,
      rejectedBy: null,
      cancelledOn: null,
    })
    t.equal(evaluationOf(app, loan.loanId)?.outcome, 'eligible')

    const got = await getPayment(ta, p.id)
    t.equal(got.recovery, null, 'no recovery')
    const evidence = got.evidence as {
      loanId: number
      disbursedOn: string
      closedOn: string
      windowEnd: string
      instalments: Record<string, unknown>[]
      exit: Record<string, unknown>
    }
    t.match(
      evidence,
      { loanId: loan.loanId, disbursedOn: '2025-01-10', closedOn: '2026-01-15', windowEnd: '2027-01-15' },
      'evidence: the loan',
    )
    t.equal(evidence.instalments.length, 12, 'evidence: the 12 instalments')
    t.same(
      evidence.instalments.map((i) => [i.number, i.dueDate, i.effectiveDueDate, i.paidOffOn, i.extended]),
      Array.from({ length: 12 }, (_, i) => [i + 1, DUE_2025(i + 1), DUE_2025(i + 1), DUE_2025(i + 1), false]),
      'evidence: each instalment paid off on its due date',
    )
    t.match(
      evidence.exit,
      { recordId: exit.id, decisionNo: exit.decisionNo, effectiveDate: '2026-03-01', from: 'poor', to: 'escaped' },
      'evidence: the exit decision number and date',
    )
    t.equal(auditCount('support_payment.create', p.id), 1, 'the creation is audited once')

    // Another decision later (a second trigger) changes nothing.
    await recordStatus(ta, loan.householdId, '2026-04-01', 'none')
    t.equal(paymentRows(app, loan.householdId).length, 1, 'still one payment after a further poverty record')
    t.same((await getPayment(ta, p.id)).evidence, got.evidence, 'evidence unchanged')
  },
)

test(
  '§8 (b) exit recorded first (after the disbursement), then the final repayment → one payment, created by ' +
    'the repayment',
  async (t) => {
    const loan = await supportLoan(ta)
    const exit = await recordStatus(ta, loan.householdId, '2025-06-01')
    t.same(paymentRows(app, loan.householdId), [], 'no payment while the loan is open')
    await repayInstalments(ta, loan, { payFirst: 11 })
    t.same(paymentRows(app, loan.householdId), [], 'no payment after 11 of 12 instalments')
    t.equal((await getLoan(loan.loanId)).status, 'active')

    const last = await repay(ta, loan.loanId, 1_000_000, '2026-01-15')
    t.equal(last.statusCode, 201, 'final repayment', { body: last.body })
    t.equal(last.json().loan.status, 'closed', 'the final repayment closes the loan')
    const rows = paymentRows(app, loan.householdId)
    t.equal(rows.length, 1, 'the final repayment created the payment')
    const p = await getPayment(ta, rows[0]!.id)
    t.match(p, { amount: SUPPORT_AMOUNT, status: 'pending_approval', loanId: loan.loanId })
    t.match(p.evidence, {
      closedOn: '2026-01-15',
      exit: { recordId: exit.id, decisionNo: exit.decisionNo, effectiveDate: '2025-06-01' },
    })
  },
)

test('§8 (c) one instalment paid a day late → no payment; the evaluation says LATE_INSTALMENT', async (t) => {
  const loan = await repaidOnTime(ta, { lateDays: { 6: 1 } })
  t.equal((await getLoan(loan.loanId)).status, 'closed', 'the loan is closed')
  const line = (await getSchedule(loan.loanId)).instalments[5]
  t.match(
    line,
    { number: 6, dueDate: '2025-07-15', effectiveDueDate: '2025-07-15', paidOffOn: '2025-07-16' },
    'instalment 6 paid off one day after its due date',
  )
  await recordStatus(ta, loan.householdId, '2026-03-01')
  t.same(paymentRows(app, loan.householdId), [], 'no payment')
  t.same(await paymentsOf(ta, loan.householdId), [], 'none listed either')
  t.match(evaluationOf(app, loan.loanId), {
    outcome: 'ineligible',
    reason: 'LATE_INSTALMENT',
    evaluatedOn: '2026-06-30',
  })
})

test('§7/§8 (d) late only against the original due date, because of an approved extension → payment', async (t) => {
  const loan = await supportLoan(ta)
  await repayInstalments(ta, loan, { payFirst: 5 })
  // Instalment 6 is due 2025-07-15; the extension is decided on 2025-07-10 (before that date), to 2025-07-25.
  const ext = await as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loan.loanId}/extensions`,
    payload: {
      decisionNo: unique('QD-GH'),
      cause: 'Flood damaged the crop',
      instalmentNumber: 6,
      newDueDate: '2025-07-25',
      valueDate: '2025-07-10',
    },
  })
  t.equal(ext.statusCode, 201, 'extension approved by the branch manager', { body: ext.body })
  expectStatus(
    await repay(ta, loan.loanId, 1_000_000, '2025-07-20'),
    201,
    'instalment 6, five days after the original date',
  )
  for (let k = 7; k <= 12; k++)
    expectStatus(await repay(ta, loan.loanId, 1_000_000, loan.dueDates[k - 1]!), 201, `instalment ${k}`)
  t.equal((await getLoan(loan.loanId)).status, 'closed')
  const exit = await recordStatus(ta, loan.householdId, '2026-02-01')
  const rows = paymentRows(app, loan.householdId)
  t.equal(rows.length, 1, 'one payment: the extension counts')
  const p = await getPayment(ta, rows[0]!.id)
  t.match(p, { status: 'pending_approval', amount: SUPPORT_AMOUNT })
  const inst6 = (p.evidence.instalments as Record<string, unknown>[]).find((i) => i.number === 6)
  t.match(
    inst6,
    { dueDate: '2025-07-15', effectiveDueDate: '2025-07-25', paidOffOn: '2025-07-20', extended: true },
    'evidence shows the extension',
  )
  t.match(p.evidence, { exit: { decisionNo: exit.decisionNo } })

  // Control: the same history without the extension is late.
  const plain = await repaidOnTime(ta, { lateDays: { 6: 5 } })
  await recordStatus(ta, plain.householdId, '2026-02-01')
  t.same(paymentRows(app, plain.householdId), [], 'without the extension: no payment')
  t.match(evaluationOf(app, plain.loanId), { outcome: 'ineligible', reason: 'LATE_INSTALMENT' })
})

test(
  '§8 (e) exit after the window (more than 12 months after closure) → no payment, EXIT_OUTSIDE_WINDOW; on the ' +
    'window end → payment',
  async (t) => {
    // 6 months from 2024-07-10: due 2024-08-15 … 2025-01-15, closed 2025-01-15, window ends 2026-01-15.
    const six = { amount: 6_000_000, termMonths: 6, valueDate: '2024-07-10' }
    const late = await repaidOnTime(ta, six)
    t.equal((await getLoan(late.loanId)).closedOn, '2025-01-15')
    t.match(
      evaluationOf(app, late.loanId),
      { outcome: 'ineligible', reason: 'NO_POVERTY_EXIT' },
      'on 2026-06-30 the window (to 2026-01-15) has passed with no exit',
    )
    await recordStatus(ta, late.householdId, '2026-01-16')
    t.same(paymentRows(app, late.householdId), [], 'exit one day after the window: no payment')
    t.match(evaluationOf(app, late.loanId), { outcome: 'ineligible', reason: 'EXIT_OUTSIDE_WINDOW' })

    const edge = await repaidOnTime(ta, six)
    await recordStatus(ta, edge.householdId, '2026-01-15')
    t.equal(paymentRows(app, edge.householdId).length, 1, 'exit on the last day of the window: one payment')
    t.equal(evaluationOf(app, edge.loanId)?.outcome, 'eligible')
  },
)

test('§8 (f) 20 concurrent triggers for the same household → exactly one payment', async (t) => {
  // 20 parallel poverty-status decisions (each an exit trigger) after an on-time closure.
  const loan = await repaidOnTime(ta)
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      postPovertyStatus(ta, loan.householdId, {
        status: i % 2 ? 'none' : 'escaped',
        effectiveDate: addDays('2026-02-01', i),
      }),
    ),
  )
  t.same(
    results.map((r) => r.statusCode),
    Array(20).fill(201),
    'every decision recorded',
  )
  const rows = paymentRows(app, loan.householdId)
  t.equal(rows.length, 1, 'one row in support_payments')
  t.equal(auditCount('support_payment.create', rows[0]!.id), 1, 'created once')

  // 20 parallel final repayments (different keys) after the exit: one closes the loan, the others are refused.
  const other = await supportLoan(ta)
  await recordStatus(ta, other.householdId, '2025-09-01')
  await repayInstalments(ta, other, { payFirst: 11 })
  const finals = await Promise.all(Array.from({ length: 20 }, () => repay(ta, other.loanId, 1_000_000, '2026-01-15')))
  t.equal(finals.filter((r) => r.statusCode === 201).length, 1, 'one final repayment accepted')
  t.ok(
    finals.filter((r) => r.statusCode !== 201).every((r) => r.statusCode === 409 || r.statusCode === 422),
    'the others refused (loan closed / overpayment)',
  )
  t.equal(paymentRows(app, other.householdId).length, 1, 'one row in support_payments')

  // 20 replays of the same trigger with the same Idempotency-Key: one effect.
  const third = await repaidOnTime(ta)
  const key = unique('exit')
  const body = { status: 'escaped', effectiveDate: '2026-03-01', decisionNo: unique('QD') }
  const replays = await Promise.all(
    Array.from({ length: 20 }, () =>
      as('officerA', {
        method: 'POST',
        url: `/v1/households/${third.householdId}/poverty-status`,
        headers: { 'idempotency-key': key },
        payload: body,
      }),
    ),
  )
  t.ok(
    replays.some((r) => r.statusCode === 201),
    'recorded',
  )
  t.ok(
    replays.every((r) => r.statusCode === 201 || r.statusCode === 409),
    'replays answered or told to wait',
  )
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM poverty_records WHERE household_id = ?').pluck().get(third.householdId),
    2,
    'one record (plus the initial poor)',
  )
  t.equal(paymentRows(app, third.householdId).length, 1, 'one payment')
})

test('§8 (g) budget for 2 payments, 3 eligible households → 2 payments, 1 blocked with BUDGET_EXHAUSTED', async (t) => {
  const code = await createSupportPolicy(ta, { budget: 8_000_000 })
  const loans = []
  for (let i = 0; i < 3; i++) loans.push(await repaidOnTime(ta, { localPolicyCode: code }))
  for (const l of loans) await recordStatus(ta, l.householdId, '2026-03-01')
  const rows = loans.map((l) => paymentRows(app, l.householdId, code))
  t.same(
    rows.map((r) => r.length),
    [1, 1, 0],
    'the first two households get a payment, the third none',
  )
  t.match(
    evaluationOf(app, loans[2]!.loanId),
    { outcome: 'not_yet', reason: 'BUDGET_EXHAUSTED' },
    'the third is blocked (not final: a top-up may unblock it)',
  )
  t.equal(
    app.sqlite
      .prepare("SELECT COUNT(*) FROM support_evaluations WHERE local_policy_code = ? AND reason = 'BUDGET_EXHAUSTED'")
      .pluck()
      .get(code),
    1,
  )
  t.equal(
    app.sqlite
      .prepare(
        'SELECT COALESCE(SUM(amount), 0) FROM support_payments WHERE local_policy_code = ? AND status IN ' +
          "('pending_approval', 'approved', 'paid')",
      )
      .pluck()
      .get(code),
    8_000_000,
    'the budget is fully reserved',
  )

  // Approving and paying within the budget works; a further trigger for the blocked household still creates
  // nothing.
  expectStatus(await supportAction(ta, 'managerA', rows[0]![0]!.id, 'approve'), 200, 'approve 1')
  expectStatus(
    await supportAction(ta, 'finance', rows[0]![0]!.id, 'pay', { paidOn: '2026-06-30', reference: unique('VCB') }),
    200,
    'pay 1',
  )
  await recordStatus(ta, loans[2]!.householdId, '2026-04-01', 'none')
  t.equal(paymentRows(app, loans[2]!.householdId, code).length, 0, 'still blocked after another trigger')
  t.match(evaluationOf(app, loans[2]!.loanId), { reason: 'BUDGET_EXHAUSTED' })

  const res = await supportReport(t, ta)
  if (res) {
    const budget = (res.json().budgets as Record<string, unknown>[]).find((b) => b.localPolicyCode === code)
    t.match(
      budget,
      { localPolicyCode: code, budget: 8_000_000, used: 4_000_000, reserved: 4_000_000, remaining: 0, blocked: 1 },
      'report: budget used, reserved, remaining, and 1 blocked',
    )
  }
})

test(
  '§8 (h) reversal of a repayment after the payment was paid → a recovery record and a support_recovery ' +
    'ledger entry, nothing deleted',
  async (t) => {
    const { loan, payment } = await paidPayment()
    const before = await getPayment(ta, payment.id)
    t.equal(before.status, 'paid')
    const rev = await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${loan.loanId}/transactions/${loan.transactionIds[11]}/reverse`,
      payload: { reason: 'Cash counted twice' },
    })
    t.equal(rev.statusCode, 201, 'reversal of the final repayment', { body: rev.body })
    t.equal(rev.json().loan.status, 'active', 'the loan re-opens')

    const after = await getPayment(ta, payment.id)
    t.equal(after.status, 'paid', 'the paid payment stays paid (never a silent delete)')
    t.match(
      after.recovery,
      { amount: 4_000_000, createdOn: '2026-06-30', reason: /LATE_INSTALMENT/ },
      'GET shows the recovery',
    )
    t.equal(paymentRows(app, loan.householdId).length, 1, 'still one row')
    t.match(
      evaluationOf(app, loan.loanId),
      { outcome: 'ineligible', reason: 'LATE_INSTALMENT' },
      'instalment 12 is unpaid past its due date',
    )
    const recovery = supportJournal(app, payment.id).filter((e) => e.kind === 'support_recovery')
    t.equal(recovery.length, 1, 'one support_recovery journal entry')
    t.same(
      recovery[0]?.lines,
      [
        { account: 'support_expense', debit: 0, credit: 4_000_000, fundingSource: 'local_budget' },
        { account: 'support_recoverable', debit: 4_000_000, credit: 0, fundingSource: 'local_budget' },
      ],
      'recovery: Dr support recoverable / Cr support expense',
    )
    t.equal(auditCount('support_payment.recovery', payment.id), 1, 'audited')

    // Paying the instalment again (late now) changes nothing more: no second recovery, no second payment.
    expectStatus(await repay(ta, loan.loanId, 1_000_000, '2026-06-30'), 201, 'late re-payment')
    t.equal(
      app.sqlite
        .prepare('SELECT COUNT(*) FROM support_recoveries WHERE support_payment_id = ?')
        .pluck()
        .get(payment.id),
      1,
      'one recovery',
    )
    t.equal(
      supportJournal(app, payment.id).filter((e) => e.kind === 'support_recovery').length,
      1,
      'one recovery entry',
    )
    t.equal(paymentRows(app, loan.householdId).length, 1)
  },
)

// ————————————————————————————————————————————— workflow

test(
  '§8 workflow: approve by the branch manager posts support expense / support payable; an idempotent replay ' +
    'returns the same body',
  async (t) => {
    const { payment } = await pendingPayment()
    const key = unique('approve')
    const res = await supportAction(ta, 'managerA', payment.id, 'approve', undefined, key)
    t.equal(res.statusCode, 200, 'approve', { body: res.body })
    t.match(res.json(), {
      id: payment.id,
      status: 'approved',
      approvedBy: world.userIds.managerA,
      approvedOn: '2026-06-30',
    })
    t.notOk(res.headers['idempotency-replayed'], 'the first response is not a replay')

    const again = await supportAction(ta, 'managerA', payment.id, 'approve', undefined, key)
    t.equal(again.statusCode, 200)
    t.equal(again.headers['idempotency-replayed'], 'true', 'Idempotency-Replayed: true')
    t.same(again.json(), res.json(), 'the same body')
    t.equal(auditCount('support_payment.approve', payment.id), 1, 'one approval')

    const ledger = supportJournal(app, payment.id)
    t.equal(ledger.length, 1, 'one journal entry')
    t.match(ledger[0], { kind: 'support_approved', valueDate: '2026-06-30' })
    t.same(
      ledger[0]?.lines,
      [
        { account: 'support_expense', debit: 4_000_000, credit: 0, fundingSource: 'local_budget' },
        { account: 'support_payable', debit: 0, credit: 4_000_000, fundingSource: 'local_budget' },
      ],
      'Dr support expense / Cr support payable',
    )

    const twice = await supportAction(ta, 'managerA2', payment.id, 'approve')
    t.equal(twice.statusCode, 409, 'approving an approved payment (new key)')
    t.equal(twice.json().code, 'INVALID_STATE')
  },
)

test(
  '§8 workflow: who may act — finance cannot approve (403), the approver cannot pay (403), another branch ' +
    'sees nothing (404), the key is required',
  async (t) => {
    const { payment } = await pendingPayment()
    const byFinance = await supportAction(ta, 'finance', payment.id, 'approve')
    t.equal(byFinance.statusCode, 403, 'finance may not approve')
    t.equal(byFinance.json().code, 'FORBIDDEN')
    for (const who of ['officerA', 'partnerA', 'auditor', 'admin'] as KeyName[]) {
      t.equal((await supportAction(ta, who, payment.id, 'approve')).statusCode, 403, `${who} may not approve`)
    }
    const otherBranch = await supportAction(ta, 'managerB', payment.id, 'approve')
    t.equal(otherBranch.statusCode, 404, 'a manager of another branch: not found')
    t.equal((await ta.as('managerB', { method: 'GET', url: `/v1/support-payments/${payment.id}` })).statusCode, 404)
    t.same(await paymentsOf(ta, payment.householdId, 'managerB'), [], "not in branch B's list")
    t.equal((await paymentsOf(ta, payment.householdId, 'partnerA')).length, 1, "the household's partner sees it")
    const noKey = await supportAction(ta, 'managerA', payment.id, 'approve', undefined, null)
    t.equal(noKey.statusCode, 400)
    t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
    t.equal((await getPayment(ta, payment.id)).status, 'pending_approval', 'nothing changed so far')

    const notApproved = await supportAction(ta, 'finance', payment.id, 'pay', {
      paidOn: '2026-06-30',
      reference: 'VCB-1',
    })
    t.equal(notApproved.statusCode, 409, 'a pending payment cannot be paid')
    t.equal(notApproved.json().code, 'INVALID_STATE')

    expectStatus(await supportAction(ta, 'managerA', payment.id, 'approve'), 200, 'approve')
    const byApprover = await supportAction(ta, 'managerA', payment.id, 'pay', {
      paidOn: '2026-06-30',
      reference: 'VCB-1',
    })
    t.equal(byApprover.statusCode, 403, 'the approving manager may not pay (role)')

    // The four-eyes guard itself: the approver acting with a finance role is refused by the service.
    t.throws(
      () =>
        app.commands.runNow(
          (ctx) => ({
            statusCode: 200,
            body: paySupport(ctx, payment.id, { paidOn: '2026-06-30', reference: 'VCB-1' }),
          }),
          { ...SYSTEM, userId: world.userIds.managerA, role: 'finance' },
        ),
      new DomainError('FOUR_EYES', 'The user who approved a support payment may not also pay it'),
      'FOUR_EYES when payer = approver',
    )
    t.equal((await getPayment(ta, payment.id)).status, 'approved', 'still approved')
  },
)

test(
  '§8 workflow: pay by finance records date and reference and posts support payable / cash; a replay returns ' +
    'the same body',
  async (t) => {
    const { payment } = await approvedPayment()
    const future = await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-07-01', reference: 'VCB-X' })
    t.equal(future.statusCode, 422, 'paidOn after the business date')
    t.equal(future.json().code, 'DATE_IN_FUTURE')
    const early = await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-06-29', reference: 'VCB-X' })
    t.equal(early.json().code, 'DATE_ORDER', 'paidOn before the approval')

    const key = unique('pay')
    const reference = unique('VCB')
    const res = await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-06-30', reference }, key)
    t.equal(res.statusCode, 200, 'pay', { body: res.body })
    t.match(res.json(), {
      status: 'paid',
      paidBy: world.userIds.finance,
      paidOn: '2026-06-30',
      payReference: reference,
      approvedBy: world.userIds.managerA,
    })
    t.not(res.json().paidBy, res.json().approvedBy, 'payer ≠ approver')
    const again = await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-06-30', reference }, key)
    t.equal(again.headers['idempotency-replayed'], 'true')
    t.same(again.json(), res.json(), 'replay: same body')
    const second = await supportAction(ta, 'finance2', payment.id, 'pay', { paidOn: '2026-06-30', reference: 'VCB-2' })
    t.equal(second.statusCode, 409, 'paying twice')

    const ledger = supportJournal(app, payment.id)
    t.same(
      ledger.map((e) => e.kind),
      ['support_approved', 'support_paid'],
    )
    t.same(
      ledger[1]?.lines,
      [
        { account: 'cash_at_transaction_point', debit: 0, credit: 4_000_000, fundingSource: 'local_budget' },
        { account: 'support_payable', debit: 4_000_000, credit: 0, fundingSource: 'local_budget' },
      ],
      'Dr support payable / Cr cash',
    )
    t.equal(ledger[1]?.valueDate, '2026-06-30')
    t.same(
      (await paymentsOf(ta, payment.householdId)).map((p) => p.status),
      ['paid'],
    )
    const paid = (
      await ta.as('auditor', {
        method: 'GET',
        url: `/v1/support-payments?status=paid&householdId=${payment.householdId}`,
      })
    ).json().items
    t.equal(paid.length, 1, 'status filter')
    const head = ta.app.sqlite
      .prepare('SELECT head_name AS householdName, national_id AS nationalId FROM households WHERE id = ?')
      .get(payment.householdId)
    t.same(
      { householdName: paid[0].householdName, nationalId: paid[0].nationalId },
      head,
      'each item names the household head, with the citizen ID',
    )
    t.equal(
      (
        await ta.as('auditor', {
          method: 'GET',
          url: `/v1/support-payments?status=pending_approval&householdId=${payment.householdId}`,
        })
      ).json().items.length,
      0,
    )
  },
)

test('§8 workflow: rejected with a reason; a later trigger does not create another payment', async (t) => {
  const { loan, payment } = await pendingPayment()
  const noReason = await supportAction(ta, 'managerA', payment.id, 'reject', {})
  t.equal(noReason.statusCode, 400, 'a reason is required')
  const res = await supportAction(ta, 'managerA', payment.id, 'reject', {
    reason: 'Household moved out of the commune',
  })
  t.equal(res.statusCode, 200, 'reject', { body: res.body })
  t.match(res.json(), {
    status: 'rejected',
    rejectedBy: world.userIds.managerA,
    rejectionReason: 'Household moved out of the commune',
  })
  t.same(supportJournal(app, payment.id), [], 'a pending payment had no ledger entry, a rejection posts none')
  await recordStatus(ta, loan.householdId, '2026-05-01', 'none')
  t.same(
    paymentRows(app, loan.householdId).map((r) => [r.id, r.status]),
    [[payment.id, 'rejected']],
    'still one row, rejected',
  )
  t.equal(
    (await supportAction(ta, 'managerA', payment.id, 'approve')).statusCode,
    409,
    'a rejected payment cannot be approved',
  )
  t.equal(
    (await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-06-30', reference: 'X' })).statusCode,
    409,
    'nor paid',
  )

  // Rejecting an approved payment reverses the approval's entry.
  const approved = await approvedPayment()
  expectStatus(
    await supportAction(ta, 'managerA2', approved.payment.id, 'reject', { reason: 'Duplicate household record' }),
    200,
    'reject approved',
  )
  const ledger = supportJournal(app, approved.payment.id)
  t.same(
    ledger.map((e) => e.kind),
    ['support_approved', 'support_rejected'],
  )
  t.same(ledger[1]?.lines, [
    { account: 'support_expense', debit: 0, credit: 4_000_000, fundingSource: 'local_budget' },
    { account: 'support_payable', debit: 4_000_000, credit: 0, fundingSource: 'local_budget' },
  ])
})

test(
  '§8 clawback: a revoked exit cancels a pending payment (status cancelled, row kept); a new exit ' +
    'reinstates ' +
    'it',
  async (t) => {
    const { loan, exit, payment } = await pendingPayment()
    const res = await revokeRecord(ta, loan.householdId, exit.id, 'Decision issued in error')
    t.equal(res.statusCode, 200, 'revoke the exit', { body: res.body })
    const after = await getPayment(ta, payment.id)
    t.match(
      after,
      { status: 'cancelled', cancelledOn: '2026-06-30', cancellationReason: /NO_POVERTY_EXIT/ },
      'cancelled with the reason',
    )
    t.equal(paymentRows(app, loan.householdId).length, 1, 'never a delete')
    t.same(supportJournal(app, payment.id), [], 'nothing to reverse in the ledger')
    t.equal(auditCount('support_payment.cancel', payment.id), 1)
    t.equal(
      (await supportAction(ta, 'managerA', payment.id, 'approve')).statusCode,
      409,
      'a cancelled payment cannot be approved',
    )

    const exit2 = await recordStatus(ta, loan.householdId, '2026-05-01')
    const back = await getPayment(ta, payment.id)
    t.match(
      back,
      {
        id: payment.id,
        status: 'pending_approval',
        cancelledOn: null,
        evidence: { exit: { recordId: exit2.id, decisionNo: exit2.decisionNo } },
      },
      'the same payment, pending again, on the new exit',
    )
    t.equal(paymentRows(app, loan.householdId).length, 1, 'not duplicated')
  },
)

test(
  '§8 clawback: a revoked exit cancels an approved payment and reverses the approval entry; a reversal ' +
    'cancels a pending one',
  async (t) => {
    const a = await approvedPayment()
    expectStatus(await revokeRecord(ta, a.loan.householdId, a.exit.id), 200, 'revoke')
    t.equal((await getPayment(ta, a.payment.id)).status, 'cancelled')
    const ledger = supportJournal(app, a.payment.id)
    t.same(
      ledger.map((e) => e.kind),
      ['support_approved', 'support_cancelled'],
    )
    t.same(ledger[1]?.lines, [
      { account: 'support_expense', debit: 0, credit: 4_000_000, fundingSource: 'local_budget' },
      { account: 'support_payable', debit: 4_000_000, credit: 0, fundingSource: 'local_budget' },
    ])

    const p = await pendingPayment()
    expectStatus(
      await as('officerA', {
        method: 'POST',
        url: `/v1/loans/${p.loan.loanId}/transactions/${p.loan.transactionIds[4]}/reverse`,
        payload: { reason: 'Bounced transfer' },
      }),
      201,
      'reverse instalment 5',
    )
    t.match(
      await getPayment(ta, p.payment.id),
      { status: 'cancelled', cancellationReason: /LATE_INSTALMENT/ },
      'the loan is no longer on time: cancelled',
    )
    t.equal(paymentRows(app, p.loan.householdId).length, 1)
  },
)

test('§8 a paid payment whose exit is revoked gets a recovery record', async (t) => {
  const { loan, exit, payment } = await paidPayment()
  expectStatus(await revokeRecord(ta, loan.householdId, exit.id), 200, 'revoke')
  const got = await getPayment(ta, payment.id)
  t.equal(got.status, 'paid')
  t.match(got.recovery, { amount: SUPPORT_AMOUNT, reason: /NO_POVERTY_EXIT/ })
  t.same(
    supportJournal(app, payment.id).map((e) => e.kind),
    ['support_approved', 'support_paid', 'support_recovery'],
  )
})

test('§8 an exit decision that takes effect after the business date is not an exit yet', async (t) => {
  const future = await repaidOnTime(ta)
  await recordStatus(ta, future.householdId, '2026-09-01')
  t.same(paymentRows(app, future.householdId), [], 'an exit decided for 2026-09-01 is not an exit yet on 2026-06-30')
  t.match(evaluationOf(app, future.loanId), { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' })
})

test(
  "§8 once per (household, policy): two loans under the policy give one payment; when the first loan's " +
    'payment is cancelled, the second loan still earns it',
  async (t) => {
    const l1 = await supportLoan(ta)
    const l2 = await supportLoan(ta, { householdId: l1.householdId, valueDate: '2025-01-20' })
    t.same(l2.dueDates, l1.dueDates, 'same due dates (15th of 2025-02 … 2026-01)')
    const paid1 = await repayInstalments(ta, l1)
    await repayInstalments(ta, l2)
    await recordStatus(ta, l1.householdId, '2026-03-01')
    const rows = paymentRows(app, l1.householdId)
    t.same(
      rows.map((r) => [r.loanId, r.status]),
      [[l1.loanId, 'pending_approval']],
      'one payment for the household (on the first loan)',
    )
    t.equal(
      evaluationOf(app, l2.loanId)?.outcome,
      'eligible',
      'the second loan qualifies too, but the household already has its payment',
    )

    expectStatus(
      await as('officerA', {
        method: 'POST',
        url: `/v1/loans/${l1.loanId}/transactions/${paid1.transactionIds[4]}/reverse`,
        payload: { reason: 'Bounced transfer' },
      }),
      201,
      'reverse instalment 5 of loan 1',
    )
    t.equal(
      (await getPayment(ta, rows[0]!.id)).status,
      'cancelled',
      'loan 1 is no longer on time: its payment is cancelled',
    )
    await recordStatus(ta, l1.householdId, '2026-04-01', 'none')
    const after = paymentRows(app, l1.householdId)
    t.equal(after.length, 1, 'still one row for (household, policy)')
    t.same(
      after.map((r) => [r.loanId, r.status]),
      [[l2.loanId, 'pending_approval']],
      'the payment is reinstated on loan 2, which meets the rule',
    )
  },
)

test(
  '§8 evidence: when the cited exit is revoked but an earlier exit (recorded later) still qualifies, the ' +
    'payment stays pending and cites a decision in force',
  async (t) => {
    const { loan, exit, payment } = await pendingPayment()
    const earlier = await recordStatus(ta, loan.householdId, '2025-06-01')
    expectStatus(await revokeRecord(ta, loan.householdId, exit.id), 200, 'revoke the exit the payment was created on')
    const got = await getPayment(ta, payment.id)
    t.equal(got.status, 'pending_approval', 'still eligible through the 2025-06-01 exit: not cancelled')
    t.equal(paymentRows(app, loan.householdId).length, 1)
    t.match(
      got.evidence.exit,
      { recordId: earlier.id, decisionNo: earlier.decisionNo, effectiveDate: '2025-06-01' },
      'the evidence names the exit the payment now rests on, not the revoked decision',
    )
  },
)

test('§8 workflow: two managers approving the same payment at once → one approval, one ledger entry', async (t) => {
  const { payment } = await pendingPayment()
  const both = await Promise.all([
    supportAction(ta, 'managerA', payment.id, 'approve'),
    supportAction(ta, 'managerA2', payment.id, 'approve'),
  ])
  t.same(both.map((r) => r.statusCode).sort(), [200, 409], 'one approves, the other finds it approved')
  t.same(
    supportJournal(app, payment.id).map((e) => e.kind),
    ['support_approved'],
    'one support_approved entry',
  )
  t.equal(auditCount('support_payment.approve', payment.id), 1)
})

// ————————————————————————————————————————————— daily close and report (own apps: they move the business date /
// count everything)

t.test(
  '§8/§10 the daily close: an exit taking effect creates the payment, an expiring window makes the case ' +
    'final, freed budget unblocks; re-running changes nothing',
  async (t) => {
    const own = await buildTestApp(t)
    // A: an exit decided now, effective 2026-07-02.
    const a = await repaidOnTime(own)
    await recordStatus(own, a.householdId, '2026-07-02')
    t.same(paymentRows(own.app, a.householdId), [], 'A: the exit is not in effect on 2026-06-30')
    // B: closed 2025-07-01 (the last instalment paid before its due date), no exit: the window ends 2026-07-01.
    const b = await supportLoan(own, { amount: 6_000_000, termMonths: 6, valueDate: '2025-01-10' })
    await repayInstalments(own, b, { payFirst: 5 })
    expectStatus(await repay(own, b.loanId, 1_000_000, '2025-07-01'), 201, 'B: the last instalment, early')
    t.equal((await own.as('officerA', { method: 'GET', url: `/v1/loans/${b.loanId}` })).json().closedOn, '2025-07-01')
    t.match(
      evaluationOf(own.app, b.loanId),
      { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' },
      'B: window open until 2026-07-01',
    )
    // C: budget for one payment, two eligible households; the first payment is rejected, which frees the budget.
    const code = await createSupportPolicy(own, { budget: 4_000_000 })
    const c1 = await repaidOnTime(own, { localPolicyCode: code })
    const c2 = await repaidOnTime(own, { localPolicyCode: code })
    await recordStatus(own, c1.householdId, '2026-03-01')
    await recordStatus(own, c2.householdId, '2026-03-01')
    const [c1Payment] = paymentRows(own.app, c1.householdId, code)
    t.same(paymentRows(own.app, c2.householdId, code), [], 'C: the second household is blocked')
    t.match(evaluationOf(own.app, c2.loanId), { outcome: 'not_yet', reason: 'BUDGET_EXHAUSTED' })
    expectStatus(
      await supportAction(own, 'managerA', c1Payment!.id, 'reject', { reason: 'Not a resident' }),
      200,
      'C: reject the first',
    )
    // D: a pending payment cancelled by a revoked exit, then a new exit decided for 2026-07-02.
    const d = await repaidOnTime(own)
    const dExit = await recordStatus(own, d.householdId, '2026-03-01')
    const [dPayment] = paymentRows(own.app, d.householdId)
    expectStatus(await revokeRecord(own, d.householdId, dExit.id), 200, 'D: revoke')
    await recordStatus(own, d.householdId, '2026-07-02')
    t.equal((await getPayment(own, dPayment!.id)).status, 'cancelled', 'D: cancelled until the new exit takes effect')

    const close1 = await own.as('admin', {
      method: 'POST',
      url: '/v1/close-of-business',
      payload: { date: '2026-07-02' },
    })
    t.equal(close1.statusCode, 200, 'close to 2026-07-02', { body: close1.body })
    const aRows = paymentRows(own.app, a.householdId)
    t.equal(aRows.length, 1, 'A: the close created the payment once the exit took effect')
    t.match(aRows[0] && (await getPayment(own, aRows[0].id)), { status: 'pending_approval', createdOn: '2026-07-02' })
    t.match(
      evaluationOf(own.app, b.loanId),
      { outcome: 'ineligible', reason: 'NO_POVERTY_EXIT', evaluatedOn: '2026-07-02' },
      'B: the window passed with no exit: final',
    )
    t.same(paymentRows(own.app, b.householdId), [])
    t.same(
      paymentRows(own.app, c2.householdId, code).map((r) => r.status),
      ['pending_approval'],
      'C: the blocked household gets its payment once budget is free',
    )
    t.equal(
      (await getPayment(own, dPayment!.id)).status,
      'pending_approval',
      'D: the cancelled payment is reinstated when the new exit takes effect',
    )

    const before = rowCounts(own.app)
    const close2 = await own.as('admin', {
      method: 'POST',
      url: '/v1/close-of-business',
      payload: { date: '2026-07-02' },
    })
    t.equal(close2.statusCode, 200)
    t.same(rowCounts(own.app), before, 're-running the close for the same date writes nothing')
    assertLedgerMatchesLoans(t, own.app)
  },
)

t.test(
  'report GET /v1/reports/support-payments: counts and sums by state, by branch, budget; the CSV parses ' +
    'back to the same numbers',
  async (t) => {
    const own = await buildTestApp(t)
    const make = async () => {
      const loan = await repaidOnTime(own)
      await recordStatus(own, loan.householdId, '2026-03-01')
      return (await paymentsOf(own, loan.householdId))[0]!
    }
    const [pending, approved, paid, rejected] = [
      await make(),
      await make(),
      await make(),
      await make(),
    ] as SupportPaymentView[]
    expectStatus(await supportAction(own, 'managerA', approved!.id, 'approve'), 200, 'approve')
    expectStatus(await supportAction(own, 'managerA', paid!.id, 'approve'), 200, 'approve')
    expectStatus(
      await supportAction(own, 'finance', paid!.id, 'pay', { paidOn: '2026-06-30', reference: 'VCB-R' }),
      200,
      'pay',
    )
    expectStatus(await supportAction(own, 'managerA', rejected!.id, 'reject', { reason: 'No' }), 200, 'reject')
    t.ok(pending)

    const res = await supportReport(t, own)
    if (res) {
      const body = res.json() as {
        byStatus: { status: string; count: number; amount: number }[]
        byBranch: Record<string, unknown>[]
        budgets: Record<string, unknown>[]
        totals: { count: number; amount: number }
      }
      t.same(
        body.byStatus,
        [
          { status: 'approved', count: 1, amount: 4_000_000 },
          { status: 'paid', count: 1, amount: 4_000_000 },
          { status: 'pending_approval', count: 1, amount: 4_000_000 },
          { status: 'rejected', count: 1, amount: 4_000_000 },
        ],
        'by state',
      )
      t.same(body.totals, { count: 4, amount: 16_000_000, recoveredCount: 0, recoveredAmount: 0 })
      t.ok(
        body.byBranch.every((b) => b.branchId === own.world.branchA),
        'all in branch A',
      )
      t.equal(
        body.byBranch.reduce((a, b) => a + (b.count as number), 0),
        4,
      )
      t.match(
        body.budgets.find((b) => b.localPolicyCode === DANANG),
        {
          budget: 2_000_000_000,
          used: 8_000_000,
          reserved: 4_000_000,
          remaining: 1_988_000_000,
          recoveries: 0,
          blocked: 0,
        },
      )

      const csv = await supportReport(t, own, 'text/csv')
      if (csv) {
        t.match(csv.headers['content-type'], /text\/csv/)
        const rows = parseCsv(csv.body).filter((r) => r.some((c) => c !== ''))
        const header = rows[0]!.map(csvKey)
        const records = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
        t.same(
          header,
          ['branchId', 'branchCode', 'status', 'count', 'amount', 'recoveredCount', 'recoveredAmount'],
          'CSV header',
        )
        t.same(
          records.map((r) => ({
            branchId: Number(r.branchId),
            branchCode: r.branchCode,
            status: r.status,
            count: Number(r.count),
            amount: Number(r.amount),
            recoveredCount: Number(r.recoveredCount),
            recoveredAmount: Number(r.recoveredAmount),
          })),
          body.byBranch,
          'CSV rows (one per branch and state) = the JSON byBranch',
        )
        // Summed over branches, the CSV gives back the JSON counts and sums by state and the totals.
        const byStatus = new Map<string, { count: number; amount: number }>()
        for (const r of records) {
          const acc = byStatus.get(r.status!) ?? { count: 0, amount: 0 }
          byStatus.set(r.status!, { count: acc.count + Number(r.count), amount: acc.amount + Number(r.amount) })
        }
        t.same(
          [...byStatus].map(([status, v]) => ({ status, ...v })).sort((x, y) => x.status.localeCompare(y.status)),
          body.byStatus,
          'CSV → by state',
        )
        t.same(
          {
            count: records.reduce((a, r) => a + Number(r.count), 0),
            amount: records.reduce((a, r) => a + Number(r.amount), 0),
            recoveredCount: records.reduce((a, r) => a + Number(r.recoveredCount), 0),
            recoveredAmount: records.reduce((a, r) => a + Number(r.recoveredAmount), 0),
          },
          body.totals,
          'CSV → totals',
        )
      }
    }
    const auditorList = await own.as('auditor', { method: 'GET', url: '/v1/support-payments?limit=100' })
    t.equal(auditorList.json().items.length, 4, 'the list agrees: four payments')
  },
)
