import t from 'tap'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import {
  allocatePayment,
  replay,
  type InstalmentState,
  type LoanContract,
  type LoanEvent,
} from '../../src/domain/loan-engine.js'
import { addDays } from '../../src/domain/dates.js'
import type { EveryMonths } from '../../src/domain/schedule.js'

// The repayment waterfall (docs/rules.md §7), checked against a straightforward reference that works on the
// instalments the loan shows just before the payment (the replay as of its value date, without it).

type Owed = Pick<
  InstalmentState,
  | 'number'
  | 'dueDate'
  | 'effectiveDueDate'
  | 'principalDue'
  | 'principalPaid'
  | 'interestCharged'
  | 'interestPaid'
  | 'penaltyCharged'
  | 'penaltyPaid'
>

/** Each instalment's paid amounts after paying `amount` on `day`, step by step, as the rules say. */
function referenceWaterfall(before: readonly Owed[], day: string, amount: number): Owed[] {
  const insts = before.map((i) => ({ ...i }))
  let left = amount
  const take = (owed: number) => {
    const x = Math.min(left, owed)
    left -= x
    return x
  }
  const byDue = [...insts].sort((a, b) =>
    a.effectiveDueDate < b.effectiveDueDate ? -1 : a.effectiveDueDate > b.effectiveDueDate ? 1 : a.number - b.number,
  )
  const pastDue = byDue.filter((i) => i.effectiveDueDate < day)
  const inTerm = byDue.filter((i) => i.effectiveDueDate >= day)
  for (const i of pastDue) i.interestPaid += take(i.interestCharged - i.interestPaid)
  for (const i of insts) i.penaltyPaid += take(i.penaltyCharged - i.penaltyPaid)
  for (const i of pastDue) i.principalPaid += take(i.principalDue - i.principalPaid)
  for (const i of inTerm) i.interestPaid += take(i.interestCharged - i.interestPaid)
  for (const i of inTerm) if (i.dueDate <= day) i.principalPaid += take(i.principalDue - i.principalPaid)
  for (const i of [...insts].reverse()) if (i.dueDate > day) i.principalDue -= take(i.principalDue - i.principalPaid)
  assert.equal(left, 0, 'the payment is never more than the payoff')
  return insts
}

const pick = ({
  number,
  dueDate,
  effectiveDueDate,
  principalDue,
  principalPaid,
  interestCharged,
  interestPaid,
  penaltyCharged,
  penaltyPaid,
}: Owed): Owed => ({
  number,
  dueDate,
  effectiveDueDate,
  principalDue,
  principalPaid,
  interestCharged,
  interestPaid,
  penaltyCharged,
  penaltyPaid,
})

const action = fc.record({
  kind: fc.constantFrom('pay', 'pay', 'pay', 'pay', 'payoff', 'tranche', 'extend', 'freeze'),
  gapDays: fc.integer({ min: 0, max: 75 }),
  share: fc.double({ min: 0, max: 1, noNaN: true }),
  instalment: fc.integer({ min: 1, max: 24 }),
  days: fc.integer({ min: 1, max: 200 }),
})

t.test(
  'when a repayment is replayed, then its split over the buckets and over the instalments is the reference ' +
    'waterfall on the dues of its value date',
  async (t) => {
    let payments = 0
    fc.assert(
      fc.property(
        fc.record({
          termMonths: fc.integer({ min: 1, max: 24 }),
          everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
          grace: fc.nat(),
          sessionDay: fc.integer({ min: 1, max: 28 }),
          ppm: fc.integer({ min: 0, max: 15_000 }),
          start: fc.integer({ min: 0, max: 1500 }),
          actions: fc.array(action, { maxLength: 14 }),
        }),
        (r) => {
          const c: LoanContract = {
            approvedAmount: 30_000_000,
            termMonths: r.termMonths,
            principalPlan: { everyMonths: r.everyMonths, graceMonths: r.grace % r.termMonths },
            sessionDay: r.sessionDay,
            rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: r.ppm }],
            overdueRatePct: 130,
          }
          let date = addDays('2023-01-01', r.start)
          const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd0', seq: 0, valueDate: date, amount: 20_000_000 }]
          let seq = 1
          for (const a of r.actions) {
            date = addDays(date, a.gapDays)
            const base = { id: `e${seq}`, seq: seq++, valueDate: date }
            let before
            try {
              before = replay(c, events, date)
            } catch {
              break
            }
            if (before.state !== 'active') break
            let e: LoanEvent
            if (a.kind === 'pay' || a.kind === 'payoff') {
              const amount =
                a.kind === 'payoff' ? before.payoffAmount : Math.max(1, Math.floor(before.payoffAmount * a.share))
              if (before.payoffAmount === 0) continue
              e = { kind: 'repayment', ...base, amount }
            } else if (a.kind === 'tranche')
              e = { kind: 'disbursement', ...base, amount: Math.max(1, Math.floor(10_000_000 * a.share)) }
            else if (a.kind === 'freeze') e = { kind: 'freeze', ...base, untilDate: addDays(date, a.days) }
            else
              e = {
                kind: 'extension',
                ...base,
                instalmentNumber: ((a.instalment - 1) % r.termMonths) + 1,
                newDueDate: addDays(date, a.days),
              }
            let after
            try {
              after = replay(c, [...events, e], date)
            } catch {
              continue // refused (e.g. an extension beyond its limit): not part of the history
            }
            events.push(e)
            if (e.kind !== 'repayment') continue
            payments++
            const got = after.allocations[e.id]!
            const dues = {
              overdueInterest: before.overdueInterest,
              overduePrincipal: before.overduePrincipal,
              interest: before.interestDue,
              principal: before.principalDueNow,
              prepayable: before.outstandingPrincipal - before.overduePrincipal - before.principalDueNow,
            }
            assert.deepEqual(
              got,
              allocatePayment(e.amount, dues),
              'the buckets are allocatePayment on the dues the loan showed',
            )
            assert.deepEqual(
              after.instalments.map(pick),
              referenceWaterfall(before.instalments.map(pick), date, e.amount),
              'each instalment is paid as the reference says',
            )
          }
        },
      ),
      { numRuns: 300 },
    )
    t.ok(payments > 300, `${payments} repayments checked`)
  },
)
