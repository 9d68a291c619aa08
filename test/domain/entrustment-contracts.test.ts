/** Entrustment contracts by level, pure (docs/rules.md §23): which contract applies and who is paid. */
import t from 'tap'
import fc from 'fast-check'
import {
  applicableContract,
  feePayee,
  inForce,
  overlaps,
  partnerPath,
  type ContractTerm,
} from '../../src/domain/entrustment-contracts.js'

// A province union 1 → district associations 2, 3 → commune chapter 4 under 2.
const PARENT: Record<number, number | null> = { 1: null, 2: 1, 3: 1, 4: 2 }
const parentOf = (id: number) => PARENT[id] ?? null
const c = (id: number, partnerId: number, effectiveFrom: string, effectiveTo: string | null = null): ContractTerm => ({
  id,
  partnerId,
  effectiveFrom,
  effectiveTo,
})

t.test('§23 a contract is in force from effectiveFrom to effectiveTo inclusive (open when null)', async (t) => {
  const ended = c(1, 1, '2026-01-01', '2026-05-31')
  t.notOk(inForce(ended, '2025-12-31'))
  t.ok(inForce(ended, '2026-01-01'))
  t.ok(inForce(ended, '2026-05-31'))
  t.notOk(inForce(ended, '2026-06-30'))
  t.ok(inForce(c(2, 1, '2026-01-01'), '2099-12-31'))
})

t.test('§23 the path goes up the partner tree: chapter → association → union', async (t) => {
  t.same(partnerPath(4, parentOf), [4, 2, 1])
  t.same(partnerPath(3, parentOf), [3, 1])
  t.same(partnerPath(1, parentOf), [1])
  t.same(
    partnerPath(5, (id) => (id === 5 ? 6 : 5)),
    [5, 6],
    'a loop in the data stops the walk',
  )
})

t.test('§23 the nearest level with a contract in force wins; none → the partner itself, no contract', async (t) => {
  const union = c(10, 1, '2026-01-01')
  const assoc3 = c(11, 3, '2026-01-01', '2026-05-31')
  const list = [union, assoc3]
  t.same(feePayee([4, 2, 1], list, '2026-05-31'), { payeePartnerId: 1, contract: union }, "chapter 4's loans: union")
  t.same(feePayee([3, 1], list, '2026-05-31'), { payeePartnerId: 3, contract: assoc3 }, 'association 3 is nearer')
  t.same(feePayee([3, 1], list, '2026-06-30'), { payeePartnerId: 1, contract: union }, 'after its end: the union')
  t.same(feePayee([3, 1], [assoc3], '2026-06-30'), { payeePartnerId: 3, contract: null }, 'nothing in force')
  t.equal(applicableContract([4, 2, 1], list, '2025-12-31'), null)
  t.throws(() => feePayee([], list, '2026-06-30'))
})

const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, '0')}`)
const span = fc
  .tuple(day, fc.option(day))
  .map(([a, b]) =>
    b === null ? { effectiveFrom: a, effectiveTo: null } : { effectiveFrom: a < b ? a : b, effectiveTo: a < b ? b : a },
  )
const contracts = fc
  .array(fc.tuple(fc.constantFrom(1, 2, 3, 4), span), { maxLength: 8 })
  .map((xs) => xs.map(([partnerId, s], i) => ({ id: i + 1, partnerId, ...s })))
const path = fc.constantFrom<number[]>([4, 2, 1], [3, 1], [2, 1], [1])

t.test('§23 property: the payee is on the path, its contract in force, and no nearer partner has one', async (t) => {
  fc.assert(
    fc.property(path, contracts, day, (p, list, date) => {
      const { payeePartnerId, contract } = feePayee(p, list, date)
      const at = p.indexOf(payeePartnerId)
      if (at < 0) return false
      if (contract === null)
        return payeePartnerId === p[0] && list.every((k) => !p.includes(k.partnerId) || !inForce(k, date))
      return (
        contract.partnerId === payeePartnerId &&
        inForce(contract, date) &&
        p.slice(0, at).every((nearer) => list.every((k) => k.partnerId !== nearer || !inForce(k, date)))
      )
    }),
  )
  t.pass('checked')
})

t.test('§23 property: a contract far up the path never changes a payee that a nearer contract decides', async (t) => {
  fc.assert(
    fc.property(contracts, span, day, (list, s, date) => {
      const near = feePayee([4, 2, 1], list, date)
      const more = feePayee([4, 2, 1], [...list, { id: 99, partnerId: 1, ...s }], date)
      return near.contract === null || near.contract.partnerId === 1 || more.contract === near.contract
    }),
  )
  t.pass('checked')
})

t.test('§23 property: two spans overlap exactly when some day is in force in both', async (t) => {
  const days = Array.from({ length: 28 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}`)
  fc.assert(fc.property(span, span, (a, b) => overlaps(a, b) === days.some((d) => inForce(a, d) && inForce(b, d))))
  t.ok(overlaps({ effectiveFrom: '2026-01-01', effectiveTo: null }, { effectiveFrom: '2099-01-01', effectiveTo: null }))
})
