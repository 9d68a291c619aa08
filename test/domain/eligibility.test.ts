import t from 'tap'
import fc from 'fast-check'
import {
  ELIGIBILITY_REASONS,
  checkEligibility,
  type EligibilityInput,
  type ProgrammeRules,
} from '../../src/domain/eligibility.js'
import type { PovertyRecord, PovertyStatus } from '../../src/domain/poverty.js'
import { addDays } from '../../src/domain/dates.js'

// Seed programmes of docs/rules.md §2, as data.
const POOR: ProgrammeRules = {
  code: 'POOR',
  eligibleStatuses: ['poor'],
  eligibleAreas: 'any',
  maxAmount: 100_000_000,
  maxTermMonths: 120,
}
const ESCAPED: ProgrammeRules = {
  code: 'ESCAPED',
  eligibleStatuses: ['escaped'],
  eligibleAreas: 'any',
  maxAmount: 100_000_000,
  maxTermMonths: 60,
  escapedWindowMonths: 36,
}
const WATER_SANITATION: ProgrammeRules = {
  code: 'WATER_SANITATION',
  eligibleStatuses: 'any',
  eligibleAreas: ['rural'],
  maxAmount: 50_000_000,
  maxTermMonths: 60,
}
const JOB_CREATION: ProgrammeRules = {
  code: 'JOB_CREATION',
  eligibleStatuses: 'any',
  eligibleAreas: 'any',
  maxAmount: 100_000_000,
  maxTermMonths: 120,
}

function timeline(...entries: [PovertyStatus, string][]): PovertyRecord[] {
  return entries.map(([status, effectiveDate], i) => ({ status, effectiveDate, decisionNo: `QD-${i + 1}`, seq: i + 1 }))
}

const POOR_SINCE_2020 = timeline(['poor', '2020-01-15'])

function application(overrides: Partial<EligibilityInput> = {}): EligibilityInput {
  return {
    programme: POOR,
    household: { area: 'rural', timeline: POOR_SINCE_2020 },
    amount: 30_000_000,
    termMonths: 36,
    graceMonths: 0,
    applicationDate: '2025-03-01',
    existingLoans: [],
    openApplications: 0,
    ...overrides,
  }
}

const reasonsOf = (input: EligibilityInput) => checkEligibility(input).reasons

t.test('a poor household applying for POOR within the cap and term is eligible', (t) => {
  t.same(checkEligibility(application()), { eligible: true, reasons: [] })
  t.end()
})

t.test('an amount that is not a positive whole number is refused with AMOUNT_NOT_POSITIVE', (t) => {
  t.same(reasonsOf(application({ amount: 0 })), ['AMOUNT_NOT_POSITIVE'])
  t.same(reasonsOf(application({ amount: -1 })), ['AMOUNT_NOT_POSITIVE'])
  t.same(reasonsOf(application({ amount: 1_000_000.5 })), ['AMOUNT_NOT_POSITIVE'])
  t.same(reasonsOf(application({ amount: Number.NaN })), ['AMOUNT_NOT_POSITIVE'])
  t.end()
})

t.test('a term that is not a positive whole number of months is refused with TERM_NOT_POSITIVE', (t) => {
  t.equal(reasonsOf(application({ termMonths: 0 }))[0], 'TERM_NOT_POSITIVE')
  t.equal(reasonsOf(application({ termMonths: 12.5 }))[0], 'TERM_NOT_POSITIVE')
  t.end()
})

t.test('a term above the programme maximum is refused with TERM_ABOVE_MAX', (t) => {
  t.same(reasonsOf(application({ termMonths: 120 })), [])
  t.same(reasonsOf(application({ termMonths: 121 })), ['TERM_ABOVE_MAX'])
  t.same(reasonsOf(application({ programme: ESCAPED, termMonths: 61 })), ['TERM_ABOVE_MAX', 'ELIGIBILITY_STATUS'])
  t.end()
})

t.test('a grace period not shorter than the term is refused with GRACE_NOT_BELOW_TERM', (t) => {
  t.same(reasonsOf(application({ graceMonths: 35 })), [])
  t.same(reasonsOf(application({ graceMonths: 36 })), ['GRACE_NOT_BELOW_TERM'])
  t.same(reasonsOf(application({ graceMonths: -1 })), ['GRACE_NOT_BELOW_TERM'])
  t.end()
})

t.test('a household whose status on the application date is not eligible is refused with ELIGIBILITY_STATUS', (t) => {
  const nearPoor = timeline(['near_poor', '2020-01-15'])
  t.same(reasonsOf(application({ household: { area: 'rural', timeline: nearPoor } })), ['ELIGIBILITY_STATUS'])
  // No record at all: status 'none'.
  t.same(reasonsOf(application({ household: { area: 'rural', timeline: [] } })), ['ELIGIBILITY_STATUS'])
  // A poor household cannot borrow under ESCAPED (and is not told about a window).
  t.same(reasonsOf(application({ programme: ESCAPED })), ['ELIGIBILITY_STATUS'])
  t.end()
})

