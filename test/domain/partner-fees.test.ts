/** splitByWeights (docs/rules.md §19): the shares of a fee over funding sources add up exactly. */
import t from 'tap'
import fc from 'fast-check'
import { splitByWeights } from '../../src/domain/partner-fees.js'

t.test('§19 split in proportion, the VND left over to the largest remainder', async (t) => {
  // 22,073 over bases 29,082,500 and 19,968,333: 13,087.199… and 8,985.800… → 13,087 + 8,985 = 22,072; the VND
  // left goes to the larger remainder (0.800) → 13,087 and 8,986.
  t.same(splitByWeights(22_073, [29_082_500, 19_968_333]), [13_087, 8_986])
  t.same(splitByWeights(10, [1, 1, 1]), [4, 3, 3], 'ties: the earlier weight')
  t.same(splitByWeights(-10, [1, 1, 1]), [-4, -3, -3], 'a negative total splits like a positive one')
  t.same(splitByWeights(7, [0, 0]), [7, 0], 'all weights 0: everything to the first')
  t.same(splitByWeights(5, [0, 3]), [0, 5])
  t.throws(() => splitByWeights(1.5, [1]))
  t.throws(() => splitByWeights(1, [-1]))
  t.throws(() => splitByWeights(1, []))
})

t.test('§19 property: shares add up to the total, each within one VND of its exact share', async (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      fc.array(fc.integer({ min: 0, max: 1_000_000_000_000 }), { minLength: 1, maxLength: 5 }),
      (total, weights) => {
        const shares = splitByWeights(total, weights)
        if (shares.reduce((a, s) => a + s, 0) !== total) return false
        const sum = weights.reduce((a, w) => a + w, 0)
        if (sum === 0) return true
        return shares.every((s, i) => Math.abs(s - (total * weights[i]!) / sum) < 1 + 1e-6)
      },
    ),
  )
  t.pass('checked')
})

t.test('§19 property: paying at most what is payable never takes a source below zero', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 1_000_000 }),
      (payable, ppm) => {
        const total = payable.reduce((a, p) => a + p, 0)
        const amount = Math.floor((total * ppm) / 1_000_000)
        return splitByWeights(amount, payable).every((s, i) => s >= 0 && s <= payable[i]!)
      },
    ),
  )
  t.pass('checked')
})
