/**
 * Recall of a loan whose capital was misused (docs/rules.md §16): proposal on a misuse finding, approval by a
 * second person, and what the loan then owes.
 *
 * The loan: POOR 5,500 ppm a month, overdue 130 %, 12,000,000 VND in 12 × 1,000,000, session day 15, disbursed
 * 2026-05-10 (first instalment due 2026-06-15); inspected 2026-05-20 (misused); the business date is 2026-06-30.
 * Recalled on 2026-06-01:
 *   interest (05-10, 06-01] = 22 days × 12,000,000 × 5,500 / 30,000,000 = 22 × 2,200 = 48,400
 *   due on 06-01: 12,000,000 + 48,400 = 12,048,400
 * Unpaid, on 2026-06-30: penalty (06-01, 06-30] = 29 days × 2,200 × 130 % = 29 × 2,860 = 82,940
 *   overdue interest 48,400 + 82,940 = 131,340; payoff 12,131,340.
 */
import t from 'tap'
import { buildTestApp, type KeyName } from '../helpers/app.js'
import { expectStatus, paid, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { OVERDUE_LOAN, overdueLoan } from '../helpers/loan-controls.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const LOAN = { ...OVERDUE_LOAN, valueDate: '2026-05-10' }

const inspect = async (loanId: number, finding: string, inspectedOn = '2026-05-20') =>
  expectStatus(
    await as('officerA', {
      method: 'POST',
      url: '/v1/inspections',
      payload: { loanId, inspectedOn, finding, evidence: 'Vốn vay dùng để mua xe máy cho con, không chăn nuôi' },
    }),
    201,
    'inspection',
  ).json().id as number
const propose = (who: KeyName, loanId: number, inspectionId: number) =>
  as(who, {
    method: 'POST',
    url: `/v1/loans/${loanId}/recall`,
    payload: { inspectionId, reason: 'Sử dụng vốn sai mục đích theo biên bản kiểm tra' },
  })
const approve = (who: KeyName, loanId: number, body: Record<string, unknown>, key: string | null = unique('recall')) =>
  as(who, {
    method: 'POST',
    url: `/v1/loans/${loanId}/recall/approve`,
    headers: key === null ? {} : { 'idempotency-key': key },
    payload: body,
  })
const loanOf = async (loanId: number) => (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()

/** A loan with a misuse finding and a pending recall proposal by the branch officer. */
async function proposed() {
  const { loanId } = await overdueLoan(ta, LOAN)
  const inspectionId = await inspect(loanId, 'misused')
  expectStatus(await propose('officerA', loanId, inspectionId), 201, 'propose')
  return { loanId, inspectionId }
}

/** A loan recalled on 2026-06-01 (proposed by the officer, approved by manager A). */
async function recalled() {
  const p = await proposed()
  const res = expectStatus(
    await approve('managerA', p.loanId, { decisionNo: 'QĐ-TH-01', valueDate: '2026-06-01' }),
    200,
    'approve',
  )
  return { ...p, transactionId: res.json().transactionId as number }
}

t.test(
  'a recall is proposed on the loan’s latest inspection with a misuse finding; the loan is unchanged',
  async (t) => {
    const { loanId } = await overdueLoan(ta, LOAN)
    const inspectionId = await inspect(loanId, 'misused')
    const res = await propose('officerA', loanId, inspectionId)
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), {
      loanId,
      branchId: world.branchA,
      inspectionId,
      status: 'pending_approval',
      proposedBy: world.userIds.officerA,
      proposedOn: '2026-06-30',
      decisionNo: null,
      valueDate: null,
      loanTransactionId: null,
    })
    t.match(await loanOf(loanId), { classification: 'overdue', recalledOn: null })
    assertRejected(t, await propose('managerA', loanId, inspectionId), 409, 'DUPLICATE')
    const list = (await as('auditor', { method: 'GET', url: `/v1/loans/${loanId}/recall-proposals` })).json()
    t.equal(list.items.length, 1)
  },
)

