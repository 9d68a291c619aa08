import t from 'tap'
import fc from 'fast-check'
import { freezeUntil, measureFor, type ReliefLoanFacts } from '../../src/domain/relief.js'

const inst = (number: number, effectiveDueDate: string, paidOffOn: string | null = null) => ({
  number,
  effectiveDueDate,
  paidOffOn,
})
const active = (over: Partial<ReliefLoanFacts> = {}): ReliefLoanFacts => ({
  state: 'active',
  freeze: null,
  instalments: [inst(1, '2026-02-15', '2026-02-15'), inst(2, '2026-03-15'), inst(3, '2026-04-15')],
  ...over,
})

t.test('an extension moves the earliest instalment not paid off by the months, from its current due date', (t) => {
  t.same(measureFor({ kind: 'extension', valueDate: '2026-06-30', months: 13 }, active()), {
    ok: true,
    measure: { kind: 'extension', instalmentNumber: 2, newDueDate: '2027-04-15' },
  })
  // Month ends clamp: 2026-01-31 + 1 month = 2026-02-28.
  t.same(
    measureFor(
      { kind: 'extension', valueDate: '2026-01-20', months: 1 },
      active({ instalments: [inst(1, '2026-01-31')] }),
    ),
    { ok: true, measure: { kind: 'extension', instalmentNumber: 1, newDueDate: '2026-02-28' } },
  )
  t.same(
    measureFor(
      { kind: 'extension', valueDate: '2026-06-30', months: 3 },
      active({ instalments: [inst(1, '2026-02-15', '2026-02-15')] }),
    ),
    { ok: false, reason: 'NOTHING_TO_EXTEND' },
  )
  t.end()
})

t.test('a freeze runs from the value date to untilDate or value date + months', (t) => {
  t.same(measureFor({ kind: 'freeze', valueDate: '2026-06-30', months: 6 }, active()), {
    ok: true,
    measure: { kind: 'freeze', fromDate: '2026-06-30', untilDate: '2026-12-30' },
  })
  t.equal(freezeUntil({ kind: 'freeze', valueDate: '2026-06-30', untilDate: '2026-09-01', months: 6 }), '2026-09-01')
  t.throws(() => freezeUntil({ kind: 'freeze', valueDate: '2026-06-30' }), RangeError)
  t.end()
})

t.test('loans left out before their rules are tried: not active, already frozen on the value date', (t) => {
  t.same(measureFor({ kind: 'freeze', valueDate: '2026-06-30', months: 6 }, active({ state: 'approved' })), {
    ok: false,
    reason: 'NOT_ACTIVE',
  })
  const frozen = active({ freeze: { from: '2026-06-20', until: '2026-09-20' } })
  t.same(measureFor({ kind: 'freeze', valueDate: '2026-06-30', months: 6 }, frozen), {
    ok: false,
    reason: 'ALREADY_FROZEN',
  })
  // Frozen from the value date itself (the window is (from, until]) or ended before: not frozen on it.
  t.match(measureFor({ kind: 'freeze', valueDate: '2026-06-20', months: 6 }, frozen), { ok: true })
  t.match(measureFor({ kind: 'freeze', valueDate: '2026-09-21', months: 6 }, frozen), { ok: true })
  // An extension does not care about a freeze.
  t.match(measureFor({ kind: 'extension', valueDate: '2026-06-30', months: 6 }, frozen), { ok: true })
  t.end()
})

t.test('property: the extended due date is later than the current one, by exactly the months', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 120 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
      (months, paid) => {
        const instalments = paid.map((p, i) =>
          inst(i + 1, `2026-${String(i + 1).padStart(2, '0')}-15`, p ? '2026-01-01' : null),
        )
        const r = measureFor({ kind: 'extension', valueDate: '2026-06-30', months }, active({ instalments }))
        const first = instalments.find((i) => i.paidOffOn === null)
        if (!first) return !r.ok && r.reason === 'NOTHING_TO_EXTEND'
        if (!r.ok || r.measure.kind !== 'extension') return false
        const [y, m] = first.effectiveDueDate.split('-').map(Number) as [number, number]
        const total = y * 12 + (m - 1) + months
        const expected = `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}-15`
        return r.measure.instalmentNumber === first.number && r.measure.newDueDate === expected
      },
    ),
  )
  t.end()
})
