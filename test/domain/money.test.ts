/**
 * Money (docs/rules.md §1): integer VND with no minor unit; every sum stays a safe integer; products
 * that can pass 2^53 are computed in BigInt; every division names its rounding (half-up for interest
 * and fees, floor for principal splits).
 */
import t from 'tap'
import fc from 'fast-check'
import { assertVnd, divFloor, divHalfUp, sumVnd, toSafeNumber } from '../../src/domain/money.js'
import { DomainError } from '../../src/domain/errors.js'

const MAX = Number.MAX_SAFE_INTEGER

function codeOf(run: () => unknown): string | undefined {
  try {
    run()
    return undefined
  } catch (err) {
    return err instanceof DomainError ? err.code : (err as Error).name
  }
}

t.test(
  'an amount of VND is a non-negative whole number: fractions, negatives and unsafe numbers are INVALID_AMOUNT',
  (t) => {
    t.equal(assertVnd(0), 0)
    t.equal(assertVnd(1_500_000), 1_500_000)
    t.equal(assertVnd(MAX), MAX)
    for (const bad of [-1, 0.5, 1_000_000.01, MAX + 1, Number.NaN, Number.POSITIVE_INFINITY, -0.1]) {
      t.equal(
        codeOf(() => assertVnd(bad)),
        'INVALID_AMOUNT',
        String(bad),
      )
    }
    let err: unknown
    try {
      assertVnd(-3, 'repayment')
    } catch (e) {
      err = e
    }
    t.match(
      (err as Error).message,
      /^repayment must be a non-negative whole number of VND, got -3$/,
      'the message names what was wrong',
    )
    t.end()
  },
)

t.test('half-up division: 5/2 → 3, 7/2 → 4, 4/3 → 1, 5/3 → 2, 0/7 → 0 (… .5 goes up)', (t) => {
  t.equal(divHalfUp(5n, 2n), 3n)
  t.equal(divHalfUp(7n, 2n), 4n)
  t.equal(divHalfUp(4n, 3n), 1n)
  t.equal(divHalfUp(5n, 3n), 2n)
  t.equal(divHalfUp(0n, 7n), 0n)
  // docs/rules.md §1: 12,345,678 × 31 × 6,600 / 30,000,000 = 84,197.52… → 84,198
  t.equal(divHalfUp(12_345_678n * 31n * 6_600n, 30_000_000n), 84_198n)
  t.end()
})

t.test('property: half-up division is the nearest integer, ties going up', (t) => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 15n }), (n, d) => {
      const q = divHalfUp(n, d)
      // q is the rounding of n/d half-up ⇔ q − 1/2 ≤ n/d < q + 1/2 ⇔ (2q − 1)·d ≤ 2n < (2q + 1)·d
      return (2n * q - 1n) * d <= 2n * n && 2n * n < (2n * q + 1n) * d
    }),
    { numRuns: 500 },
  )
  t.end()
})

t.test('half-up division refuses a zero or negative denominator and a negative numerator', (t) => {
  t.equal(
    codeOf(() => divHalfUp(1n, 0n)),
    'RangeError',
  )
  t.equal(
    codeOf(() => divHalfUp(1n, -2n)),
    'RangeError',
  )
  t.equal(
    codeOf(() => divHalfUp(-1n, 2n)),
    'RangeError',
  )
  t.end()
})

t.test(
  'property: floor division of safe integers equals BigInt division (which truncates, the same for non-negatives)',
  (t) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 1, max: MAX }), (n, d) => {
        const q = divFloor(n, d)
        return Number.isSafeInteger(q) && BigInt(q) === BigInt(n) / BigInt(d)
      }),
      { numRuns: 500 },
    )
    t.equal(divFloor(10_000_000, 3), 3_333_333, 'a principal split takes the floor: 10,000,000 / 3')
    t.end()
  },
)

t.test('floor division takes only non-negative safe integers and a positive denominator', (t) => {
  for (const [n, d] of [
    [1, 0],
    [1, -3],
    [-1, 3],
    [1.5, 2],
    [4, 2.5],
    [MAX + 1, 2],
    [4, Number.NaN],
  ] as const) {
    t.equal(
      codeOf(() => divFloor(n, d)),
      'RangeError',
      `${n} / ${d}`,
    )
  }
  t.end()
})

t.test('a BigInt result becomes a number only inside the safe integer range', (t) => {
  t.equal(toSafeNumber(0n), 0)
  t.equal(toSafeNumber(BigInt(MAX)), MAX)
  t.equal(toSafeNumber(-BigInt(MAX)), -MAX)
  t.equal(
    codeOf(() => toSafeNumber(BigInt(MAX) + 1n)),
    'RangeError',
  )
  t.equal(
    codeOf(() => toSafeNumber(-BigInt(MAX) - 1n)),
    'RangeError',
  )
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }), (n) => {
      const safe = n >= -BigInt(MAX) && n <= BigInt(MAX)
      if (!safe) return codeOf(() => toSafeNumber(n)) === 'RangeError'
      return toSafeNumber(n) === Number(n.toString())
    }),
    { numRuns: 300 },
  )
  t.end()
})

t.test('a sum of amounts is exact, and a sum beyond the safe integer range is refused', (t) => {
  t.equal(sumVnd([]), 0)
  t.equal(sumVnd([1_000_000, 2_500_000, 333_334]), 3_833_334)
  t.equal(
    codeOf(() => sumVnd([MAX, 1])),
    'RangeError',
  )
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 15 }), { maxLength: 20 }), (values) => {
      const exact = values.reduce((a, v) => a + BigInt(v), 0n)
      if (exact > BigInt(MAX)) return codeOf(() => sumVnd(values)) === 'RangeError'
      return BigInt(sumVnd(values)) === exact
    }),
    { numRuns: 300 },
  )
  t.end()
})