t.test('a recall needs a misuse finding that no later inspection superseded, on this loan', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const partly = await inspect(loanId, 'partly')
  const refused = assertRejected(t, await propose('officerA', loanId, partly), 422, 'RECALL_NOT_ALLOWED')
  t.equal(refused.reason, 'FINDING_NOT_MISUSE')
  const misused = await inspect(loanId, 'misused', '2026-05-25')
  await inspect(loanId, 'as_intended', '2026-06-10') // corrected afterwards
  const superseded = assertRejected(t, await propose('officerA', loanId, misused), 422, 'RECALL_NOT_ALLOWED')
  t.equal(superseded.reason, 'SUPERSEDED')
  const other = await overdueLoan(ta, LOAN)
  assertRejected(t, await propose('officerA', other.loanId, misused), 422, 'REFERENCE_NOT_FOUND')
  assertRejected(t, await propose('partnerA', loanId, misused), 403, 'FORBIDDEN')
  assertRejected(t, await propose('officerB', loanId, misused), 404, 'NOT_FOUND')
  const n = app.sqlite.prepare('SELECT COUNT(*) AS n FROM recall_proposals WHERE loan_id = ?').get(loanId) as {
    n: number
  }
  t.equal(n.n, 0, 'no proposal recorded')
})

t.test('four eyes: the proposer cannot approve; approval needs an Idempotency-Key', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const inspectionId = await inspect(loanId, 'misused')
  expectStatus(await propose('managerA', loanId, inspectionId), 201, 'propose')
  assertRejected(t, await approve('managerA', loanId, { decisionNo: 'QĐ-1' }), 403, 'FOUR_EYES')
  assertRejected(t, await approve('managerA2', loanId, { decisionNo: 'QĐ-1' }, null), 400, 'IDEMPOTENCY_KEY_REQUIRED')
  assertRejected(t, await approve('officerA', loanId, { decisionNo: 'QĐ-1' }), 403, 'FORBIDDEN')
  assertRejected(t, await approve('managerB', loanId, { decisionNo: 'QĐ-1' }), 404, 'NOT_FOUND')
  t.match(await loanOf(loanId), { classification: 'overdue', recalledOn: null })
})

t.test('on approval the whole principal and the interest accrued to the value date fall due on it', async (t) => {
  const { loanId, inspectionId } = await proposed()
  const res = await approve('managerA2', loanId, { decisionNo: 'QĐ-TH-07', valueDate: '2026-06-01' })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.same(body.due, { principal: 12_000_000, total: 12_048_400 })
  t.match(body.proposal, {
    status: 'approved',
    decisionNo: 'QĐ-TH-07',
    valueDate: '2026-06-01',
    decidedBy: world.userIds.managerA2,
    loanTransactionId: body.transactionId,
    inspectionId,
  })
  // Unpaid on the business date 2026-06-30: overdue since 06-02 with 29 days of penalty.
  t.match(body.loan, {
    classification: 'recalled',
    recalledOn: '2026-06-01',
    overduePrincipal: 12_000_000,
    overdueInterest: 131_340,
    interestDue: 0,
    payoffAmount: 12_131_340,
    nextDueDate: null,
  })
  t.match(await loanOf(loanId), { classification: 'recalled', payoffAmount: 12_131_340 })
  const schedule = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule` })).json()
  t.ok(
    schedule.instalments.every(
      (i: { effectiveDueDate: string; recalled: boolean; status: string }) =>
        i.effectiveDueDate === '2026-06-01' && i.recalled && i.status === 'overdue',
    ),
    'every instalment due on the recall date, overdue since',
  )
  t.equal(schedule.instalments[0].interest, 48_400, 'the interest accrued to the recall, on the current instalment')
  const tx = app.sqlite
    .prepare('SELECT kind, value_date AS valueDate, amount, reference FROM loan_transactions WHERE id = ?')
    .get(body.transactionId)
  t.same(tx, { kind: 'recall', valueDate: '2026-06-01', amount: 0, reference: 'QĐ-TH-07' })
  const row = app.sqlite.prepare('SELECT classification FROM loans WHERE id = ?').get(loanId) as {
    classification: string
  }
  t.equal(row.classification, 'recalled', 'the projection (lists, reports) shows it')
})

t.test(
  'after a recall nothing may push the debt back: extension, freeze and a second recall are refused',
  async (t) => {
    const { loanId, inspectionId } = await recalled()
    const ext = await as('managerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/extensions`,
      payload: { decisionNo: 'QĐ-GH', cause: 'Thiên tai', instalmentNumber: 12, newDueDate: '2027-06-15' },
    })
    assertRejected(t, ext, 422, 'LOAN_RECALLED')
    const frz = await as('managerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/freeze`,
      payload: { decisionNo: 'QĐ-KN', cause: 'Thiên tai', untilDate: '2027-01-01' },
    })
    assertRejected(t, frz, 422, 'LOAN_RECALLED')
    assertRejected(t, await propose('officerA', loanId, inspectionId), 422, 'LOAN_RECALLED')
  },
)