t.test('the status is read on the application date, not later', (t) => {
  const escapesLater = timeline(['poor', '2020-01-15'], ['escaped', '2025-06-01'])
  t.same(reasonsOf(application({ household: { area: 'rural', timeline: escapesLater } })), [])
  t.same(
    reasonsOf(application({ household: { area: 'rural', timeline: escapesLater }, applicationDate: '2025-06-01' })),
    ['ELIGIBILITY_STATUS'],
  )
  t.end()
})

t.test('an escaped household within 3 years of its exit is eligible for ESCAPED', (t) => {
  const escaped = timeline(['poor', '2019-01-15'], ['escaped', '2022-03-01'])
  // Window start = 2025-03-01 − 36 months = 2022-03-01: the exit is exactly on it.
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'urban', timeline: escaped } })), [])
  t.end()
})

t.test('an escaped household more than 3 years after its exit is refused with ESCAPED_WINDOW_EXPIRED', (t) => {
  const escaped = timeline(['poor', '2019-01-15'], ['escaped', '2022-02-28'])
  // Not also ELIGIBILITY_STATUS: the status is right, the window is not.
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'urban', timeline: escaped } })), [
    'ESCAPED_WINDOW_EXPIRED',
  ])
  // A re-confirmation of 'escaped' does not restart the window.
  const reconfirmed = timeline(['poor', '2019-01-15'], ['escaped', '2021-01-10'], ['escaped', '2024-06-01'])
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'urban', timeline: reconfirmed } })), [
    'ESCAPED_WINDOW_EXPIRED',
  ])
  t.end()
})

t.test('the window runs from the latest exit when the household fell back into poverty', (t) => {
  const twice = timeline(
    ['poor', '2017-01-15'],
    ['escaped', '2018-06-01'],
    ['near_poor', '2020-01-01'],
    ['escaped', '2023-09-01'],
  )
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'rural', timeline: twice } })), [])
  t.end()
})

t.test('a household first recorded as already escaped counts its window from that record', (t) => {
  const recent = timeline(['escaped', '2024-05-01'])
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'rural', timeline: recent } })), [])
  const old = timeline(['escaped', '2021-05-01'])
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'rural', timeline: old } })), [
    'ESCAPED_WINDOW_EXPIRED',
  ])
  // Recorded as not poor, then 'escaped': no removal from the list is on record.
  const neverPoor = timeline(['none', '2020-01-01'], ['escaped', '2024-05-01'])
  t.same(reasonsOf(application({ programme: ESCAPED, household: { area: 'rural', timeline: neverPoor } })), [
    'ESCAPED_WINDOW_EXPIRED',
  ])
  t.end()
})

t.test('an urban household is refused by the rural water programme with AREA_NOT_ELIGIBLE', (t) => {
  const any = timeline(['none', '2020-01-01'])
  t.same(reasonsOf(application({ programme: WATER_SANITATION, household: { area: 'rural', timeline: any } })), [])
  t.same(reasonsOf(application({ programme: WATER_SANITATION, household: { area: 'urban', timeline: any } })), [
    'AREA_NOT_ELIGIBLE',
  ])
  t.end()
})

t.test('a programme open to any household accepts a household with no poverty record', (t) => {
  t.same(reasonsOf(application({ programme: JOB_CREATION, household: { area: 'urban', timeline: [] } })), [])
  t.end()
})

t.test('an amount above the cap net of the outstanding principal is refused with AMOUNT_ABOVE_CAP', (t) => {
  t.same(reasonsOf(application({ amount: 100_000_000 })), [])
  t.same(reasonsOf(application({ amount: 100_000_001 })), ['AMOUNT_ABOVE_CAP'])
  const owing60m = [{ state: 'active' as const, outstandingPrincipal: 60_000_000 }]
  t.same(reasonsOf(application({ amount: 40_000_001, existingLoans: owing60m })), ['AMOUNT_ABOVE_CAP'])
  t.end()
})

t.test('a second loan in the same programme is fine while it fits under the cap', (t) => {
  const owing60m = [{ state: 'active' as const, outstandingPrincipal: 60_000_000 }]
  t.same(checkEligibility(application({ amount: 40_000_000, existingLoans: owing60m })), {
    eligible: true,
    reasons: [],
  })
  t.end()
})

