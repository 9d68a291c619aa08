/**
 * docs/rules.md §6 over HTTP: the worked example (30,000,000 VND, 36 months, 5,500 ppm,
 * principal every 6 months, session day 15, disbursed 2025-03-10) through
 * POST /v1/schedules/preview and through a real loan's GET /v1/loans/{id}/schedule,
 * plus the preview's contract (any authenticated user, validation, nothing stored).
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { disbursedLoan } from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { app, as } = ta

/*
 * Hand derivation.
 * Due dates: month k is due on the 15th of the k-th calendar month after March 2025
 * (month 1 = 2025-04-15 … month 36 = 2028-03-15).
 * Principal: m = ceil((36 − 0) / 6) = 6 instalments of floor(30,000,000 / 6) = 5,000,000,
 * instalment j in month min(0 + 6j, 36) = 6, 12, 18, 24, 30, 36 (the last takes the remainder, 0 here).
 * Interest of month k = balance × days × 5,500 / 30,000,000, rounded half-up once, where the
 * balance is 30,000,000 minus the principal due on earlier due dates and days = (previous due
 * date, or 2025-03-10, up to the due date]. Per day: 30M → 5,500; 25M → 4,583⅓; 20M → 3,666⅔;
 * 15M → 2,750; 10M → 1,833⅓; 5M → 916⅔.
 * Month 1: (2025-03-10, 2025-04-15] = 21 days of March + 15 of April = 36 days → 36 × 5,500 = 198,000.
 */
const WORKED_EXAMPLE: [
  k: number,
  dueDate: string,
  days: number,
  principal: number,
  interest: number,
  balanceAfter: number,
][] = [
  [1, '2025-04-15', 36, 0, 198_000, 30_000_000], //         36 × 5,500
  [2, '2025-05-15', 30, 0, 165_000, 30_000_000], //         30 × 5,500
  [3, '2025-06-15', 31, 0, 170_500, 30_000_000], //         31 × 5,500
  [4, '2025-07-15', 30, 0, 165_000, 30_000_000], //         30 × 5,500
  [5, '2025-08-15', 31, 0, 170_500, 30_000_000], //         31 × 5,500
  [6, '2025-09-15', 31, 5_000_000, 170_500, 25_000_000], // 31 × 5,500 (the balance in the period is still 30M)
  [7, '2025-10-15', 30, 0, 137_500, 25_000_000], //         25M × 30 × 5,500 / 30M = 137,500 exactly
  [8, '2025-11-15', 31, 0, 142_083, 25_000_000], //         25M × 31 → 142,083.33 → 142,083
  [9, '2025-12-15', 30, 0, 137_500, 25_000_000], //         25M × 30
  [10, '2026-01-15', 31, 0, 142_083, 25_000_000], //        25M × 31 → 142,083.33
  [11, '2026-02-15', 31, 0, 142_083, 25_000_000], //        25M × 31 (Jan 15 → Feb 15)
  [12, '2026-03-15', 28, 5_000_000, 128_333, 20_000_000], // 25M × 28 (Feb 2026) → 128,333.33 → 128,333
  [13, '2026-04-15', 31, 0, 113_667, 20_000_000], //        20M × 31 → 113,666.67 → 113,667 (half-up)
  [14, '2026-05-15', 30, 0, 110_000, 20_000_000], //        20M × 30 = 110,000
  [15, '2026-06-15', 31, 0, 113_667, 20_000_000], //        20M × 31 → 113,666.67
  [16, '2026-07-15', 30, 0, 110_000, 20_000_000], //        20M × 30
  [17, '2026-08-15', 31, 0, 113_667, 20_000_000], //        20M × 31
  [18, '2026-09-15', 31, 5_000_000, 113_667, 15_000_000], // 20M × 31
  [19, '2026-10-15', 30, 0, 82_500, 15_000_000], //         15M × 30 × 5,500 / 30M = 82,500
  [20, '2026-11-15', 31, 0, 85_250, 15_000_000], //         15M × 31 = 85,250
  [21, '2026-12-15', 30, 0, 82_500, 15_000_000], //         15M × 30
  [22, '2027-01-15', 31, 0, 85_250, 15_000_000], //         15M × 31
  [23, '2027-02-15', 31, 0, 85_250, 15_000_000], //         15M × 31
  [24, '2027-03-15', 28, 5_000_000, 77_000, 10_000_000], // 15M × 28 (Feb 2027) = 77,000
  [25, '2027-04-15', 31, 0, 56_833, 10_000_000], //         10M × 31 → 56,833.33 → 56,833
  [26, '2027-05-15', 30, 0, 55_000, 10_000_000], //         10M × 30 = 55,000
  [27, '2027-06-15', 31, 0, 56_833, 10_000_000], //         10M × 31
  [28, '2027-07-15', 30, 0, 55_000, 10_000_000], //         10M × 30
  [29, '2027-08-15', 31, 0, 56_833, 10_000_000], //         10M × 31
  [30, '2027-09-15', 31, 5_000_000, 56_833, 5_000_000], //  10M × 31
  [31, '2027-10-15', 30, 0, 27_500, 5_000_000], //          5M × 30 = 27,500
  [32, '2027-11-15', 31, 0, 28_417, 5_000_000], //          5M × 31 → 28,416.67 → 28,417 (half-up)
  [33, '2027-12-15', 30, 0, 27_500, 5_000_000], //          5M × 30
  [34, '2028-01-15', 31, 0, 28_417, 5_000_000], //          5M × 31
  [35, '2028-02-15', 31, 0, 28_417, 5_000_000], //          5M × 31
  [36, '2028-03-15', 29, 5_000_000, 26_583, 0], //          5M × 29 (Feb 2028 is a leap month) → 26,583.33 → 26,583
]
// Σ interest = 6 months at 30M (1,040,000) + 25M (829,582) + 20M (674,668) + 15M (497,750)
//            + 10M (337,332) + 5M (166,834) = 3,545,666 (checked against the table below too).
const TOTAL_INTEREST = 3_545_666

