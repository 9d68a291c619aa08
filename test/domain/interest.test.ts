import t from 'tap'
import fc from 'fast-check'
import {
  INTEREST_DENOMINATOR,
  interestFor,
  interestNumerator,
  rateDays,
  rateOn,
  rateSteps,
  roundInterest,
  sortRates,
  type RateVersion,
} from '../../src/domain/interest.js'
import { addDays, dayNumber } from '../../src/domain/dates.js'

// The reference: walk the interval (from, to] day by day, each day at the rate in force on it (rateOn).
function referenceNumerator(balance: number, from: string, to: string, rates: RateVersion[], pct: number): bigint {
  let total = 0n
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1))
    total += BigInt(balance) * BigInt(rateOn(rates, d)) * BigInt(pct)
  return total
}

/** Half-up by the schoolbook rule: the quotient, plus one when the remainder is at least half the denominator. */
function referenceRound(n: bigint): number {
  const q = n / INTEREST_DENOMINATOR
  return Number(2n * (n % INTEREST_DENOMINATOR) >= INTEREST_DENOMINATOR ? q + 1n : q)
}

const day = fc.integer({ min: dayNumber('2020-01-01'), max: dayNumber('2030-12-31') })
const date = day.map((n) => addDays('1970-01-01', n))
/**
 * 1–4 versions, the first in force from 2000; later ones (possibly on the same day: the later in the list wins)
 * inside the test window.
 */
const rates = fc
  .tuple(
    fc.integer({ min: 0, max: 20_000 }),
    fc.array(fc.record({ effectiveFrom: date, monthlyRatePpm: fc.integer({ min: 0, max: 20_000 }) }), { maxLength: 3 }),
  )
  .map(([first, later]) => [{ effectiveFrom: '2000-01-01', monthlyRatePpm: first }, ...later])

t.test(
  'when interest is computed over an interval with rate versions, then the numerator equals the day-by-day ' +
    'sum at the rate of each day',
  async () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000_000_000 }),
        date,
        fc.integer({ min: 0, max: 400 }),
        rates,
        fc.constantFrom(100, 130),
        (balance, from, days, rs, pct) => {
          const to = addDays(from, days)
          return interestNumerator(balance, from, to, rs, pct) === referenceNumerator(balance, from, to, rs, pct)
        },
      ),
      { numRuns: 400 },
    )
  },
)

t.test('when the engine sums rates over day numbers, then rateDays equals the day-by-day sum of rateOn', async () => {
  fc.assert(
    fc.property(day, fc.integer({ min: 0, max: 400 }), rates, (from, days, rs) => {
      let expected = 0
      for (let d = from + 1; d <= from + days; d++) expected += rateOn(rs, addDays('1970-01-01', d))
      return rateDays(rateSteps(rs), from, from + days) === expected
    }),
    { numRuns: 400 },
  )
})

t.test('when a numerator is rounded, then it is rounded half-up once as the schoolbook rule says', async (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 24n }), (n) => roundInterest(n) === referenceRound(n)),
    { numRuns: 2000 },
  )
  t.equal(roundInterest(INTEREST_DENOMINATOR / 2n), 1, 'exactly half rounds up')
  t.equal(roundInterest(INTEREST_DENOMINATOR / 2n - 1n), 0)
  t.throws(() => roundInterest(-1n), RangeError)
  t.throws(() => roundInterest(INTEREST_DENOMINATOR * 2n ** 60n), RangeError, 'beyond the safe integer range')
})

t.test('when a balance of 3,000,000 VND runs 30 days at 5,500 ppm, then the interest is 16,500 VND', async (t) => {
  t.equal(
    interestFor(3_000_000, '2025-01-10', '2025-02-09', [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }]),
    16_500,
  )
  t.equal(
    interestFor(3_000_000, '2025-01-10', '2025-02-09', [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }], 130),
    21_450,
  )
  t.equal(interestNumerator(0, '2025-01-10', '2025-02-09', []), 0n, 'no balance, no interest (and no rate needed)')
  t.equal(interestNumerator(5, '2025-01-10', '2025-01-10', []), 0n, 'an empty interval')
})