t.test('a loan approved but not yet disbursed makes a new application a DUPLICATE_ACTIVE_LOAN', (t) => {
  const approved = [{ state: 'approved' as const, outstandingPrincipal: 10_000_000 }]
  t.same(reasonsOf(application({ amount: 10_000_000, existingLoans: approved })), ['DUPLICATE_ACTIVE_LOAN'])
  t.end()
})

t.test('another open application in the same programme is a DUPLICATE_ACTIVE_LOAN', (t) => {
  t.same(reasonsOf(application({ openApplications: 1 })), ['DUPLICATE_ACTIVE_LOAN'])
  t.end()
})

t.test('every failure is listed, in the fixed order; the first is the one reported', (t) => {
  const result = checkEligibility(
    application({
      programme: WATER_SANITATION,
      household: { area: 'urban', timeline: [] },
      amount: 60_000_000,
      termMonths: 61,
      graceMonths: 61,
      openApplications: 2,
    }),
  )
  t.same(result, {
    eligible: false,
    reasons: [
      'TERM_ABOVE_MAX',
      'GRACE_NOT_BELOW_TERM',
      'AREA_NOT_ELIGIBLE',
      'AMOUNT_ABOVE_CAP',
      'DUPLICATE_ACTIVE_LOAN',
    ],
  })
  t.end()
})

// ---- properties ----------------------------------------------------------------

function byOrder(a: string, b: string): number {
  return ELIGIBILITY_REASONS.indexOf(a as never) - ELIGIBILITY_REASONS.indexOf(b as never)
}

const STATUSES: PovertyStatus[] = ['poor', 'near_poor', 'escaped', 'none']
const APPLICATION_DATE = '2025-03-01'

const inputArb: fc.Arbitrary<EligibilityInput> = fc.record({
  programme: fc.constantFrom(POOR, ESCAPED, WATER_SANITATION, JOB_CREATION),
  household: fc.record({
    area: fc.constantFrom('urban' as const, 'rural' as const),
    timeline: fc
      .array(fc.record({ status: fc.constantFrom(...STATUSES), day: fc.integer({ min: -2_500, max: 30 }) }), {
        maxLength: 5,
      })
      .map((rows) =>
        rows.map((r, i) => ({
          status: r.status,
          effectiveDate: addDays(APPLICATION_DATE, r.day),
          decisionNo: `QD-${i}`,
          seq: i + 1,
        })),
      ),
  }),
  amount: fc.integer({ min: -10, max: 120_000_000 }),
  termMonths: fc.integer({ min: 0, max: 130 }),
  graceMonths: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 12 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 130 }), weight: 1 },
  ),
  applicationDate: fc.constant(APPLICATION_DATE),
  existingLoans: fc.array(
    fc.record({
      state: fc.constantFrom('approved' as const, 'active' as const),
      outstandingPrincipal: fc.integer({ min: 0, max: 60_000_000 }),
    }),
    { maxLength: 2 },
  ),
  openApplications: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.constant(1), weight: 1 }),
})

const RUNS = { numRuns: 200 }

t.test('property: an eligible application stays eligible with a smaller amount', (t) => {
  fc.assert(
    fc.property(inputArb, fc.double({ min: 0, max: 1, noNaN: true }), (input, fraction) => {
      fc.pre(checkEligibility(input).eligible)
      const smaller = Math.max(1, Math.floor(input.amount * fraction))
      return checkEligibility({ ...input, amount: smaller }).eligible
    }),
    RUNS,
  )
  t.end()
})

t.test('property: eligible exactly when there is no reason, and reasons come once each in the fixed order', (t) => {
  fc.assert(
    fc.property(inputArb, (input) => {
      const { eligible, reasons } = checkEligibility(input)
      const sorted = [...new Set(reasons)].sort(byOrder)
      return eligible === (reasons.length === 0) && JSON.stringify(sorted) === JSON.stringify(reasons)
    }),
    RUNS,
  )
  t.end()
})

t.test('property: the order of the poverty timeline does not matter', (t) => {
  fc.assert(
    fc.property(inputArb, (input) => {
      const reversed = {
        ...input,
        household: { ...input.household, timeline: [...input.household.timeline].reverse() },
      }
      return JSON.stringify(checkEligibility(reversed)) === JSON.stringify(checkEligibility(input))
    }),
    RUNS,
  )
  t.end()
})

t.test('property: owing more in the programme never turns a refusal into an approval', (t) => {
  fc.assert(
    fc.property(inputArb, fc.integer({ min: 1, max: 50_000_000 }), (input, more) => {
      fc.pre(!checkEligibility(input).eligible)
      const owingMore = {
        ...input,
        existingLoans: [...input.existingLoans, { state: 'active' as const, outstandingPrincipal: more }],
      }
      return !checkEligibility(owingMore).eligible
    }),
    RUNS,
  )
  t.end()
})
