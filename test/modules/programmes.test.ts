/**
 * Programmes and local policies (docs/rules.md §2, §3): the six seeded programmes
 * and Đà Nẵng's interest-free policy with its 4,000,000 VND support rule; new
 * programmes and rate versions are admin commands; codes are unique.
 */
import t from 'tap'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, rowCounts } from '../helpers/app.js'

const { app, as } = await buildTestApp(t)

const programme = (over: Record<string, unknown> = {}) => ({
  code: 'FISHERY',
  name: 'Loans for fishing households',
  legalBasis: 'Decision 99/2026/QD-TTg',
  eligibleStatuses: ['poor', 'near_poor'],
  eligibleAreas: ['rural'],
  maxAmount: 80_000_000,
  maxTermMonths: 84,
  fundingSource: 'local_budget',
  defaultPrincipalPlan: { everyMonths: 3, graceMonths: 6 },
  rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 4000 }],
  ...over,
})

t.test('the six programmes of docs/rules.md §2 are seeded with their caps, terms and rates', async (t) => {
  const res = await as('partnerA', { method: 'GET', url: '/v1/programmes' })
  t.equal(res.statusCode, 200, 'any authenticated role reads programmes')
  const byCode = Object.fromEntries(res.json().items.map((p: { code: string }) => [p.code, p]))
  // The six household programmes, and the three of §15 (test/modules/borrower-programmes.test.ts checks those).
  t.same(Object.keys(byCode).sort(), [
    'EMPLOYER_WAGES',
    'ESCAPED',
    'HOUSING',
    'JOB_CREATION',
    'NEAR_POOR',
    'POOR',
    'RELEASED_PERSON',
    'STUDENT',
    'WATER_SANITATION',
  ])
  const expected = [
    {
      code: 'POOR',
      eligibleStatuses: ['poor'],
      eligibleAreas: 'any',
      maxAmount: 100_000_000,
      maxTermMonths: 120,
      ppm: 5500,
    },
    {
      code: 'NEAR_POOR',
      eligibleStatuses: ['near_poor'],
      eligibleAreas: 'any',
      maxAmount: 100_000_000,
      maxTermMonths: 120,
      ppm: 6600,
    },
    {
      code: 'ESCAPED',
      eligibleStatuses: ['escaped'],
      eligibleAreas: 'any',
      maxAmount: 100_000_000,
      maxTermMonths: 60,
      ppm: 6875,
    },
    {
      code: 'WATER_SANITATION',
      eligibleStatuses: 'any',
      eligibleAreas: ['rural'],
      maxAmount: 50_000_000,
      maxTermMonths: 60,
      ppm: 7500,
    },
    {
      code: 'JOB_CREATION',
      eligibleStatuses: 'any',
      eligibleAreas: 'any',
      maxAmount: 100_000_000,
      maxTermMonths: 120,
      ppm: 5500,
    },
    {
      code: 'HOUSING',
      eligibleStatuses: ['poor'],
      eligibleAreas: 'any',
      maxAmount: 40_000_000,
      maxTermMonths: 180,
      ppm: 2500,
    },
  ]
  for (const e of expected) {
    const p = byCode[e.code]
    t.match(
      p,
      {
        code: e.code,
        eligibleStatuses: e.eligibleStatuses,
        eligibleAreas: e.eligibleAreas,
        maxAmount: e.maxAmount,
        maxTermMonths: e.maxTermMonths,
        overdueRatePct: 130,
      },
      `${e.code}: statuses, areas, cap, term, 130 % overdue`,
    )
    t.equal(p.rates.length, 1, `${e.code}: one rate version`)
    t.equal(p.rates[0].monthlyRatePpm, e.ppm, `${e.code}: ${e.ppm} ppm/month`)
  }
  t.equal(byCode.HOUSING.defaultPrincipalPlan.graceMonths, 60, 'HOUSING: 60 months of grace')
  t.equal(byCode.ESCAPED.escapedWindowMonths, 36, 'ESCAPED: within 3 years of the exit')
  const one = await as('auditor', { method: 'GET', url: '/v1/programmes/HOUSING' })
  t.equal(one.statusCode, 200)
  t.same(one.json(), byCode.HOUSING, 'GET by code returns the same programme')
})

t.test('the seeded Đà Nẵng policy: POOR, interest-free, 4,000,000 VND support within 12 months', async (t) => {
  const res = await as('officerA', { method: 'GET', url: '/v1/local-policies' })
  t.equal(res.statusCode, 200)
  const policy = res.json().items.find((p: { code: string }) => p.code === 'DANANG_INTEREST_FREE')
  t.ok(policy, 'DANANG_INTEREST_FREE is seeded')
  t.match(policy, { programmeCode: 'POOR', region: 'Đà Nẵng', borrowerRatePpm: 0 })
  t.same(policy.supportRule, {
    amount: 4_000_000,
    requiresOnTimeRepayment: true,
    requiresPovertyExit: true,
    exitWindowMonthsAfterClosure: 12,
  })
  t.ok(policy.budget > 0, 'it has a support budget')
})