t.test('paying what a recalled loan owes closes it', async (t) => {
  const { loanId } = await recalled()
  const body = await paid(t, ta, loanId, 12_131_340, '2026-06-30')
  t.same(body.allocation, {
    overdueInterest: 131_340,
    overduePrincipal: 12_000_000,
    interest: 0,
    principal: 0,
    prepaid: 0,
  })
  t.match(await loanOf(loanId), { status: 'closed', classification: 'closed', closedOn: '2026-06-30' })
})

t.test('the value date is on or after the inspection and the latest transaction, not in the future', async (t) => {
  const { loanId } = await proposed()
  assertRejected(t, await approve('managerA2', loanId, { decisionNo: 'Q', valueDate: '2026-05-19' }), 422, 'DATE_ORDER')
  assertRejected(
    t,
    await approve('managerA2', loanId, { decisionNo: 'Q', valueDate: '2026-07-01' }),
    422,
    'DATE_IN_FUTURE',
  )
  await paid(t, ta, loanId, 100_000, '2026-06-10')
  const late = assertRejected(
    t,
    await approve('managerA2', loanId, { decisionNo: 'Q', valueDate: '2026-06-05' }),
    422,
    'DATE_ORDER',
  )
  t.match(late.detail, /2026-06-10/)
  t.equal((await approve('managerA2', loanId, { decisionNo: 'Q' })).statusCode, 200, 'default: the business date')
  t.equal((await loanOf(loanId)).recalledOn, '2026-06-30')
})

t.test('a rejected proposal leaves the loan as it was; a new one may follow', async (t) => {
  const { loanId, inspectionId } = await proposed()
  const res = await as('managerA2', {
    method: 'POST',
    url: `/v1/loans/${loanId}/recall/reject`,
    payload: { reason: 'Hộ đã khắc phục, cần kiểm tra lại' },
  })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), { status: 'rejected', rejectionReason: 'Hộ đã khắc phục, cần kiểm tra lại' })
  t.match(await loanOf(loanId), { classification: 'overdue', recalledOn: null })
  t.equal((await propose('officerA', loanId, inspectionId)).statusCode, 201)
  assertRejected(
    t,
    await as('managerA2', { method: 'POST', url: `/v1/loans/999999/recall/reject`, payload: { reason: 'x' } }),
    404,
    'NOT_FOUND',
  )
})

t.test('a recall is a loan transaction: reversing it (decision annulled) restores the schedule', async (t) => {
  const { loanId, transactionId } = await recalled()
  const res = await as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/transactions/${transactionId}/reverse`,
    headers: { 'idempotency-key': unique('rev') },
    payload: { reason: 'Quyết định thu hồi bị hủy' },
  })
  t.equal(res.statusCode, 201, res.body)
  const loan = await loanOf(loanId)
  t.equal(loan.recalledOn, null)
  t.equal(loan.nextDueDate, '2026-07-15', 'instalment 1 was due 06-15 and is overdue again; the next is 07-15')
  t.equal(loan.overduePrincipal, 1_000_000)
})

t.test("the approvers' queue lists pending recall proposals within the caller's scope", async (t) => {
  const { loanId } = await proposed()
  const queue = async (who: KeyName) =>
    (await as(who, { method: 'GET', url: '/v1/recall-proposals?status=pending_approval&limit=500' })).json().items as {
      loanId: number
      status: string
    }[]
  const mine = await queue('managerA2')
  t.ok(
    mine.some((p) => p.loanId === loanId),
    'the pending proposal is in branch A’s queue',
  )
  t.ok(mine.every((p) => p.status === 'pending_approval'))
  t.notOk(
    (await queue('managerB')).some((p) => p.loanId === loanId),
    'not in branch B’s',
  )
  t.notOk(
    (await queue('partnerA2')).some((p) => p.loanId === loanId),
    'nor another partner’s',
  )
  const one = (await as('auditor', { method: 'GET', url: `/v1/recall-proposals?loanId=${loanId}` })).json()
  t.equal(one.items.length, 1)
})
