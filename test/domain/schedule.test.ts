import t from 'tap'
import fc from 'fast-check'
import {
  dueDates,
  generateSchedule,
  principalInstalmentMonths,
  splitPrincipal,
  validateScheduleTerms,
  type EveryMonths,
  type Schedule,
  type ScheduleTerms,
} from '../../src/domain/schedule.js'
import { addDays, daysBetween, sessionDayInMonthAfter } from '../../src/domain/dates.js'
import type { RateVersion } from '../../src/domain/interest.js'
import { DomainError } from '../../src/domain/errors.js'

const flatRate = (monthlyRatePpm: number): RateVersion[] => [{ effectiveFrom: '1900-01-01', monthlyRatePpm }]

function terms(overrides: Partial<ScheduleTerms> = {}): ScheduleTerms {
  return {
    termMonths: 36,
    principalPlan: { everyMonths: 6, graceMonths: 0 },
    sessionDay: 15,
    rates: flatRate(5500),
    disbursements: [{ valueDate: '2025-03-10', amount: 30_000_000 }],
    ...overrides,
  }
}

/** The DomainError code thrown by both the validator and the generator (they must agree). */
function refusal(input: ScheduleTerms): string | undefined {
  const codes = [() => validateScheduleTerms(input), () => generateSchedule(input)].map((run) => {
    try {
      run()
      return undefined
    } catch (err) {
      return err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`
    }
  })
  return codes[0] === codes[1] ? codes[0] : `validator ${codes[0]} ≠ generator ${codes[1]}`
}

t.test('worked example: 30,000,000 VND over 36 months at 5,500 ppm, principal every 6 months, session day 15', (t) => {
  const schedule = generateSchedule(terms())
  // Interest of a period = balance × days × 5,500 / 30,000,000 (30 days × 10^6 ppm), half-up once.
  // Per day that is: 30M → 5,500; 25M → 4,583.33; 20M → 3,666.67; 15M → 2,750; 10M → 1,833.33; 5M → 916.67.
  // Principal: m = ceil((36 − 0) / 6) = 6 instalments of floor(30,000,000 / 6) = 5,000,000 in months 6, 12, …, 36.
  // Month 1 is (2025-03-10, 2025-04-15] = 21 days of March + 15 of April = 36 days: 36 × 5,500 = 198,000.
  const expected: [number, string, number, number, number, number][] = [
    // [k, dueDate, days, principal, interest, balanceAfter]
    [1, '2025-04-15', 36, 0, 198_000, 30_000_000], //        36 × 5,500
    [2, '2025-05-15', 30, 0, 165_000, 30_000_000], //        30 × 5,500
    [3, '2025-06-15', 31, 0, 170_500, 30_000_000], //        31 × 5,500
    [4, '2025-07-15', 30, 0, 165_000, 30_000_000],
    [5, '2025-08-15', 31, 0, 170_500, 30_000_000],
    [6, '2025-09-15', 31, 5_000_000, 170_500, 25_000_000], // balance during the period is still 30M
    [7, '2025-10-15', 30, 0, 137_500, 25_000_000], //        30 × 4,583.33 = 137,500 exactly
    [8, '2025-11-15', 31, 0, 142_083, 25_000_000], //        31 × 4,583.33 = 142,083.33
    [9, '2025-12-15', 30, 0, 137_500, 25_000_000],
    [10, '2026-01-15', 31, 0, 142_083, 25_000_000],
    [11, '2026-02-15', 31, 0, 142_083, 25_000_000],
    [12, '2026-03-15', 28, 5_000_000, 128_333, 20_000_000], // 28 × 4,583.33 = 128,333.33 (February 2026)
    [13, '2026-04-15', 31, 0, 113_667, 20_000_000], //       31 × 3,666.67 = 113,666.67
    [14, '2026-05-15', 30, 0, 110_000, 20_000_000], //       30 × 3,666.67 = 110,000 exactly
    [15, '2026-06-15', 31, 0, 113_667, 20_000_000],
    [16, '2026-07-15', 30, 0, 110_000, 20_000_000],
    [17, '2026-08-15', 31, 0, 113_667, 20_000_000],
    [18, '2026-09-15', 31, 5_000_000, 113_667, 15_000_000],
    [19, '2026-10-15', 30, 0, 82_500, 15_000_000], //        30 × 2,750
    [20, '2026-11-15', 31, 0, 85_250, 15_000_000], //        31 × 2,750
    [21, '2026-12-15', 30, 0, 82_500, 15_000_000],
    [22, '2027-01-15', 31, 0, 85_250, 15_000_000],
    [23, '2027-02-15', 31, 0, 85_250, 15_000_000],
    [24, '2027-03-15', 28, 5_000_000, 77_000, 10_000_000], // 28 × 2,750
    [25, '2027-04-15', 31, 0, 56_833, 10_000_000], //        31 × 1,833.33 = 56,833.33
    [26, '2027-05-15', 30, 0, 55_000, 10_000_000], //        30 × 1,833.33 = 55,000 exactly
    [27, '2027-06-15', 31, 0, 56_833, 10_000_000],
    [28, '2027-07-15', 30, 0, 55_000, 10_000_000],
    [29, '2027-08-15', 31, 0, 56_833, 10_000_000],
    [30, '2027-09-15', 31, 5_000_000, 56_833, 5_000_000],
    [31, '2027-10-15', 30, 0, 27_500, 5_000_000], //         30 × 916.67 = 27,500 exactly
    [32, '2027-11-15', 31, 0, 28_417, 5_000_000], //         31 × 916.67 = 28,416.67
    [33, '2027-12-15', 30, 0, 27_500, 5_000_000],
    [34, '2028-01-15', 31, 0, 28_417, 5_000_000],
    [35, '2028-02-15', 31, 0, 28_417, 5_000_000],
    // 29 × 916.67 = 26,583.33 (February 2028 is a leap month)
    [36, '2028-03-15', 29, 5_000_000, 26_583, 0],
  ]
  t.equal(schedule.instalments.length, 36)
  let periodStart = '2025-03-10'
  for (const [k, dueDate, days, principal, interest, balanceAfter] of expected) {
    const row = schedule.instalments[k - 1]!
    t.same(row, { number: k, periodStart, dueDate, principal, interest, balanceAfter }, `month ${k}`)
    t.equal(daysBetween(row.periodStart, row.dueDate), days, `month ${k} has ${days} days`)
    periodStart = dueDate
  }
  t.equal(schedule.totalPrincipal, 30_000_000)
  // Per block of 6 months: 1,039,500 (189 days × 5,500) + 829,582 + 674,668 + 497,750 + 337,332 + 166,834.
  t.equal(schedule.totalInterest, 3_545_666)
  t.end()
})

t.test('month k is due on the session day of the k-th calendar month after the disbursement month', (t) => {
  const dates = dueDates('2025-03-10', 36, 15)
  t.equal(dates[0], '2025-04-15')
  t.equal(dates[35], '2028-03-15')
  // A disbursement late in the month still falls due in the next calendar month.
  t.same(dueDates('2025-01-31', 2, 28), ['2025-02-28', '2025-03-28'])
  // A disbursement just before the session day: first period is only a few days.
  t.same(dueDates('2025-03-14', 1, 15), ['2025-04-15'])
  t.end()
})

t.test('principal instalments fall in month min(grace + j × every, term)', (t) => {
  t.same(principalInstalmentMonths(36, { everyMonths: 6, graceMonths: 0 }), [6, 12, 18, 24, 30, 36])
  // ceil(10 / 3) = 4: the last instalment is pulled in to the final month.
  t.same(principalInstalmentMonths(10, { everyMonths: 3, graceMonths: 0 }), [3, 6, 9, 10])
  t.same(principalInstalmentMonths(12, { everyMonths: 1, graceMonths: 9 }), [10, 11, 12])
  t.same(principalInstalmentMonths(5, { everyMonths: 12, graceMonths: 2 }), [5])
  t.end()
})

t.test('the last principal instalment takes the remainder', (t) => {
  t.same(splitPrincipal(10_000_000, 3), [3_333_333, 3_333_333, 3_333_334])
  t.same(splitPrincipal(30_000_000, 6), [5_000_000, 5_000_000, 5_000_000, 5_000_000, 5_000_000, 5_000_000])
  t.same(splitPrincipal(2, 3), [0, 0, 2])
  t.throws(() => splitPrincipal(10, 0), RangeError)

  const schedule = generateSchedule(
    terms({
      termMonths: 3,
      principalPlan: { everyMonths: 1, graceMonths: 0 },
      disbursements: [{ valueDate: '2025-03-10', amount: 10_000_000 }],
    }),
  )
  t.same(
    schedule.instalments.map((i) => [i.principal, i.balanceAfter]),
    [
      [3_333_333, 6_666_667],
      [3_333_333, 3_333_334],
      [3_333_334, 0],
    ],
  )
  // Interest follows the declining balance: 10M × 36 days, 6,666,667 × 30 days, 3,333,334 × 31 days, each × 5,500 /
  // 30M.
  // 66,000; 36,666.668… → 36,667; 18,944.44… → 18,944
  t.same(
    schedule.instalments.map((i) => i.interest),
    [66_000, 36_667, 18_944],
  )
  t.end()
})

t.test('a rate version starting inside a period splits that period and the interest is rounded once', (t) => {
  // 1,000,000 disbursed 2025-03-29, due 2025-04-01: days 30 Mar, 31 Mar, 1 Apr.
  // 30 Mar at 5,500 ppm, 31 Mar and 1 Apr at 5,000 ppm (effective 2025-03-31):
  // 1,000,000 × (1 × 5,500 + 2 × 5,000) / 30,000,000 = 516.67 → 517.
  // (Rounding each segment would give 183 + 333 = 516.)
  const schedule = generateSchedule({
    termMonths: 2,
    principalPlan: { everyMonths: 1, graceMonths: 0 },
    sessionDay: 1,
    rates: [
      { effectiveFrom: '1900-01-01', monthlyRatePpm: 5500 },
      { effectiveFrom: '2025-03-31', monthlyRatePpm: 5000 },
    ],
    disbursements: [{ valueDate: '2025-03-29', amount: 1_000_000 }],
  })
  t.equal(schedule.instalments[0]!.interest, 517)
  // Month 2 (2025-04-01, 2025-05-01] is entirely at the new rate: 500,000 × 30 × 5,000 / 30,000,000 = 2,500.
  t.equal(schedule.instalments[1]!.interest, 2_500)

  // On the worked example: 6,600 ppm from 2025-04-01 → month 1 = 30M × (21 × 5,500 + 15 × 6,600) / 30M = 214,500.
  const worked = generateSchedule(
    terms({
      rates: [
        { effectiveFrom: '1900-01-01', monthlyRatePpm: 5500 },
        { effectiveFrom: '2025-04-01', monthlyRatePpm: 6600 },
      ],
    }),
  )
  t.equal(worked.instalments[0]!.interest, 214_500)
  t.equal(worked.instalments[1]!.interest, 198_000) // 30 days × 6,600
  t.end()
})

t.test('an interest-free local policy gives interest 0 on every due date', (t) => {
  const schedule = generateSchedule(terms({ rates: flatRate(0) }))
  t.ok(schedule.instalments.every((i) => i.interest === 0))
  t.equal(schedule.totalInterest, 0)
  t.equal(schedule.totalPrincipal, 30_000_000)
  t.end()
})

t.test('housing: 180 months with 60 months of grace and principal every 12 months', (t) => {
  const schedule = generateSchedule({
    termMonths: 180,
    principalPlan: { everyMonths: 12, graceMonths: 60 },
    sessionDay: 20,
    rates: flatRate(2500),
    disbursements: [{ valueDate: '2025-01-05', amount: 40_000_000 }],
  })
  const principalMonths = schedule.instalments.filter((i) => i.principal > 0).map((i) => i.number)
  // m = ceil((180 − 60) / 12) = 10, in months 60 + 12j.
  t.same(principalMonths, [72, 84, 96, 108, 120, 132, 144, 156, 168, 180])
  t.ok(schedule.instalments.filter((i) => i.principal > 0).every((i) => i.principal === 4_000_000))
  t.equal(schedule.instalments.length, 180)
  // Interest is still due every month during grace: month 2 (2025-02-20, 2025-03-20] = 28 days,
  // 40,000,000 × 28 × 2,500 / 30,000,000 = 93,333.33 → 93,333.
  t.equal(schedule.instalments[1]!.interest, 93_333)
  t.ok(schedule.instalments.every((i) => i.interest > 0))
  t.equal(schedule.instalments[71]!.dueDate, '2031-01-20')
  t.equal(schedule.instalments[179]!.dueDate, '2040-01-20')
  t.equal(schedule.instalments[179]!.balanceAfter, 0)
  t.end()
})

t.test('two tranches: a tranche inside a period adds to the balance for the days after its value date', (t) => {
  const schedule = generateSchedule({
    termMonths: 12,
    principalPlan: { everyMonths: 3, graceMonths: 0 },
    sessionDay: 15,
    rates: flatRate(5500),
    disbursements: [
      { valueDate: '2025-03-10', amount: 20_000_000 },
      { valueDate: '2025-04-01', amount: 10_000_000 },
    ],
  })
  // Due dates still count from the first tranche: month 1 is 2025-04-15.
  // Month 1: 20M for (03-10, 04-01] = 22 days, 30M for (04-01, 04-15] = 14 days:
  // (20,000,000 × 22 + 30,000,000 × 14) × 5,500 / 30,000,000 = 157,666.67 → 157,667.
  t.equal(schedule.instalments[0]!.dueDate, '2025-04-15')
  t.equal(schedule.instalments[0]!.interest, 157_667)
  t.equal(schedule.instalments[0]!.balanceAfter, 30_000_000)
  t.equal(schedule.instalments[1]!.interest, 165_000) // 30M × 30 days
  // Principal is split over the total of both tranches: 4 × 7,500,000 in months 3, 6, 9, 12.
  t.same(
    schedule.instalments.filter((i) => i.principal > 0).map((i) => [i.number, i.principal]),
    [
      [3, 7_500_000],
      [6, 7_500_000],
      [9, 7_500_000],
      [12, 7_500_000],
    ],
  )
  t.equal(schedule.totalPrincipal, 30_000_000)
  t.end()
})

t.test('a tranche dated on a due date starts bearing interest in the next period', (t) => {
  const schedule = generateSchedule({
    termMonths: 3,
    principalPlan: { everyMonths: 3, graceMonths: 0 },
    sessionDay: 15,
    rates: flatRate(6000),
    disbursements: [
      { valueDate: '2025-03-15', amount: 3_000_000 },
      { valueDate: '2025-04-15', amount: 3_000_000 },
    ],
  })
  // Month 1 (03-15, 04-15] = 31 days on 3M: 3,000,000 × 31 × 6,000 / 30,000,000 = 18,600.
  // Month 2 (04-15, 05-15] = 30 days on 6M: 36,000.
  t.same(
    schedule.instalments.map((i) => [i.interest, i.balanceAfter]),
    [
      [18_600, 6_000_000],
      [36_000, 6_000_000],
      [37_200, 0], // 31 days on 6M
    ],
  )
  t.end()
})

t.test('invalid terms are refused with a named code', (t) => {
  t.equal(refusal(terms({ termMonths: 0 })), 'INVALID_TERM')
  t.equal(refusal(terms({ termMonths: 241 })), 'INVALID_TERM')
  t.equal(refusal(terms({ termMonths: 12.5 })), 'INVALID_TERM')
  t.equal(
    refusal(terms({ principalPlan: { everyMonths: 2 as EveryMonths, graceMonths: 0 } })),
    'INVALID_PRINCIPAL_PLAN',
  )
  t.equal(refusal(terms({ principalPlan: { everyMonths: 6, graceMonths: 36 } })), 'INVALID_PRINCIPAL_PLAN')
  t.equal(refusal(terms({ principalPlan: { everyMonths: 6, graceMonths: -1 } })), 'INVALID_PRINCIPAL_PLAN')
  t.equal(refusal(terms({ sessionDay: 0 })), 'INVALID_SESSION_DAY')
  t.equal(refusal(terms({ sessionDay: 29 })), 'INVALID_SESSION_DAY')
  t.equal(refusal(terms({ disbursements: [{ valueDate: '2025-03-10', amount: 0 }] })), 'INVALID_AMOUNT')
  t.equal(refusal(terms({ disbursements: [{ valueDate: '2025-03-10', amount: 1.5 }] })), 'INVALID_AMOUNT')
  t.equal(refusal(terms({ disbursements: [] })), 'INVALID_DISBURSEMENT')
  t.equal(refusal(terms({ disbursements: [{ valueDate: '2025-02-30', amount: 1 }] })), 'INVALID_DISBURSEMENT')
  t.equal(
    refusal(
      terms({
        disbursements: [
          { valueDate: '2025-04-01', amount: 1 },
          { valueDate: '2025-03-10', amount: 1 },
        ],
      }),
    ),
    'INVALID_DISBURSEMENT',
  )
  // Principal of 5,000,000 falls due on 2025-09-15 but only 1,000,000 has been disbursed by then.
  t.equal(
    refusal(
      terms({
        disbursements: [
          { valueDate: '2025-03-10', amount: 1_000_000 },
          { valueDate: '2025-10-01', amount: 29_000_000 },
        ],
      }),
    ),
    'INVALID_DISBURSEMENT',
  )
  t.equal(refusal(terms({ rates: [] })), 'INVALID_RATE')
  t.equal(refusal(terms({ rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 5500 }] })), 'INVALID_RATE')
  t.equal(refusal(terms({ rates: flatRate(-1) })), 'INVALID_RATE')
  t.end()
})

// ---- properties ----------------------------------------------------------------

const BASE_DATE = '2000-01-01'

/**
 * Valid terms: every tranche is dated before the first principal due date, so the
 * balance never goes negative. Terms are weighted towards the common 1–60 months
 * (dayjs makes a 240-month schedule cost ~20 ms), while still reaching 240.
 */
const termsArb: fc.Arbitrary<ScheduleTerms> = fc
  .record({
    termMonths: fc.oneof(
      { arbitrary: fc.integer({ min: 1, max: 60 }), weight: 4 },
      { arbitrary: fc.integer({ min: 61, max: 240 }), weight: 1 },
    ),
    everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
    graceFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    sessionDay: fc.integer({ min: 1, max: 28 }),
    firstOffsetDays: fc.integer({ min: 0, max: 12_000 }),
    tranches: fc.array(fc.record({ offset: fc.nat(), amount: fc.integer({ min: 1, max: 1_000_000_000_000 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    rateChanges: fc.array(fc.record({ offset: fc.nat(), monthlyRatePpm: fc.integer({ min: 0, max: 20_000 }) }), {
      maxLength: 3,
    }),
    baseRatePpm: fc.integer({ min: 0, max: 20_000 }),
  })
  .map((r): ScheduleTerms => {
    const graceMonths = Math.floor(r.graceFraction * r.termMonths)
    const first = addDays(BASE_DATE, r.firstOffsetDays)
    const principalPlan = { everyMonths: r.everyMonths, graceMonths }
    const firstPrincipalMonth = principalInstalmentMonths(r.termMonths, principalPlan)[0]!
    const trancheSpan = daysBetween(first, sessionDayInMonthAfter(first, firstPrincipalMonth, r.sessionDay)) // ≥ 1
    const offsets = r.tranches.map((x, i) => (i === 0 ? 0 : x.offset % trancheSpan)).sort((a, b) => a - b)
    const loanSpan = daysBetween(first, sessionDayInMonthAfter(first, r.termMonths, r.sessionDay)) + 1
    return {
      termMonths: r.termMonths,
      principalPlan,
      sessionDay: r.sessionDay,
      rates: [
        { effectiveFrom: '1900-01-01', monthlyRatePpm: r.baseRatePpm },
        ...r.rateChanges.map((c) => ({
          effectiveFrom: addDays(first, c.offset % loanSpan),
          monthlyRatePpm: c.monthlyRatePpm,
        })),
      ],
      disbursements: offsets.map((offset, i) => ({ valueDate: addDays(first, offset), amount: r.tranches[i]!.amount })),
    }
  })

// Every property below draws the same inputs (one seed per run of this file, printed by
// fast-check on failure), so each schedule is generated once and checked by every rule.
const RUNS = { numRuns: 200, seed: Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31)) }
const generated = new Map<string, Schedule>()
function scheduleOf(input: ScheduleTerms): Schedule {
  const key = JSON.stringify(input)
  let schedule = generated.get(key)
  if (!schedule) generated.set(key, (schedule = generateSchedule(input)))
  return schedule
}

t.test('property: Σ principal = Σ disbursed', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const schedule = scheduleOf(input)
      const disbursed = input.disbursements.reduce((s, d) => s + d.amount, 0)
      const principal = schedule.instalments.reduce((s, i) => s + i.principal, 0)
      return principal === disbursed && schedule.totalPrincipal === disbursed
    }),
    RUNS,
  )
  t.end()
})

t.test('property: no instalment has a negative principal or balance', (t) => {
  fc.assert(
    fc.property(termsArb, (input) =>
      scheduleOf(input).instalments.every((i) => i.principal >= 0 && i.balanceAfter >= 0),
    ),
    RUNS,
  )
  t.end()
})

t.test('property: due dates strictly increase and all fall on the session day', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const rows = scheduleOf(input).instalments
      const day = String(input.sessionDay).padStart(2, '0')
      return rows.every(
        (row, k) =>
          row.dueDate.slice(8) === day &&
          row.periodStart === (k === 0 ? input.disbursements[0]!.valueDate : rows[k - 1]!.dueDate) &&
          row.dueDate > row.periodStart,
      )
    }),
    RUNS,
  )
  t.end()
})

t.test('property: interest is never negative and the total is the sum of the months', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const schedule = scheduleOf(input)
      return (
        schedule.instalments.every((i) => Number.isSafeInteger(i.interest) && i.interest >= 0) &&
        schedule.totalInterest === schedule.instalments.reduce((s, i) => s + i.interest, 0)
      )
    }),
    RUNS,
  )
  t.end()
})

t.test('property: the last instalment leaves a balance of 0', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const rows = scheduleOf(input).instalments
      return rows.length === input.termMonths && rows[rows.length - 1]!.balanceAfter === 0
    }),
    RUNS,
  )
  t.end()
})

t.test('property: interest is 0 on every due date when the rate is 0', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const schedule = generateSchedule({ ...input, rates: flatRate(0) })
      return schedule.totalInterest === 0 && schedule.instalments.every((i) => i.interest === 0)
    }),
    RUNS,
  )
  t.end()
})

t.test('property: with one tranche and one rate, interest = balance × days × rate / 30,000,000, half-up', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      const single = { ...input, rates: input.rates.slice(0, 1), disbursements: input.disbursements.slice(0, 1) }
      const ppm = BigInt(single.rates[0]!.monthlyRatePpm)
      let balance = BigInt(single.disbursements[0]!.amount)
      return generateSchedule(single).instalments.every((row) => {
        const exact = balance * BigInt(daysBetween(row.periodStart, row.dueDate)) * ppm
        const expected = (exact * 2n + 30_000_000n) / 60_000_000n // half-up
        balance -= BigInt(row.principal)
        return BigInt(row.interest) === expected
      })
    }),
    { ...RUNS, numRuns: 100 },
  )
  t.end()
})

t.test('property: the schedule is deterministic', (t) => {
  fc.assert(
    fc.property(termsArb, (input) => {
      // Fresh computations, not the memo, and a deep copy of the input.
      const a = generateSchedule(input)
      const b = generateSchedule(structuredClone(input))
      return JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(a) === JSON.stringify(scheduleOf(input))
    }),
    { ...RUNS, numRuns: 50 },
  )
  t.end()
})

t.test(
  'a tranche dated on the final due date is refused as INVALID_DISBURSEMENT; one day earlier it is planned',
  (t) => {
    // First disbursement 2025-03-10, 36 months, session day 15: the final due date is 2028-03-15.
    const onFinal = terms({
      disbursements: [
        { valueDate: '2025-03-10', amount: 30_000_000 },
        { valueDate: '2028-03-15', amount: 1_000_000 },
      ],
    })
    t.equal(refusal(onFinal), 'INVALID_DISBURSEMENT')
    const after = terms({
      disbursements: [
        { valueDate: '2025-03-10', amount: 30_000_000 },
        { valueDate: '2028-04-01', amount: 1_000_000 },
      ],
    })
    t.equal(refusal(after), 'INVALID_DISBURSEMENT')
    const dayBefore = terms({
      disbursements: [
        { valueDate: '2025-03-10', amount: 30_000_000 },
        { valueDate: '2028-03-14', amount: 1_000_000 },
      ],
    })
    t.equal(refusal(dayBefore), undefined)
    const s = generateSchedule(dayBefore)
    t.equal(s.totalPrincipal, 31_000_000)
    // 31,000,000 over 6 principal instalments: floor = 5,166,666, the last takes 5,166,670.
    t.same(
      s.instalments.filter((i) => i.principal > 0).map((i) => i.principal),
      [5_166_666, 5_166_666, 5_166_666, 5_166_666, 5_166_666, 5_166_670],
    )
    t.equal(s.instalments.at(-1)!.balanceAfter, 0)
    // The last period (2028-02-15, 2028-03-15]: before the final instalment 5 × 5,166,666 = 25,833,330 has been
    // repaid,
    // so the balance is 30,000,000 − 25,833,330 = 4,166,670 for the 28 days 02-16 … 03-14 (2028 is a leap year)
    // and 5,166,670 on 03-15, the one day after the tranche:
    // (4,166,670 × 28 + 5,166,670) × 5,500 / 30,000,000 = 121,833,430 × 5,500 / 30,000,000 = 22,336.13… → 22,336
    t.equal(s.instalments.at(-1)!.interest, 22_336)
    t.end()
  },
)

t.test(
  'a total disbursed beyond the safe integer range is refused as INVALID_AMOUNT, though each tranche alone ' +
    'is valid',
  (t) => {
    const huge = Number.MAX_SAFE_INTEGER - 1
    t.equal(
      refusal(
        terms({
          disbursements: [
            { valueDate: '2025-03-10', amount: huge },
            { valueDate: '2025-04-10', amount: 2 },
          ],
        }),
      ),
      'INVALID_AMOUNT',
    )
    t.end()
  },
)