t.test('admin creates a programme and reads it back by code', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', { method: 'POST', url: '/v1/programmes', payload: programme() })
  t.equal(res.statusCode, 201)
  t.match(
    res.json(),
    {
      code: 'FISHERY',
      eligibleStatuses: ['poor', 'near_poor'],
      eligibleAreas: ['rural'],
      maxAmount: 80_000_000,
      maxTermMonths: 84,
      overdueRatePct: 130,
      fundingSource: 'local_budget',
      defaultPrincipalPlan: { everyMonths: 3, graceMonths: 6 },
      escapedWindowMonths: null,
      collateralThreshold: null,
      rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 4000 }],
    },
    'stored as sent, overdue rate defaulting to 130 %',
  )
  const after = rowCounts(app)
  t.equal(after.programmes, before.programmes! + 1)
  t.equal(after.programme_rates, before.programme_rates! + 1)
  const got = await as('partnerB', { method: 'GET', url: '/v1/programmes/FISHERY' })
  t.same(got.json(), res.json())
})

t.test('a rate version is added from a date on, and the rates are listed in date order', async (t) => {
  const created = await as('admin', { method: 'POST', url: '/v1/programmes', payload: programme({ code: 'RATED' }) })
  t.equal(created.statusCode, 201)
  const later = await as('admin', {
    method: 'POST',
    url: '/v1/programmes/RATED/rates',
    payload: { effectiveFrom: '2027-07-01', monthlyRatePpm: 4500 },
  })
  t.equal(later.statusCode, 201)
  const earlier = await as('admin', {
    method: 'POST',
    url: '/v1/programmes/RATED/rates',
    payload: { effectiveFrom: '2026-07-01', monthlyRatePpm: 4200 },
  })
  t.equal(earlier.statusCode, 201)
  const expected = [
    { effectiveFrom: '2026-01-01', monthlyRatePpm: 4000 },
    { effectiveFrom: '2026-07-01', monthlyRatePpm: 4200 },
    { effectiveFrom: '2027-07-01', monthlyRatePpm: 4500 },
  ]
  t.same(earlier.json().rates, expected, 'the response carries every version in date order')
  t.same((await as('admin', { method: 'GET', url: '/v1/programmes/RATED' })).json().rates, expected)
  const zero = await as('admin', {
    method: 'POST',
    url: '/v1/programmes/RATED/rates',
    payload: { effectiveFrom: '2028-01-01', monthlyRatePpm: 0 },
  })
  t.equal(zero.statusCode, 201, 'a 0 ppm (interest-free) version is allowed')
})

t.test('duplicates are 409 DUPLICATE: a programme code, or a second rate version on the same date', async (t) => {
  let before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', { method: 'POST', url: '/v1/programmes', payload: programme({ code: 'POOR' }) }),
    409,
    'DUPLICATE',
  )
  t.same(rowCounts(app), before, 'programme: database unchanged')
  t.equal(
    (
      await as('admin', {
        method: 'POST',
        url: '/v1/programmes/RATED/rates',
        payload: { effectiveFrom: '2030-01-01', monthlyRatePpm: 1 },
      })
    ).statusCode,
    201,
    'a future version',
  )
  before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/programmes/RATED/rates',
      payload: { effectiveFrom: '2030-01-01', monthlyRatePpm: 2 },
    }),
    409,
    'DUPLICATE',
  )
  // A back-dated version would re-price interest already charged and posted.
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/programmes/POOR/rates',
      payload: { effectiveFrom: '2000-01-01', monthlyRatePpm: 1 },
    }),
    422,
    'RATE_DATE_NOT_FUTURE',
  )
  t.same(rowCounts(app), before, 'rate version: database unchanged')
  t.same(
    (await as('admin', { method: 'GET', url: '/v1/programmes/POOR' })).json().rates,
    [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    'POOR keeps its rate',
  )
})