t.test(
  'when no rate is in force on the first day of interest, then interestNumerator refuses with a RangeError',
  async (t) => {
    t.throws(
      () =>
        interestNumerator(1_000, '2025-01-10', '2025-02-10', [{ effectiveFrom: '2025-01-12', monthlyRatePpm: 5500 }]),
      RangeError,
    )
    t.throws(() => interestNumerator(1_000, '2025-01-10', '2025-02-10', []), RangeError)
  },
)

t.test(
  'when rate versions are turned into steps, then a bad rate or date is refused with its code and same-day ' +
    'versions keep the later',
  async (t) => {
    t.throws(() => rateSteps([{ effectiveFrom: '2025-01-01', monthlyRatePpm: -1 }]), { code: 'INVALID_RATE' })
    t.throws(() => rateSteps([{ effectiveFrom: '2025-02-30', monthlyRatePpm: 1 }]), { code: 'INVALID_DATE' })
    t.same(
      rateSteps([
        { effectiveFrom: '2025-03-01', monthlyRatePpm: 2 },
        { effectiveFrom: '2025-01-01', monthlyRatePpm: 1 },
        { effectiveFrom: '2025-03-01', monthlyRatePpm: 3 },
      ]),
      [
        { fromDay: dayNumber('2025-01-01'), ppm: 1 },
        { fromDay: dayNumber('2025-03-01'), ppm: 3 },
      ],
    )
  },
)

t.test(
  'when rate versions are sorted, then they come in effectiveFrom order, versions of one day keep their ' +
    'list order, and the rate in force on any day is unchanged',
  async (t) => {
    const shuffled: RateVersion[] = [
      { effectiveFrom: '2025-07-01', monthlyRatePpm: 6000 },
      { effectiveFrom: '2024-01-01', monthlyRatePpm: 5500 },
      { effectiveFrom: '2025-07-01', monthlyRatePpm: 6600 },
      { effectiveFrom: '2025-01-01', monthlyRatePpm: 5000 },
    ]
    t.same(
      sortRates(shuffled).map((r) => r.monthlyRatePpm),
      [5500, 5000, 6000, 6600],
    )
    t.equal(shuffled[0]!.monthlyRatePpm, 6000, 'the input list is not reordered in place')
    fc.assert(
      fc.property(
        fc.array(fc.record({ effectiveFrom: date, monthlyRatePpm: fc.integer({ min: 0, max: 20_000 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        date,
        (versions, d) => {
          const sorted = sortRates(versions)
          // a permutation of the input…
          if (sorted.length !== versions.length || !versions.every((v) => sorted.includes(v))) return false
          // …in non-decreasing effectiveFrom order, ties in input order (the later in the list stays later, so it
          // still wins)…
          for (let i = 1; i < sorted.length; i++) {
            const a = sorted[i - 1]!
            const b = sorted[i]!
            if (a.effectiveFrom > b.effectiveFrom) return false
            if (a.effectiveFrom === b.effectiveFrom && versions.indexOf(a) > versions.indexOf(b)) return false
          }
          // …so the rate in force on a day is the same before and after sorting (reference: the last listed of the
          // latest versions ≤ d).
          const inForce = versions.filter((v) => v.effectiveFrom <= d)
          if (inForce.length === 0) return true
          const latest = inForce.reduce(
            (m, v) => (v.effectiveFrom > m ? v.effectiveFrom : m),
            inForce[0]!.effectiveFrom,
          )
          const expected = inForce.filter((v) => v.effectiveFrom === latest).at(-1)!.monthlyRatePpm
          return rateOn(sorted, d) === expected && rateOn(versions, d) === expected
        },
      ),
      { numRuns: 500 },
    )
  },
)
