/**
 * Inspection after disbursement (docs/rules.md §16): who records it, when, what it holds, and that it is a record.
 * The loan: POOR, 12,000,000 VND over 12 months, group A (partner A, branch A), disbursed 2026-05-10; the business
 * date of the test app is 2026-06-30.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { approvedLoanOf, OVERDUE_LOAN, overdueLoan } from '../helpers/loan-controls.js'
import type { KeyName } from '../helpers/app.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const LOAN = { ...OVERDUE_LOAN, valueDate: '2026-05-10' }
const record = (who: KeyName, body: Record<string, unknown>) =>
  as(who, { method: 'POST', url: '/v1/inspections', payload: body })
const inspectionBody = (loanId: number, over: Record<string, unknown> = {}) => ({
  loanId,
  inspectedOn: '2026-06-20',
  finding: 'as_intended',
  evidence: 'Đã mua 2 con bò giống, có hóa đơn; chuồng trại mới làm',
  ...over,
})
const count = () => (app.sqlite.prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n

t.test('an inspection records the date, inspector, finding, evidence and the outcomes counted', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const res = await record(
    'officerA',
    inspectionBody(loanId, {
      inspector: 'Lê Văn Kiểm, Hội Phụ nữ xã',
      outcomes: { animalsBought: 2, jobsCreated: 1 },
    }),
  )
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.match(body, {
    loanId,
    branchId: world.branchA,
    partnerId: world.partnerA,
    inspectedOn: '2026-06-20',
    inspector: 'Lê Văn Kiểm, Hội Phụ nữ xã',
    finding: 'as_intended',
    recordedBy: world.userIds.officerA,
    recordedOn: '2026-06-30',
  })
  t.same(
    body.outcomes,
    {
      jobsCreated: 1,
      housesBuilt: 0,
      waterWorks: 0,
      sanitationWorks: 0,
      animalsBought: 2,
      studentsSupported: 0,
    },
    'every outcome kind, 0 when not counted',
  )
  const got = await as('auditor', { method: 'GET', url: `/v1/inspections/${body.id}` })
  t.same(got.json(), body, 'GET /v1/inspections/{id} answers the same record')
})

t.test('the inspector defaults to the user who records the inspection', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const res = expectStatus(await record('managerA', inspectionBody(loanId)), 201, 'record')
  t.equal(res.json().inspector, 'Manager A')
})

t.test("inspections are joint: the loan's partner officer may record one, other scopes may not", async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  t.equal((await record('partnerA', inspectionBody(loanId))).statusCode, 201, 'partner officer of the loan')
  const before = count()
  assertRejected(t, await record('partnerB', inspectionBody(loanId)), 404, 'NOT_FOUND')
  assertRejected(t, await record('officerB', inspectionBody(loanId)), 404, 'NOT_FOUND')
  assertRejected(t, await record('finance', inspectionBody(loanId)), 403, 'FORBIDDEN')
  t.equal(count(), before, 'nothing recorded')
})

t.test(
  'an inspection follows disbursement: not before it, not in the future, not on an undisbursed loan',
  async (t) => {
    const { loanId } = await overdueLoan(ta, LOAN)
    const before = count()
    const early = assertRejected(
      t,
      await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-05-09' })),
      422,
      'DATE_ORDER',
    )
    t.match(early.detail, /2026-05-10/)
    assertRejected(
      t,
      await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-07-01' })),
      422,
      'DATE_IN_FUTURE',
    )
    t.equal(
      (await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-05-10' }))).statusCode,
      201,
      'on the day',
    )
    const approved = await approvedLoanOf(ta)
    assertRejected(t, await record('officerA', inspectionBody(approved.loanId)), 422, 'NOT_DISBURSED')
    t.equal(count(), before + 1)
  },
)

t.test('outcomes are whole numbers ≥ 0 of the known kinds; unknown fields are refused by name', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const before = count()
  assertRejected(
    t,
    await record('officerA', inspectionBody(loanId, { outcomes: { jobsCreated: -1 } })),
    400,
    'VALIDATION_ERROR',
    'body.outcomes.jobsCreated',
  )
  assertRejected(
    t,
    await record('officerA', inspectionBody(loanId, { outcomes: { jobsCreated: 1.5 } })),
    400,
    'VALIDATION_ERROR',
    'body.outcomes.jobsCreated',
  )
  assertRejected(
    t,
    await record('officerA', inspectionBody(loanId, { outcomes: { cows: 2 } })),
    400,
    'VALIDATION_ERROR',
    'body.outcomes.cows',
  )
  assertRejected(
    t,
    await record('officerA', inspectionBody(loanId, { finding: 'fine' })),
    400,
    'VALIDATION_ERROR',
    'body.finding',
  )
  t.equal(count(), before)
})

t.test('inspections are records: never changed or deleted; a correction is a new inspection', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  const first = expectStatus(await record('officerA', inspectionBody(loanId, { finding: 'misused' })), 201, 'first')
  t.throws(
    () => app.sqlite.prepare("UPDATE inspections SET finding = 'as_intended' WHERE id = ?").run(first.json().id),
    {
      message: /APPEND_ONLY/,
    },
  )
  t.throws(() => app.sqlite.prepare('DELETE FROM inspections WHERE id = ?').run(first.json().id), {
    message: /APPEND_ONLY/,
  })
  t.throws(() => app.sqlite.prepare('DELETE FROM inspection_outcomes').run(), { message: /APPEND_ONLY/ })
  expectStatus(
    await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-06-25', finding: 'partly' })),
    201,
    'correction',
  )
  const list = (await as('officerA', { method: 'GET', url: `/v1/inspections?loanId=${loanId}` })).json()
  t.same(
    list.items.map((i: { finding: string }) => i.finding),
    ['misused', 'partly'],
    'both stay, in order',
  )
})

t.test('the list filters by loan, finding and date range, within the caller’s scope', async (t) => {
  const { loanId } = await overdueLoan(ta, LOAN)
  await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-05-20', finding: 'partly' }))
  await record('officerA', inspectionBody(loanId, { inspectedOn: '2026-06-20', finding: 'misused' }))
  const get = async (who: KeyName, q: string) =>
    (await as(who, { method: 'GET', url: `/v1/inspections?loanId=${loanId}${q}` })).json().items as {
      inspectedOn: string
    }[]
  t.same(
    (await get('officerA', '&finding=misused')).map((i) => i.inspectedOn),
    ['2026-06-20'],
  )
  t.same(
    (await get('officerA', '&from=2026-05-01&to=2026-05-31')).map((i) => i.inspectedOn),
    ['2026-05-20'],
  )
  t.equal((await get('partnerA', '')).length, 2, "the loan's partner officer sees them")
  t.equal((await get('officerB', '')).length, 0, 'another branch sees none')
  t.equal((await get('partnerB', '')).length, 0, 'another partner sees none')
  t.equal((await get('finance', '')).length, 2, 'finance reads all')
  assertRejected(
    t,
    await as('officerA', { method: 'GET', url: '/v1/inspections?from=2026-06-01&to=2026-05-01' }),
    400,
    'VALIDATION_ERROR',
    'querystring.from',
  )
  const one = (await as('officerA', { method: 'GET', url: `/v1/inspections?loanId=${loanId}` })).json().items[0]
  assertRejected(t, await as('officerB', { method: 'GET', url: `/v1/inspections/${one.id}` }), 404, 'NOT_FOUND')
})