t.test('an unknown programme code is 404, for reading and for adding a rate', async (t) => {
  assertRejected(t, await as('admin', { method: 'GET', url: '/v1/programmes/NO_SUCH_PROGRAMME' }), 404, 'NOT_FOUND')
  const before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/programmes/NO_SUCH_PROGRAMME/rates',
      payload: { effectiveFrom: '2026-01-01', monthlyRatePpm: 1 },
    }),
    404,
    'NOT_FOUND',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('an invalid programme is 400 naming the field, and nothing is written', async (t) => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['lower-case code', { code: 'fishery' }, 'body.code'],
    ['money as a string', { maxAmount: '80000000' }, 'body.maxAmount'],
    ['money with a fraction', { maxAmount: 1.5 }, 'body.maxAmount'],
    ['zero cap', { maxAmount: 0 }, 'body.maxAmount'],
    ['term above 240 months', { maxTermMonths: 241 }, 'body.maxTermMonths'],
    [
      'principal every 2 months',
      { defaultPrincipalPlan: { everyMonths: 2, graceMonths: 0 } },
      'body.defaultPrincipalPlan.everyMonths',
    ],
    [
      'grace as long as the term',
      { maxTermMonths: 12, defaultPrincipalPlan: { everyMonths: 1, graceMonths: 12 } },
      'body.defaultPrincipalPlan.graceMonths',
    ],
    ['no rate', { rates: [] }, 'body.rates'],
    ['negative rate', { rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: -1 }] }, 'body.rates.0.monthlyRatePpm'],
    [
      'two rates on one date',
      {
        rates: [
          { effectiveFrom: '2026-01-01', monthlyRatePpm: 1 },
          { effectiveFrom: '2026-01-01', monthlyRatePpm: 2 },
        ],
      },
      'body.rates',
    ],
    ['impossible date', { rates: [{ effectiveFrom: '2026-02-30', monthlyRatePpm: 1 }] }, 'body.rates.0.effectiveFrom'],
    ['unknown status', { eligibleStatuses: ['rich'] }, 'body.eligibleStatuses'],
    ['a funding source that is not a code', { fundingSource: 'Donor fund' }, 'body.fundingSource'],
  ]
  for (const [what, over, field] of cases) {
    const before = rowCounts(app)
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/programmes',
      payload: programme({ code: 'INVALID', ...over }),
    })
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().code, 'VALIDATION_ERROR', `${what}: code`)
    const fields = res.json().errors?.map((e: { field: string }) => e.field) ?? []
    t.ok(
      fields.some((f: string) => f.startsWith(field)),
      `${what}: names ${field} (got ${fields.join(', ')})`,
    )
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
})

t.test('only admin creates programmes, rate versions and local policies', async (t) => {
  for (const who of ['partnerA', 'officerA', 'managerA', 'finance', 'auditor'] as const) {
    const before = rowCounts(app)
    assertRejected(
      t,
      await as(who, { method: 'POST', url: '/v1/programmes', payload: programme({ code: 'NOT_ALLOWED' }) }),
      403,
      'FORBIDDEN',
    )
    assertRejected(
      t,
      await as(who, {
        method: 'POST',
        url: '/v1/programmes/POOR/rates',
        payload: { effectiveFrom: '2031-01-01', monthlyRatePpm: 1 },
      }),
      403,
      'FORBIDDEN',
    )
    assertRejected(
      t,
      await as(who, {
        method: 'POST',
        url: '/v1/local-policies',
        payload: { code: 'NOT_ALLOWED', name: 'x', region: 'Huế', programmeCode: 'POOR', effectiveFrom: '2026-01-01' },
      }),
      403,
      'FORBIDDEN',
    )
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
})

t.test('admin creates a local policy over a programme; unknown programme 422, duplicate 409', async (t) => {
  const input = {
    code: 'HUE_SUPPORT',
    name: 'Huế support',
    region: 'Huế',
    programmeCode: 'NEAR_POOR',
    borrowerRatePpm: 3300,
    supportRule: {
      amount: 2_000_000,
      requiresOnTimeRepayment: true,
      requiresPovertyExit: false,
      exitWindowMonthsAfterClosure: 6,
    },
    budget: 500_000_000,
    effectiveFrom: '2026-01-01',
  }
  const res = await as('admin', { method: 'POST', url: '/v1/local-policies', payload: input })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { ...input, branchId: null })
  const listed = (await as('auditor', { method: 'GET', url: '/v1/local-policies' })).json().items
  t.same(
    listed.find((p: { code: string }) => p.code === 'HUE_SUPPORT'),
    res.json(),
  )

  const plain = await as('admin', {
    method: 'POST',
    url: '/v1/local-policies',
    payload: { code: 'HUE_PLAIN', name: 'n', region: 'Huế', programmeCode: 'POOR', effectiveFrom: '2026-01-01' },
  })
  t.match(
    plain.json(),
    { borrowerRatePpm: null, supportRule: null, budget: 0 },
    'no override, no support rule by default',
  )

  let before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: { ...input, code: 'HUE_OTHER', programmeCode: 'NO_SUCH' },
    }),
    422,
    'REFERENCE_NOT_FOUND',
  )
  t.same(rowCounts(app), before, 'unknown programme: database unchanged')
  before = rowCounts(app)
  assertRejected(t, await as('admin', { method: 'POST', url: '/v1/local-policies', payload: input }), 409, 'DUPLICATE')
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: { ...input, code: 'DANANG_INTEREST_FREE' },
    }),
    409,
    'DUPLICATE',
  )
  t.same(rowCounts(app), before, 'duplicate: database unchanged')
})