const previewBody = {
  amount: 30_000_000,
  termMonths: 36,
  principalPlan: { everyMonths: 6, graceMonths: 0 },
  monthlyRatePpm: 5500,
  disbursementDate: '2025-03-10',
  sessionDay: 15,
}
const preview = (who: Parameters<typeof as>[0], payload: object) =>
  as(who, { method: 'POST', url: '/v1/schedules/preview', payload })

t.test(
  'the table itself is consistent: 36 days in month 1, Σ principal 30,000,000, Σ interest 3,545,666',
  async (t) => {
    t.equal(
      WORKED_EXAMPLE.reduce((a, r) => a + r[3], 0),
      30_000_000,
    )
    t.equal(
      WORKED_EXAMPLE.reduce((a, r) => a + r[4], 0),
      TOTAL_INTEREST,
    )
    let previous = Date.UTC(2025, 2, 10)
    for (const [k, due, days] of WORKED_EXAMPLE) {
      const d = Date.UTC(Number(due.slice(0, 4)), Number(due.slice(5, 7)) - 1, Number(due.slice(8, 10)))
      t.equal((d - previous) / 86_400_000, days, `month ${k}: ${days} days`)
      previous = d
    }
  },
)

t.test(
  'worked example through POST /v1/schedules/preview: every due date, principal, interest and balance',
  async (t) => {
    const before = rowCounts(app)
    const res = await preview('partnerA', previewBody)
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.instalments.length, 36)
    for (const [k, dueDate, days, principal, interest, balanceAfter] of WORKED_EXAMPLE) {
      t.same(
        body.instalments[k - 1],
        { number: k, dueDate, principal, interest, balanceAfter },
        `month ${k}: ${dueDate}, ${days} days`,
      )
    }
    t.equal(body.totalPrincipal, 30_000_000)
    t.equal(body.totalInterest, TOTAL_INTEREST)
    t.same(rowCounts(app), before, 'a preview stores nothing')
  },
)

