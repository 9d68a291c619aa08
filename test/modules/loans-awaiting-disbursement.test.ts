/**
 * The disbursement desk's list: GET /v1/loans?awaitingDisbursement=true gives approved loans not yet
 * disbursed and active loans with a tranche still to come; never a fully disbursed, cancelled or
 * closed one. `false` gives exactly the others. Scope as every loan list.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { approvedLoan, disbursedLoan, expectStatus } from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { as } = ta

const approved = await approvedLoan(ta, { amount: 10_000_000 })
const partly = await disbursedLoan(ta, { amount: 20_000_000, disbursedAmount: 5_000_000 })
const fully = await disbursedLoan(ta, { amount: 8_000_000 })
const cancelled = await approvedLoan(ta, { amount: 6_000_000 })
expectStatus(
  await as('managerA', {
    method: 'POST',
    url: `/v1/loans/${cancelled.loanId}/cancel`,
    payload: { reason: 'the household no longer needs it' },
  }),
  200,
  'cancel',
)
const elsewhere = await approvedLoan(ta, { amount: 7_000_000, group: 'groupB' })

const ids = async (who: 'officerA' | 'officerB' | 'finance', query: string) =>
  ((await as(who, { method: 'GET', url: `/v1/loans?${query}&limit=500` })).json().items as { id: number }[]).map(
    (l) => l.id,
  )

t.test(
  'when the desk asks for loans awaiting disbursement, then it gets the approved and the partly disbursed ' +
    'ones, and no other',
  async (t) => {
    t.same(await ids('officerA', 'awaitingDisbursement=true'), [approved.loanId, partly.loanId])
  },
)

t.test('when it asks for the others, then the two lists split the whole list', async (t) => {
  const others = await ids('officerA', 'awaitingDisbursement=false')
  t.same(others, [fully.loanId, cancelled.loanId])
  const all = await ids('officerA', 'status=approved')
  t.ok(all.includes(approved.loanId) && !all.includes(cancelled.loanId), 'status filter still works')
})

t.test(
  'when another branch asks, then it sees only its own loans awaiting disbursement; finance sees all',
  async (t) => {
    t.same(await ids('officerB', 'awaitingDisbursement=true'), [elsewhere.loanId])
    t.same(await ids('finance', 'awaitingDisbursement=true'), [approved.loanId, partly.loanId, elsewhere.loanId])
  },
)

t.test('when the value is not a boolean, then 400 VALIDATION_ERROR names it', async (t) => {
  const res = await as('officerA', { method: 'GET', url: '/v1/loans?awaitingDisbursement=maybe' })
  t.equal(res.statusCode, 400)
  t.match(res.json().errors[0].field, /awaitingDisbursement/)
})
