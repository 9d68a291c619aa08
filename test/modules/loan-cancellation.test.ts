/**
 * Cancellation of an approved loan that was never disbursed: reason, audit, and the
 * household may apply again in the programme (before, DUPLICATE_ACTIVE_LOAN blocked it forever).
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { act, applicationBody, certifyBody, disburse, submit, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { approvedLoanOf, disbursedLoanOf } from '../helpers/loan-controls.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const cancel = (
  who: Parameters<typeof as>[0],
  loanId: number,
  payload: object = { reason: 'Hộ vay không còn nhu cầu' },
  key?: string,
) =>
  as(who, {
    method: 'POST',
    url: `/v1/loans/${loanId}/cancel`,
    payload,
    headers: key ? { 'idempotency-key': key } : {},
  })
const loanOf = async (loanId: number) => (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()

t.test(
  'when a branch manager cancels an approved loan never disbursed, then it is cancelled with the reason, ' +
    'audited, and listed as cancelled',
  async (t) => {
    const { loanId } = await approvedLoanOf(ta)
    const journal = rowCounts(app).journal_entries
    const res = await cancel('managerA', loanId, { reason: 'Hộ vay không còn nhu cầu' })
    t.equal(res.statusCode, 200, res.body)
    t.match(res.json(), {
      id: loanId,
      status: 'cancelled',
      classification: 'cancelled',
      disbursedAmount: 0,
      outstandingPrincipal: 0,
      nextDueDate: null,
      cancellation: {
        cancelledOn: '2026-06-30',
        reason: 'Hộ vay không còn nhu cầu',
        cancelledBy: world.userIds.managerA,
      },
    })
    t.match(await loanOf(loanId), {
      status: 'cancelled',
      classification: 'cancelled',
      cancellation: { reason: 'Hộ vay không còn nhu cầu' },
    })
    const listed = (await as('officerA', { method: 'GET', url: '/v1/loans?status=cancelled' })).json().items
    t.ok(
      listed.some((l: { id: number; classification: string }) => l.id === loanId && l.classification === 'cancelled'),
      'the projection says cancelled',
    )
    t.notOk(
      (await as('officerA', { method: 'GET', url: '/v1/loans?status=approved' }))
        .json()
        .items.some((l: { id: number }) => l.id === loanId),
      'no longer approved',
    )
    t.equal(rowCounts(app).journal_entries, journal, 'no money moved: no journal entry')
    const entries = (await as('auditor', { method: 'GET', url: `/v1/audit?entity=loan&id=${loanId}&limit=100` })).json()
      .items
    t.match(
      entries.find((e: { action: string }) => e.action === 'loan.cancel'),
      {
        userId: world.userIds.managerA,
        before: { state: 'approved' },
        after: { state: 'cancelled', reason: 'Hộ vay không còn nhu cầu' },
      },
    )
  },
)

t.test('when the approved loan is cancelled, then the household can apply again in that programme', async (t) => {
  const { loanId, householdId } = await approvedLoanOf(ta)
  const blocked = await submit(ta, 'partnerA', applicationBody(householdId, { applicationDate: '2026-06-20' }))
  assertRejected(t, blocked, 422, 'DUPLICATE_ACTIVE_LOAN')
  t.equal((await cancel('managerA', loanId)).statusCode, 200)
  const again = await submit(ta, 'partnerA', applicationBody(householdId, { applicationDate: '2026-06-20' }))
  t.equal(again.statusCode, 201, again.body)
  // …and it can go all the way to a new loan.
  const id = again.json().id as number
  t.equal((await act(ta, 'officerA', id, 'certify', certifyBody('2026-06-21'))).statusCode, 200)
  const approved = await act(ta, 'managerA', id, 'approve', { approvedOn: '2026-06-22' })
  t.equal(approved.statusCode, 200, approved.body)
  t.not(approved.json().loanId, loanId, 'a new loan')
})

t.test(
  'when the loan was disbursed (active), is already cancelled, or is closed, then 409 INVALID_STATE and ' +
    'nothing is written',
  async (t) => {
    const active = await disbursedLoanOf(ta)
    const { loanId } = await approvedLoanOf(ta)
    t.equal((await cancel('managerA', loanId)).statusCode, 200)
    const before = rowCounts(app)
    assertRejected(t, await cancel('managerA', active.loanId), 409, 'INVALID_STATE')
    assertRejected(t, await cancel('managerA', loanId), 409, 'INVALID_STATE')
    t.same(rowCounts(app), before, 'nothing written')
    t.match(await loanOf(active.loanId), { status: 'active' })
  },
)

t.test('when a loan is cancelled, then it can be neither disbursed nor repaid, and nothing is written', async (t) => {
  const { loanId } = await approvedLoanOf(ta)
  t.equal((await cancel('managerA', loanId)).statusCode, 200)
  const before = rowCounts(app)
  assertRejected(t, await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-30' }), 409, 'INVALID_STATE')
  const pay = await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    headers: { 'idempotency-key': unique('pay') },
    payload: { amount: 1_000, valueDate: '2026-06-30' },
  })
  assertRejected(t, pay, 409, 'INVALID_STATE')
  t.same(rowCounts(app), before, 'nothing written')
})

t.test(
  'when the only disbursement was reversed in full, then the loan counts as never disbursed and can be cancelled',
  async (t) => {
    const { loanId, transactionId } = await disbursedLoanOf(ta)
    const undo = await as('managerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/transactions/${transactionId}/reverse`,
      payload: { reason: 'Giải ngân nhầm hộ' },
    })
    t.equal(undo.statusCode, 201, undo.body)
    t.match(await loanOf(loanId), { status: 'approved' })
    const res = await cancel('managerA', loanId)
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().status, 'cancelled')
    t.same(verifyInvariants(app.sqlite).failures, [], 'the verifier accepts it (receivable 0, no live event)')
  },
)

t.test(
  'when someone other than a manager of the branch or an admin cancels, or gives no reason, then it is ' +
    'refused and nothing is written',
  async (t) => {
    const { loanId } = await approvedLoanOf(ta)
    const before = rowCounts(app)
    for (const who of ['officerA', 'partnerA', 'finance', 'auditor'] as const) {
      t.equal((await cancel(who, loanId)).statusCode, 403, `${who} → 403`)
    }
    assertRejected(t, await cancel('managerB', loanId), 404, 'NOT_FOUND')
    assertRejected(t, await cancel('managerA', loanId, {}), 400, 'VALIDATION_ERROR')
    assertRejected(t, await cancel('managerA', loanId, { reason: '' }), 400, 'VALIDATION_ERROR')
    assertRejected(t, await cancel('managerA', loanId, { reason: 'x', extra: 1 }), 400, 'VALIDATION_ERROR')
    t.same(rowCounts(app), before, 'nothing written')
    t.equal((await cancel('admin', loanId)).statusCode, 200, 'an admin may cancel')
  },
)

t.test('when a cancellation is sent again with its Idempotency-Key, then the first answer is replayed', async (t) => {
  const { loanId } = await approvedLoanOf(ta)
  const key = unique('cancel')
  const first = await cancel('managerA', loanId, { reason: 'Trùng hồ sơ' }, key)
  t.equal(first.statusCode, 200)
  const before = rowCounts(app)
  const again = await cancel('managerA', loanId, { reason: 'Trùng hồ sơ' }, key)
  t.equal(again.statusCode, 200)
  t.equal(again.headers['idempotency-replayed'], 'true')
  t.equal(again.body, first.body)
  t.same(rowCounts(app), before, 'nothing written again')
})

t.test('when loans are cancelled, then the portfolio report ignores them like closed loans', async (t) => {
  const report = async () =>
    (await as('admin', { method: 'GET', url: '/v1/reports/portfolio?groupBy=programme' })).json()
  const { loanId } = await approvedLoanOf(ta)
  const before = await report()
  t.equal((await cancel('managerA', loanId)).statusCode, 200)
  t.same(await report(), before, 'the report does not change')
})
