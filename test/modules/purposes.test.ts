/**
 * Loan purposes (docs/rules.md §15): each programme's list, read by every role and kept by the admin; an
 * application may name one of its programme's active purposes (purposeCode), which approval copies to the
 * loan; a programme may require one.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { act, applicationBody, certifyBody, householdWithStatus, submit } from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { app, as } = ta

const codesOf = (items: { code: string }[]) => items.map((p) => p.code)

t.test('every role reads the seeded purposes of a programme, in code order', async (t) => {
  const poor = await as('partnerA', { method: 'GET', url: '/v1/purposes?programmeCode=POOR' })
  t.equal(poor.statusCode, 200)
  t.same(codesOf(poor.json().items), ['clean_water', 'crops', 'housing', 'livestock', 'study', 'trade_services'])
  t.same(
    poor.json().items.find((p: { code: string }) => p.code === 'livestock'),
    {
      programmeCode: 'POOR',
      code: 'livestock',
      nameVi: 'Chăn nuôi',
      nameEn: 'Livestock',
      active: true,
      createdAt: poor.json().items[0].createdAt,
    },
  )
  const water = await as('auditor', { method: 'GET', url: '/v1/purposes?programmeCode=WATER_SANITATION' })
  t.same(codesOf(water.json().items), ['clean_water', 'sanitation'])
  const housing = await as('finance', { method: 'GET', url: '/v1/purposes?programmeCode=HOUSING' })
  t.same(codesOf(housing.json().items), ['housing'])
  const all = await as('officerA', { method: 'GET', url: '/v1/purposes' })
  t.ok(all.json().items.length >= 20, 'without a programme: every programme’s purposes')
})

t.test('only an admin adds a purpose; the same code twice is 409 DUPLICATE; an unknown programme 422', async (t) => {
  const body = { programmeCode: 'JOB_CREATION', code: 'handicrafts', nameVi: 'Thủ công mỹ nghệ', nameEn: 'Handicrafts' }
  const before = rowCounts(app)
  const officer = await as('officerA', { method: 'POST', url: '/v1/purposes', payload: body })
  t.equal(officer.statusCode, 403)
  t.same(rowCounts(app), before, 'refused: nothing written')
  const created = await as('admin', { method: 'POST', url: '/v1/purposes', payload: body })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { ...body, active: true })
  const again = await as('admin', { method: 'POST', url: '/v1/purposes', payload: body })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'DUPLICATE')
  const unknown = await as('admin', {
    method: 'POST',
    url: '/v1/purposes',
    payload: { ...body, programmeCode: 'NOPE' },
  })
  t.equal(unknown.statusCode, 422)
  t.equal(unknown.json().code, 'REFERENCE_NOT_FOUND')
})

t.test('an application naming an active purpose keeps it, and approval copies it to the loan', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  const res = await submit(ta, 'partnerA', {
    ...applicationBody(householdId, { applicationDate: '2026-06-01' }),
    purposeCode: 'livestock',
  })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().purposeCode, 'livestock')
  t.equal(res.json().purpose, 'Raising cattle', 'the free-text purpose stays as given')
  t.equal((await act(ta, 'officerA', res.json().id, 'certify', certifyBody('2026-06-05'))).statusCode, 200)
  const approved = await act(ta, 'managerA', res.json().id, 'approve', { approvedOn: '2026-06-10' })
  t.equal(approved.statusCode, 200)
  const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${approved.json().loanId}` })).json()
  t.equal(loan.purposeCode, 'livestock')
  t.equal(app.sqlite.prepare('SELECT purpose_code FROM loans WHERE id = ?').pluck().get(loan.id), 'livestock')
})

t.test('without purposeCode an application of a programme that does not require one keeps null', async (t) => {
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  const res = await submit(ta, 'partnerA', applicationBody(householdId))
  t.equal(res.statusCode, 201)
  t.equal(res.json().purposeCode, null)
})

t.test(
  'PURPOSE_NOT_IN_PROGRAMME: a purpose of another programme, or no purpose at all, is refused unchanged',
  async (t) => {
    const householdId = await householdWithStatus(ta, { status: 'poor' })
    for (const purposeCode of ['sanitation', 'spaceflight']) {
      const before = rowCounts(app)
      const res = await submit(ta, 'partnerA', { ...applicationBody(householdId), purposeCode })
      t.equal(res.statusCode, 422, purposeCode)
      t.equal(res.json().code, 'PURPOSE_NOT_IN_PROGRAMME')
      t.same(res.json().errors, [{ field: 'body.purposeCode', message: 'not an active purpose of POOR' }])
      t.same(rowCounts(app), before, 'nothing written')
    }
  },
)

t.test('a retired purpose can no longer be named; retiring it twice is 409; loans keep it', async (t) => {
  const body = { programmeCode: 'NEAR_POOR', code: 'fishing', nameVi: 'Đánh bắt thủy sản', nameEn: 'Fishing' }
  t.equal((await as('admin', { method: 'POST', url: '/v1/purposes', payload: body })).statusCode, 201)
  const householdId = await householdWithStatus(ta, { status: 'near_poor' })
  const before = await submit(ta, 'partnerA', {
    ...applicationBody(householdId, { programmeCode: 'NEAR_POOR' }),
    purposeCode: 'fishing',
  })
  t.equal(before.statusCode, 201, 'active: accepted')
  const officer = await as('officerA', { method: 'POST', url: '/v1/purposes/NEAR_POOR/fishing/retire' })
  t.equal(officer.statusCode, 403, 'only an admin retires')
  const retired = await as('admin', { method: 'POST', url: '/v1/purposes/NEAR_POOR/fishing/retire' })
  t.equal(retired.statusCode, 200)
  t.equal(retired.json().active, false)
  const twice = await as('admin', { method: 'POST', url: '/v1/purposes/NEAR_POOR/fishing/retire' })
  t.equal(twice.statusCode, 409)
  t.equal(twice.json().code, 'INVALID_STATE')
  const missing = await as('admin', { method: 'POST', url: '/v1/purposes/NEAR_POOR/unknown_one/retire' })
  t.equal(missing.statusCode, 404)
  const other = await householdWithStatus(ta, { status: 'near_poor' })
  const after = await submit(ta, 'partnerA', {
    ...applicationBody(other, { programmeCode: 'NEAR_POOR' }),
    purposeCode: 'fishing',
  })
  t.equal(after.statusCode, 422)
  t.equal(after.json().code, 'PURPOSE_NOT_IN_PROGRAMME')
  const list = await as('partnerA', { method: 'GET', url: '/v1/purposes?programmeCode=NEAR_POOR&active=false' })
  t.same(codesOf(list.json().items), ['fishing'], 'listed among the retired')
  const kept = await as('partnerA', { method: 'GET', url: `/v1/applications/${before.json().id}` })
  t.equal(kept.json().purposeCode, 'fishing', 'the application submitted before keeps it')
})

t.test('PURPOSE_REQUIRED: a programme that requires a purpose refuses an application without one', async (t) => {
  const created = await as('admin', {
    method: 'POST',
    url: '/v1/programmes',
    payload: {
      code: 'LIVESTOCK_ONLY',
      name: 'Cho vay chăn nuôi',
      legalBasis: 'Thử nghiệm',
      eligibleStatuses: ['poor'],
      eligibleAreas: 'any',
      maxAmount: 50_000_000,
      maxTermMonths: 60,
      fundingSource: 'central',
      defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
      rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 5500 }],
      purposeRequired: true,
      purposes: [{ code: 'livestock', nameVi: 'Chăn nuôi', nameEn: 'Livestock' }],
    },
  })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.json().purposeRequired, true)
  const householdId = await householdWithStatus(ta, { status: 'poor' })
  const before = rowCounts(app)
  const res = await submit(ta, 'partnerA', applicationBody(householdId, { programmeCode: 'LIVESTOCK_ONLY' }))
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'PURPOSE_REQUIRED')
  t.same(rowCounts(app), before, 'nothing written')
  const ok = await submit(ta, 'partnerA', {
    ...applicationBody(householdId, { programmeCode: 'LIVESTOCK_ONLY' }),
    purposeCode: 'livestock',
  })
  t.equal(ok.statusCode, 201)
  const listed = await as('partnerA', { method: 'GET', url: '/v1/purposes?programmeCode=LIVESTOCK_ONLY' })
  t.same(codesOf(listed.json().items), ['livestock'], 'created with the programme')
})

t.test('an unknown query parameter or a malformed programme code is 400', async (t) => {
  const typo = await as('partnerA', { method: 'GET', url: '/v1/purposes?programme=POOR' })
  t.equal(typo.statusCode, 400)
  const bad = await as('partnerA', { method: 'GET', url: '/v1/purposes?programmeCode=poor' })
  t.equal(bad.statusCode, 400)
})
