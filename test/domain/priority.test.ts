/** Priority attributes, pure (docs/rules.md §14): designations in force on a date, the village they cover. */
import t from 'tap'
import fc from 'fast-check'
import { inForce, overlaps, priorityOn, type Designation } from '../../src/domain/priority.js'

const d = (over: Partial<Designation>): Designation => ({
  designation: 'remote',
  village: null,
  effectiveFrom: '2026-01-01',
  effectiveTo: null,
  ...over,
})

t.test('§14 a designation is in force from effectiveFrom to effectiveTo inclusive', async (t) => {
  const ended = d({ effectiveTo: '2026-04-30' })
  t.notOk(inForce(ended, '2025-12-31'))
  t.ok(inForce(ended, '2026-01-01'))
  t.ok(inForce(ended, '2026-04-30'))
  t.notOk(inForce(ended, '2026-05-01'))
  t.ok(inForce(d({}), '2099-12-31'), 'open: in force ever after')
})

t.test('§14 priority = ethnic minority OR the commune / the village designated on the date', async (t) => {
  const none = { ethnicMinority: false, remote: false, especiallyDifficult: false, priority: false }
  t.same(priorityOn(false, 'Thôn 1', [], '2026-06-30'), none)
  t.same(priorityOn(true, 'Thôn 1', [], '2026-06-30'), { ...none, ethnicMinority: true, priority: true })
  const list = [d({ village: 'Thôn 2' }), d({ designation: 'especially_difficult', effectiveFrom: '2026-03-01' })]
  t.same(priorityOn(false, 'Thôn 1', list, '2026-02-01'), none, "another village's designation does not count")
  t.same(priorityOn(false, 'Thôn 2', list, '2026-02-01'), { ...none, remote: true, priority: true })
  t.same(priorityOn(false, 'Thôn 1', list, '2026-03-01'), { ...none, especiallyDifficult: true, priority: true })
})

t.test('§14 property: two designations overlap exactly when some day is in force in both', async (t) => {
  const span = fc
    .tuple(fc.integer({ min: 1, max: 28 }), fc.option(fc.integer({ min: 0, max: 10 })))
    .map(([from, len]) => ({
      effectiveFrom: `2026-01-${String(from).padStart(2, '0')}`,
      effectiveTo: len === null ? null : `2026-01-${String(Math.min(from + len, 31)).padStart(2, '0')}`,
    }))
  fc.assert(
    fc.property(span, span, (a, b) => {
      let shared = false
      for (let n = 1; n <= 31; n++) {
        const date = `2026-01-${String(n).padStart(2, '0')}`
        if (inForce(a, date) && inForce(b, date)) shared = true
      }
      // Open designations share every day after both start, within the month too.
      return overlaps(a, b) === shared
    }),
  )
  t.pass('checked')
})
