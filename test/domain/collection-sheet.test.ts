/**
 * The collection sheet's amounts of a loan (docs/rules.md §7, §11): read from the
 * replay as of the session date, so that paying exactly the sheet's total on that
 * date leaves nothing overdue and nothing due.
 */
import t from 'tap'
import fc from 'fast-check'
import { replay, type LoanContract, type LoanEvent } from '../../src/domain/loan-engine.js'
import { NO_AMOUNTS, addAmounts, sheetAmounts } from '../../src/domain/collection-sheet.js'
import { addDays } from '../../src/domain/dates.js'
import { DomainError } from '../../src/domain/errors.js'
import type { EveryMonths } from '../../src/domain/schedule.js'

const contract = (over: Partial<LoanContract> = {}): LoanContract => ({
  approvedAmount: 3_000_000,
  termMonths: 3,
  principalPlan: { everyMonths: 1, graceMonths: 0 },
  sessionDay: 15,
  rates: [{ effectiveFrom: '1900-01-01', monthlyRatePpm: 5500 }],
  overdueRatePct: 130,
  ...over,
})

t.test(
  'when an instalment is unpaid past its due date, then the sheet shows it overdue with penalty interest, ' +
    'and the next one due',
  async (t) => {
    // 3,000,000 in 3 × 1,000,000, disbursed 2025-01-10: due 02-15, 03-15, 04-15; nothing paid.
    const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd', seq: 1, valueDate: '2025-01-10', amount: 3_000_000 }]
    const a = sheetAmounts(replay(contract(), events, '2025-03-15'))
    // Period 1 (01-10, 02-15] 36 days on 3,000,000: 3,000,000 × 36 × 5500 / 30,000,000 = 19,800 (overdue since
    // 02-16).
    // Period 2 (02-15, 03-15] 28 days: in term 2,000,000 × 28 × 5500 / 3e7 = 10,266.67 → 10,267 (interest due
    // today);
    // penalty on 1,000,000 overdue: 1,000,000 × 28 × 5500 × 1.3 / 3e7 = 6,673.33 → 6,673.
    t.same(a, {
      overdueInterest: 19_800 + 6_673,
      overduePrincipal: 1_000_000,
      interestDue: 10_267,
      principalDue: 1_000_000,
      total: 2_036_740,
      interest: 36_740,
      principal: 2_000_000,
    })
  },
)

t.test(
  'when the loan is not active on the date (not yet disbursed, closed, written off), then the sheet asks nothing',
  async (t) => {
    t.same(sheetAmounts(replay(contract(), [], '2025-03-15')), NO_AMOUNTS)
    const events: LoanEvent[] = [
      { kind: 'disbursement', id: 'd', seq: 1, valueDate: '2025-01-10', amount: 3_000_000 },
      { kind: 'write_off', id: 'w', seq: 2, valueDate: '2025-06-10' },
    ]
    t.same(sheetAmounts(replay(contract(), events, '2025-07-15')), NO_AMOUNTS)
  },
)

t.test('addAmounts sums every component', async (t) => {
  const one = {
    principalDue: 1,
    interestDue: 2,
    overduePrincipal: 3,
    overdueInterest: 4,
    total: 10,
    interest: 6,
    principal: 4,
  }
  t.same(addAmounts(addAmounts({ ...NO_AMOUNTS }, one), one), {
    principalDue: 2,
    interestDue: 4,
    overduePrincipal: 6,
    overdueInterest: 8,
    total: 20,
    interest: 12,
    principal: 8,
  })
})

type Step = { gapDays: number; kind: 'pay' | 'freeze' | 'extend'; share: number }

const loanArb = fc.record({
  termMonths: fc.integer({ min: 1, max: 24 }),
  everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
  grace: fc.nat(),
  sessionDay: fc.integer({ min: 1, max: 28 }),
  ppm: fc.integer({ min: 0, max: 12_000 }),
  amount: fc.integer({ min: 1_000, max: 100_000_000 }),
  startOffset: fc.integer({ min: 0, max: 700 }),
  steps: fc.array(
    fc.record({
      gapDays: fc.integer({ min: 0, max: 90 }),
      kind: fc.constantFrom<Step['kind']>('pay', 'pay', 'pay', 'pay', 'freeze', 'extend'),
      share: fc.integer({ min: 1, max: 100 }),
    }),
    { maxLength: 10 },
  ),
  tailDays: fc.integer({ min: 0, max: 800 }),
})

t.test(
  'property: a repayment of exactly the sheet total on the sheet date leaves nothing overdue and nothing ' +
    'due, allocated component by component',
  async (t) => {
    let paid = 0
    fc.assert(
      fc.property(loanArb, (r) => {
        const c = contract({
          approvedAmount: r.amount,
          termMonths: r.termMonths,
          sessionDay: r.sessionDay,
          principalPlan: { everyMonths: r.everyMonths, graceMonths: r.grace % r.termMonths },
          rates: [{ effectiveFrom: '1900-01-01', monthlyRatePpm: r.ppm }],
        })
        let date = addDays('2024-01-01', r.startOffset)
        const events: LoanEvent[] = [{ kind: 'disbursement', id: 'e0', seq: 0, valueDate: date, amount: r.amount }]
        let seq = 1
        for (const s of r.steps) {
          date = addDays(date, s.gapDays)
          const state = replay(c, events, date)
          if (state.state !== 'active') break
          const base = { id: `e${seq}`, seq: seq++, valueDate: date }
          const e: LoanEvent =
            s.kind === 'pay'
              ? { ...base, kind: 'repayment', amount: Math.max(1, Math.floor((state.payoffAmount * s.share) / 100)) }
              : s.kind === 'freeze'
                ? { ...base, kind: 'freeze', untilDate: addDays(date, s.share) }
                : {
                    ...base,
                    kind: 'extension',
                    instalmentNumber: 1 + (s.share % r.termMonths),
                    newDueDate: addDays(date, 20 + s.share),
                  }
          events.push(e)
          try {
            replay(c, events, date)
          } catch (err) {
            if (!(err instanceof DomainError)) throw err
            events.pop()
          }
        }
        const sheetDate = addDays(date, r.tailDays)
        const before = replay(c, events, sheetDate)
        const a = sheetAmounts(before)
        if (a.total === 0) return
        paid++
        const after = replay(
          c,
          [...events, { kind: 'repayment', id: 'sheet', seq: 1_000, valueDate: sheetDate, amount: a.total }],
          sheetDate,
        )
        const expected = {
          overdueInterest: a.overdueInterest,
          overduePrincipal: a.overduePrincipal,
          interest: a.interestDue,
          principal: a.principalDue,
          prepaid: 0,
        }
        if (JSON.stringify(after.allocations.sheet) !== JSON.stringify(expected))
          throw new Error(`allocation ${JSON.stringify(after.allocations.sheet)} ≠ sheet ${JSON.stringify(expected)}`)
        const left = {
          overduePrincipal: after.overduePrincipal,
          overdueInterest: after.overdueInterest,
          interestDue: after.interestDue,
          principalDueNow: after.principalDueNow,
        }
        if (Object.values(left).some((v) => v !== 0))
          throw new Error(`left after paying the sheet total: ${JSON.stringify(left)}`)
        if (after.outstandingPrincipal !== before.outstandingPrincipal - a.principal)
          throw new Error('outstanding principal fell by more than the principal paid')
        if (a.interest + a.principal !== a.total) throw new Error('interest + principal ≠ total')
      }),
      { numRuns: 300 },
    )
    t.ok(paid > 100, `most runs had something to pay (${paid})`)
  },
)