t.test(
  'worked example through a real loan: GET /v1/loans/{id}/schedule after disbursing 2025-03-10 at point A ' +
    '(session day 15)',
  async (t) => {
    const loan = await disbursedLoan(ta, {
      group: 'groupA',
      status: 'poor',
      effectiveDate: '2025-01-01',
      programmeCode: 'POOR',
      amount: 30_000_000,
      termMonths: 36,
      principalPlan: { everyMonths: 6, graceMonths: 0 },
      applicationDate: '2025-03-01',
      certifiedOn: '2025-03-03',
      approvedOn: '2025-03-05',
      valueDate: '2025-03-10',
    })
    const res = await as('partnerA', { method: 'GET', url: `/v1/loans/${loan.loanId}/schedule` })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.equal(body.indicative, false, 'dates fixed by the disbursement')
    t.equal(body.instalments.length, 36)
    for (const [k, dueDate, , principal, interest] of WORKED_EXAMPLE) {
      t.match(
        body.instalments[k - 1],
        { number: k, dueDate, effectiveDueDate: dueDate, principal, interest },
        `month ${k}: ${dueDate} principal ${principal} interest ${interest}`,
      )
    }
    t.equal(body.totalPrincipal, 30_000_000)
    t.equal(body.totalInterest, TOTAL_INTEREST)

    const view = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loan.loanId}` })).json()
    t.match(view, {
      status: 'active',
      monthlyRatePpm: 5500,
      sessionDay: 15,
      firstDisbursedOn: '2025-03-10',
      disbursedAmount: 30_000_000,
    })
  },
)

t.test('interest-free preview (monthlyRatePpm 0): every interest 0, principal unchanged', async (t) => {
  const res = await preview('auditor', { ...previewBody, monthlyRatePpm: 0 })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.ok(
    body.instalments.every((i: { interest: number }) => i.interest === 0),
    'no interest on any due date',
  )
  t.equal(body.totalInterest, 0)
  t.same(
    body.instalments.filter((i: { principal: number }) => i.principal > 0).map((i: { number: number }) => i.number),
    [6, 12, 18, 24, 30, 36],
  )
  t.equal(body.totalPrincipal, 30_000_000)
})

t.test('housing terms (180 months, grace 60, every 12): principal only in months 72, 84, …, 180', async (t) => {
  // m = ceil((180 − 60) / 12) = 10 instalments of 40,000,000 / 10 = 4,000,000 in months 60 + 12j.
  const res = await preview('officerB', {
    ...previewBody,
    amount: 40_000_000,
    termMonths: 180,
    principalPlan: { everyMonths: 12, graceMonths: 60 },
    monthlyRatePpm: 2500,
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.equal(body.instalments.length, 180)
  const principalMonths = body.instalments.filter((i: { principal: number }) => i.principal > 0)
  t.same(
    principalMonths.map((i: { number: number }) => i.number),
    [72, 84, 96, 108, 120, 132, 144, 156, 168, 180],
  )
  t.ok(principalMonths.every((i: { principal: number }) => i.principal === 4_000_000))
  t.equal(body.instalments[179].dueDate, '2040-03-15', 'month 180 = 15 years after March 2025')
  t.equal(body.instalments[179].balanceAfter, 0)
})

t.test('remainder on the last instalment: 10,000,001 over 3 instalments → 3,333,333 ×2 + 3,333,335', async (t) => {
  const res = await preview('admin', {
    ...previewBody,
    amount: 10_000_001,
    termMonths: 9,
    principalPlan: { everyMonths: 3, graceMonths: 0 },
  })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(
    body.instalments.map((i: { principal: number }) => i.principal),
    [0, 0, 3_333_333, 0, 0, 3_333_333, 0, 0, 3_333_335],
  )
  t.equal(body.totalPrincipal, 10_000_001)
})

t.test('preview needs an API key (401) but no particular role', async (t) => {
  const res = await preview(null, previewBody)
  t.equal(res.statusCode, 401)
  for (const who of ['partnerB', 'finance', 'managerA'] as const)
    t.equal((await preview(who, previewBody)).statusCode, 200, who)
})

t.test('preview validation: each bad field → 400 VALIDATION_ERROR naming it', async (t) => {
  const cases: [string, object, string][] = [
    ['amount 0', { amount: 0 }, 'body.amount'],
    ['negative amount', { amount: -1 }, 'body.amount'],
    ['termMonths 241', { termMonths: 241 }, 'body.termMonths'],
    ['termMonths 0', { termMonths: 0 }, 'body.termMonths'],
    ['sessionDay 29', { sessionDay: 29 }, 'body.sessionDay'],
    ['everyMonths 5', { principalPlan: { everyMonths: 5, graceMonths: 0 } }, 'body.principalPlan.everyMonths'],
    ['negative rate', { monthlyRatePpm: -1 }, 'body.monthlyRatePpm'],
    ['not a date', { disbursementDate: '2025-02-30x' }, 'body.disbursementDate'],
  ]
  for (const [name, change, field] of cases) {
    const res = await preview('partnerA', { ...previewBody, ...change })
    t.equal(res.statusCode, 400, name)
    t.equal(res.json().code, 'VALIDATION_ERROR', name)
    t.ok(
      res.json().errors?.some((e: { field: string }) => e.field.startsWith(field)),
      `${name}: names ${field}`,
    )
  }
})

t.test('preview with grace not below the term → 422 INVALID_PRINCIPAL_PLAN', async (t) => {
  const res = await preview('partnerA', {
    ...previewBody,
    termMonths: 12,
    principalPlan: { everyMonths: 6, graceMonths: 12 },
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'INVALID_PRINCIPAL_PLAN')
})
