import t from 'tap'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import {
  allocatePayment,
  classify,
  extensionLimitMonths,
  replay,
  type Allocation,
  type LoanContract,
  type LoanEvent,
  type LoanState,
} from '../../src/domain/loan-engine.js'
import { generateSchedule, type EveryMonths } from '../../src/domain/schedule.js'
import { addDays, addMonths, sessionDayInMonthAfter } from '../../src/domain/dates.js'
import { rateOn, roundInterest, type RateVersion } from '../../src/domain/interest.js'
import { DomainError } from '../../src/domain/errors.js'

// Interest = balance × days × ppm / 30,000,000 (30 days × 10^6 ppm), penalty × 130 / 100, half-up once per period.
// At 5,500 ppm one day costs: 3,000,000 → 550; 2,000,000 → 366.67; 1,000,000 → 183.33 (× 1.3 = 238.33 overdue).

const flatRate = (monthlyRatePpm: number): RateVersion[] => [{ effectiveFrom: '1900-01-01', monthlyRatePpm }]

function contract(overrides: Partial<LoanContract> = {}): LoanContract {
  return {
    approvedAmount: 3_000_000,
    termMonths: 3,
    principalPlan: { everyMonths: 1, graceMonths: 0 },
    sessionDay: 15,
    rates: flatRate(5500),
    overdueRatePct: 130,
    ...overrides,
  }
}

/** Events with ids and seq numbers in the order they are written. */
function ledger() {
  const events: LoanEvent[] = []
  let seq = 0
  const add = (e: LoanEvent): string => {
    events.push(e)
    return e.id
  }
  return {
    events,
    disburse: (valueDate: string, amount: number) =>
      add({ kind: 'disbursement', id: `d${++seq}`, seq, valueDate, amount }),
    pay: (valueDate: string, amount: number) => add({ kind: 'repayment', id: `r${++seq}`, seq, valueDate, amount }),
    extend: (valueDate: string, instalmentNumber: number, newDueDate: string) =>
      add({ kind: 'extension', id: `e${++seq}`, seq, valueDate, instalmentNumber, newDueDate }),
    freeze: (valueDate: string, untilDate: string) =>
      add({ kind: 'freeze', id: `f${++seq}`, seq, valueDate, untilDate }),
    writeOff: (valueDate: string) => add({ kind: 'write_off', id: `w${++seq}`, seq, valueDate }),
  }
}

/** 3,000,000 VND, 3 monthly instalments of 1,000,000, disbursed 2025-01-10: due 02-15, 03-15, 04-15. */
function threeMonthLoan() {
  const l = ledger()
  l.disburse('2025-01-10', 3_000_000)
  return l
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run()
    return undefined
  } catch (err) {
    return err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`
  }
}

const alloc = (a: Partial<Allocation>): Allocation => ({
  overdueInterest: 0,
  overduePrincipal: 0,
  interest: 0,
  principal: 0,
  prepaid: 0,
  ...a,
})

t.test('a repayment exactly per schedule closes the loan with every instalment paid off on its due date', (t) => {
  // Period 1 (01-10, 02-15] = 21 + 15 = 36 days on 3,000,000: 3,000,000 × 36 × 5,500 / 30,000,000 = 19,800.
  // Period 2 (02-15, 03-15] = 28 days on 2,000,000: 10,266.67 → 10,267.
  // Period 3 (03-15, 04-15] = 31 days on 1,000,000: 5,683.33 → 5,683.
  const l = threeMonthLoan()
  const r1 = l.pay('2025-02-15', 1_019_800)
  const r2 = l.pay('2025-03-15', 1_010_267)
  const r3 = l.pay('2025-04-15', 1_005_683)
  const s = replay(contract(), l.events, '2025-06-01')
  t.equal(s.state, 'closed')
  t.equal(s.classification, 'closed')
  t.equal(s.closedOn, '2025-04-15')
  t.same(
    s.instalments.map((i) => [
      i.dueDate,
      i.principalPaid,
      i.interestCharged,
      i.interestPaid,
      i.penaltyCharged,
      i.paidOffOn,
      i.overdueSince,
    ]),
    [
      ['2025-02-15', 1_000_000, 19_800, 19_800, 0, '2025-02-15', null],
      ['2025-03-15', 1_000_000, 10_267, 10_267, 0, '2025-03-15', null],
      ['2025-04-15', 1_000_000, 5_683, 5_683, 0, '2025-04-15', null],
    ],
  )
  t.same(s.allocations[r1], alloc({ interest: 19_800, principal: 1_000_000 }))
  t.same(s.allocations[r2], alloc({ interest: 10_267, principal: 1_000_000 }))
  t.same(s.allocations[r3], alloc({ interest: 5_683, principal: 1_000_000 }))
  t.same(s.totals, { principalRepaid: 3_000_000, interestRepaid: 35_750, penaltyRepaid: 0 })
  t.equal(s.payoffAmount, 0)
  t.equal(s.nextDueDate, null)
  t.end()
})

t.test(
  'paying a 120-month schedule with a rate change gives the planned interest of schedule.ts on every due date',
  (t) => {
    const rates = [
      { effectiveFrom: '2020-01-01', monthlyRatePpm: 5500 },
      { effectiveFrom: '2028-07-01', monthlyRatePpm: 6600 },
    ]
    const c = contract({
      approvedAmount: 100_000_000,
      termMonths: 120,
      principalPlan: { everyMonths: 3, graceMonths: 12 },
      rates,
    })
    const plan = generateSchedule({ ...c, disbursements: [{ valueDate: '2025-01-10', amount: 100_000_000 }] })
    const l = ledger()
    l.disburse('2025-01-10', 100_000_000)
    for (const i of plan.instalments) l.pay(i.dueDate, i.principal + i.interest)
    const s = replay(c, l.events, '2035-12-31')
    t.equal(s.closedOn, plan.instalments[119]!.dueDate)
    t.same(
      s.instalments.map((i) => [i.dueDate, i.principalDue, i.interestCharged, i.paidOffOn]),
      plan.instalments.map((i) => [i.dueDate, i.principal, i.interest, i.dueDate]),
    )
    t.end()
  },
)

t.test('a partial payment pays interest first, then principal; the unpaid rest is overdue from the day after', (t) => {
  const l = threeMonthLoan()
  const r1 = l.pay('2025-02-15', 50_000)
  let s = replay(contract(), l.events, '2025-02-15')
  // 19,800 interest of period 1, then 30,200 of the 1,000,000 principal.
  t.same(s.allocations[r1], alloc({ interest: 19_800, principal: 30_200 }))
  t.equal(s.principalDueNow, 969_800, 'due today is not overdue yet')
  t.equal(s.classification, 'in_term')

  s = replay(contract(), l.events, '2025-02-20')
  // Days 02-16..02-20 (5): penalty 969,800 × 5 × 5,500 × 130 / 3,000,000,000 = 1,155.68 → 1,156 (period 2);
  // contract interest on the 2,000,000 still in term: 2,000,000 × 5 × 5,500 / 30,000,000 = 1,833.33 → 1,833.
  t.equal(s.classification, 'overdue')
  t.equal(s.overduePrincipal, 969_800)
  t.equal(s.overdueInterest, 1_156)
  t.equal(s.interestDue, 1_833)
  t.equal(s.instalments[0]!.overdueSince, '2025-02-16')
  t.equal(s.instalments[1]!.penaltyCharged, 1_156)
  t.equal(s.payoffAmount, 2_969_800 + 1_156 + 1_833)

  const r2 = l.pay('2025-02-20', 970_956)
  s = replay(contract(), l.events, '2025-02-20')
  t.same(s.allocations[r2], alloc({ overdueInterest: 1_156, overduePrincipal: 969_800 }))
  t.equal(s.instalments[0]!.paidOffOn, '2025-02-20', 'paid off late: after its due date')
  t.equal(s.classification, 'in_term')
  t.end()
})

t.test('a late payment pays overdue interest at 130 % first, then overdue principal, interest, principal due', (t) => {
  // 12,000,000 VND, 12 months, 5,500 ppm, 1,000,000 principal monthly, session day 15, disbursed 2025-01-10.
  const c = contract({ approvedAmount: 12_000_000, termMonths: 12 })
  const l = ledger()
  l.disburse('2025-01-10', 12_000_000)
  // Instalment 1 (due 2025-02-15): 1,000,000 + 12,000,000 × 36 × 5,500 / 30,000,000 = 79,200 — unpaid.
  // Period 2 (02-15, 03-15] = 28 days: in term 11,000,000 × 28 × 5,500 / 30,000,000 = 56,466.67 → 56,467;
  // overdue 1,000,000 × 28 × 5,500 × 130 / 3,000,000,000 = 6,673.33 → 6,673 (penalty).
  let s = replay(c, l.events, '2025-03-15')
  t.equal(s.overdueInterest, 79_200 + 6_673)
  t.equal(s.overduePrincipal, 1_000_000)
  t.equal(s.interestDue, 56_467)
  t.equal(s.principalDueNow, 1_000_000)
  t.equal(s.payoffAmount, 85_873 + 12_000_000 + 56_467)
  t.equal(s.classification, 'overdue')
  // Paying 85,873 + 1,000,000 + 56,467 + 1,000,000 = 2,142,340 brings the loan back in term.
  const r = l.pay('2025-03-15', 2_142_340)
  s = replay(c, l.events, '2025-03-16')
  t.same(
    s.allocations[r],
    alloc({ overdueInterest: 85_873, overduePrincipal: 1_000_000, interest: 56_467, principal: 1_000_000 }),
  )
  t.same(
    s.instalments.slice(0, 2).map((i) => [i.penaltyCharged, i.paidOffOn, i.overdueSince]),
    [
      [0, '2025-03-15', '2025-02-16'],
      [6_673, '2025-03-15', null],
    ],
  )
  t.same(s.totals, { principalRepaid: 2_000_000, interestRepaid: 79_200 + 56_467, penaltyRepaid: 6_673 })
  t.equal(s.classification, 'in_term')
  t.equal(s.outstandingPrincipal, 10_000_000)
  t.end()
})

t.test('a prepayment reduces the last instalments first and lowers the later interest', (t) => {
  const l = threeMonthLoan()
  const r1 = l.pay('2025-02-15', 1_519_800) // 19,800 interest + 1,000,000 due + 500,000 prepaid
  let s = replay(contract(), l.events, '2025-02-15')
  t.same(s.allocations[r1], alloc({ interest: 19_800, principal: 1_000_000, prepaid: 500_000 }))
  t.same(
    s.instalments.map((i) => i.principalDue),
    [1_000_000, 1_000_000, 500_000],
  )
  // Period 2: 1,500,000 × 28 × 5,500 / 30,000,000 = 7,700. Period 3: 500,000 × 31 × 5,500 / 30,000,000 = 2,841.67 →
  // 2,842.
  l.pay('2025-03-15', 1_007_700)
  l.pay('2025-04-15', 502_842)
  s = replay(contract(), l.events, '2025-04-15')
  t.same(
    s.instalments.map((i) => [i.interestCharged, i.paidOffOn]),
    [
      [19_800, '2025-02-15'],
      [7_700, '2025-03-15'],
      [2_842, '2025-04-15'],
    ],
  )
  t.equal(s.closedOn, '2025-04-15')

  const big = threeMonthLoan()
  big.pay('2025-02-15', 2_519_800) // prepays 1,500,000: instalment 3 to 0, instalment 2 to 500,000
  s = replay(contract(), big.events, '2025-02-15')
  t.same(
    s.instalments.map((i) => i.principalDue),
    [1_000_000, 500_000, 0],
  )
  t.end()
})

t.test('an early full payoff pays interest only up to the payoff date', (t) => {
  const l = threeMonthLoan()
  l.pay('2025-02-15', 1_019_800)
  // (02-15, 03-01] = 14 days on 2,000,000: 2,000,000 × 14 × 5,500 / 30,000,000 = 5,133.33 → 5,133.
  t.equal(replay(contract(), l.events, '2025-03-01').payoffAmount, 2_005_133)
  const r = l.pay('2025-03-01', 2_005_133)
  const s = replay(contract(), l.events, '2025-12-31')
  t.same(s.allocations[r], alloc({ interest: 5_133, principal: 0, prepaid: 2_000_000 }))
  t.equal(s.state, 'closed')
  t.equal(s.closedOn, '2025-03-01')
  t.same(
    s.instalments.map((i) => [i.interestCharged, i.paidOffOn]),
    [
      [19_800, '2025-02-15'],
      [5_133, '2025-03-01'],
      [0, '2025-03-01'],
    ],
  )
  t.same(s.totals, { principalRepaid: 3_000_000, interestRepaid: 24_933, penaltyRepaid: 0 })
  t.equal(
    errorCode(() =>
      replay(
        contract(),
        [...l.events, { kind: 'repayment', id: 'late', seq: 99, valueDate: '2025-03-02', amount: 1 }],
        '2025-12-31',
      ),
    ),
    'LOAN_CLOSED',
  )
  t.end()
})

t.test('an extension moves a due date: paying after the original date but before the new one is not overdue', (t) => {
  const l = threeMonthLoan()
  l.extend('2025-02-10', 1, '2025-03-15')
  let s = replay(contract(), l.events, '2025-03-01')
  // Nothing is overdue; instalment 1's 1,000,000 stays in term: period 2 so far = (02-15, 03-01] = 14 days on
  // 3,000,000 = 3,000,000 × 14 × 5,500 / 30,000,000 = 7,700; interest due = 19,800 + 7,700.
  t.equal(s.classification, 'extended')
  t.equal(s.overdueInterest + s.overduePrincipal, 0)
  t.equal(s.interestDue, 27_500)
  t.equal(s.principalDueNow, 1_000_000)
  t.equal(s.instalments[0]!.effectiveDueDate, '2025-03-15')
  t.equal(s.nextDueDate, '2025-03-15')

  const r = l.pay('2025-03-01', 1_027_500)
  s = replay(contract(), l.events, '2025-03-15')
  t.same(s.allocations[r], alloc({ interest: 27_500, principal: 1_000_000 }))
  const first = s.instalments[0]!
  t.same([first.paidOffOn, first.overdueSince, first.penaltyCharged, first.extended], ['2025-03-01', null, 0, true])
  // Period 2 in all: 3,000,000 × 14 + 2,000,000 × 14 = 70,000,000 balance-days × 5,500 / 30,000,000 = 12,833.33 →
  // 12,833,
  // of which 7,700 was paid on 03-01.
  t.equal(s.instalments[1]!.interestCharged, 12_833)
  t.equal(s.interestDue, 12_833 - 7_700)
  t.equal(s.classification, 'in_term')

  // Without the extension the same day shows instalment 1 overdue with penalty.
  const plain = threeMonthLoan()
  t.equal(replay(contract(), plain.events, '2025-03-01').classification, 'overdue')
  t.end()
})

t.test('an extension beyond maturity keeps the principal in term at the contract rate until the new date', (t) => {
  const l = threeMonthLoan()
  l.pay('2025-02-15', 1_019_800)
  l.pay('2025-03-15', 1_010_267)
  l.extend('2025-04-10', 3, '2025-06-15')
  // Period 3: 1,000,000 × 31 days = 5,683.33 → 5,683. After maturity (04-15, 06-15] = 61 days in term on the
  // extended instalment: 1,000,000 × 61 × 5,500 / 30,000,000 = 11,183.33 → 11,183 (rounded on its own); 16,866 in
  // all.
  let s = replay(contract(), l.events, '2025-06-15')
  t.equal(s.classification, 'extended')
  t.equal(s.interestDue, 16_866)
  t.equal(s.overdueInterest, 0)
  // Unpaid, it falls overdue after the new date: 5 days × 1,000,000 × 130 % = 1,191.67 → 1,192 penalty (open
  // period).
  s = replay(contract(), l.events, '2025-06-20')
  t.same([s.classification, s.overduePrincipal, s.overdueInterest], ['overdue', 1_000_000, 16_866 + 1_192])
  t.equal(s.instalments[2]!.overdueSince, '2025-06-16')
  l.pay('2025-06-15', 1_016_866)
  s = replay(contract(), l.events, '2025-07-01')
  t.same([s.closedOn, s.instalments[2]!.paidOffOn, s.instalments[2]!.penaltyCharged], ['2025-06-15', '2025-06-15', 0])
  t.end()
})

t.test('an extension is limited, later than the current due date, and not for a paid instalment', (t) => {
  t.equal(extensionLimitMonths(3), 12)
  t.equal(extensionLimitMonths(12), 12)
  t.equal(extensionLimitMonths(36), 18)
  t.equal(extensionLimitMonths(120), 60)
  const tryExtend = (n: number, newDue: string, valueDate = '2025-02-10') => {
    const l = threeMonthLoan()
    l.pay('2025-02-15', 1_019_800)
    l.extend(valueDate, n, newDue)
    return errorCode(() => replay(contract(), l.events, '2025-03-01'))
  }
  t.equal(tryExtend(2, '2026-03-15', '2025-02-16'), undefined, '12 months is allowed for a short-term loan')
  t.equal(tryExtend(2, '2026-03-16', '2025-02-16'), 'EXTENSION_TOO_LONG')
  t.equal(tryExtend(2, '2025-03-14', '2025-02-16'), 'INVALID_EXTENSION')
  t.equal(tryExtend(1, '2025-03-15', '2025-02-16'), 'INSTALMENT_PAID')
  t.equal(tryExtend(4, '2025-06-15', '2025-02-16'), 'INVALID_EVENT')
  const long = contract({ approvedAmount: 36_000_000, termMonths: 36 })
  const l = ledger()
  l.disburse('2025-01-10', 36_000_000)
  l.extend('2025-02-01', 1, '2026-08-16') // 18 months + 1 day after 2025-02-15
  t.equal(
    errorCode(() => replay(long, l.events, '2025-03-01')),
    'EXTENSION_TOO_LONG',
  )
  t.end()
})

t.test('a freeze charges no interest in its window and moves the due dates inside it to its end', (t) => {
  const l = threeMonthLoan()
  l.pay('2025-02-15', 1_019_800)
  l.freeze('2025-02-15', '2025-05-15') // window (02-15, 05-15]: instalments 2 and 3 move to 05-15
  let s = replay(contract(), l.events, '2025-04-20')
  t.equal(s.classification, 'frozen')
  t.equal(s.interestDue + s.overdueInterest + s.overduePrincipal, 0)
  t.same(
    s.instalments.map((i) => i.effectiveDueDate),
    ['2025-02-15', '2025-05-15', '2025-05-15'],
  )
  t.same(s.freeze, { from: '2025-02-15', until: '2025-05-15' })

  // Unpaid after the window: from 05-16 the 2,000,000 is overdue; 5 days of penalty after maturity (open period,
  // charged to the last instalment): 2,000,000 × 5 × 5,500 × 130 / 3,000,000,000 = 2,383.33 → 2,383.
  s = replay(contract(), l.events, '2025-05-20')
  t.equal(s.classification, 'overdue')
  t.equal(s.overdueInterest, 2_383)
  t.equal(s.instalments[2]!.penaltyCharged, 2_383)
  t.same(
    s.instalments.map((i) => i.overdueSince),
    [null, '2025-05-16', '2025-05-16'],
  )

  // Paid at the end of the window: principal only, no interest for the frozen days.
  const r = l.pay('2025-05-15', 2_000_000)
  s = replay(contract(), l.events, '2025-05-20')
  t.same(s.allocations[r], alloc({ principal: 2_000_000 }))
  t.equal(s.closedOn, '2025-05-15')
  t.same(
    s.instalments.map((i) => [i.interestCharged, i.paidOffOn, i.overdueSince]),
    [
      [19_800, '2025-02-15', null],
      [0, '2025-05-15', null],
      [0, '2025-05-15', null],
    ],
  )

  // A window inside period 2: (02-20, 03-05] freezes 13 of its 28 days; 15 days on 2,000,000 = 5,500.
  const inner = threeMonthLoan()
  inner.pay('2025-02-15', 1_019_800)
  inner.freeze('2025-02-20', '2025-03-05')
  s = replay(contract(), inner.events, '2025-03-15')
  t.equal(s.instalments[1]!.interestCharged, 5_500)
  t.equal(s.instalments[1]!.effectiveDueDate, '2025-03-15', 'a due date outside the window does not move')

  const tooLong = threeMonthLoan()
  tooLong.freeze('2025-02-01', '2030-02-02') // 60 months + 1 day
  t.equal(
    errorCode(() => replay(contract(), tooLong.events, '2025-03-01')),
    'FREEZE_TOO_LONG',
  )
  t.end()
})

t.test('a write-off closes the loan and records the unpaid principal and interest', (t) => {
  const l = threeMonthLoan()
  l.pay('2025-02-15', 1_019_800)
  l.writeOff('2025-03-15') // period 2 interest 10,267 accrued, unpaid
  const s = replay(contract(), l.events, '2025-06-01')
  t.equal(s.state, 'written_off')
  t.equal(s.classification, 'written_off')
  t.equal(s.writtenOffOn, '2025-03-15')
  t.same(s.writtenOff, { principal: 2_000_000, interest: 10_267 })
  t.equal(s.payoffAmount, 0)
  t.equal(s.outstandingPrincipal, 0)
  l.pay('2025-03-20', 100_000)
  t.equal(
    errorCode(() => replay(contract(), l.events, '2025-06-01')),
    'LOAN_CLOSED',
  )
  t.end()
})

t.test('an overpayment is rejected with the payoff amount; other bad events are refused by code', (t) => {
  const l = threeMonthLoan()
  l.pay('2025-02-15', 3_019_801) // payoff on 02-15 = 3,000,000 + 19,800
  let err: unknown
  try {
    replay(contract(), l.events, '2025-02-15')
  } catch (e) {
    err = e
  }
  t.ok(err instanceof DomainError && err.code === 'OVERPAYMENT')
  t.match((err as DomainError).message, /3019800/)
  t.equal((err as DomainError).details?.['payoffAmount'], 3_019_800)

  const withEvents = (...events: LoanEvent[]) => errorCode(() => replay(contract(), events, '2025-06-01'))
  const d = (amount: number, valueDate = '2025-01-10', id = 'd'): LoanEvent => ({
    kind: 'disbursement',
    id,
    seq: 1,
    valueDate,
    amount,
  })
  const r = (amount: number, valueDate = '2025-02-15'): LoanEvent => ({
    kind: 'repayment',
    id: 'r',
    seq: 2,
    valueDate,
    amount,
  })
  t.equal(withEvents(d(3_000_000), r(0)), 'INVALID_AMOUNT')
  t.equal(withEvents(d(3_000_000), r(-5)), 'INVALID_AMOUNT')
  t.equal(withEvents(d(3_000_000), r(1.5)), 'INVALID_AMOUNT')
  t.equal(withEvents(d(3_000_000), r(100, '2025-01-05')), 'NOT_DISBURSED')
  t.equal(withEvents(d(2_000_000), d(1_000_001, '2025-01-20', 'd2')), 'DISBURSEMENT_ABOVE_APPROVED')
  t.equal(withEvents(d(3_000_000), { ...r(100), id: 'd' }), 'DUPLICATE_EVENT')
  t.equal(withEvents(d(3_000_000, '2025-02-30')), 'INVALID_DATE')
  t.equal(withEvents(d(1_000_000), d(1_000_000, '2025-04-15', 'd2')), 'INVALID_DISBURSEMENT')
  t.equal(
    errorCode(() =>
      allocatePayment(11, { overdueInterest: 1, overduePrincipal: 2, interest: 3, principal: 4, prepayable: 0 }),
    ),
    'OVERPAYMENT',
  )
  t.end()
})

t.test('replay without a reversed repayment equals never having posted it, and re-allocates what follows', (t) => {
  const l = threeMonthLoan()
  const r1 = l.pay('2025-02-15', 1_019_800)
  const r2 = l.pay('2025-03-15', 1_010_267)
  const reversed = l.events.filter((e) => e.id !== r1)
  const never = threeMonthLoan()
  never.events.push(l.events.find((e) => e.id === r2)!)
  const s = replay(contract(), reversed, '2025-03-20')
  t.same(s, replay(contract(), never.events, '2025-03-20'))
  // Now instalment 1 is overdue on 03-15: overdue interest 19,800 + penalty 1,000,000 × 28 days × 130 % = 6,673,
  // then overdue principal takes the rest: 1,010,267 − 26,473 = 983,794.
  t.same(s.allocations[r2], alloc({ overdueInterest: 26_473, overduePrincipal: 983_794 }))
  t.equal(s.classification, 'overdue')
  t.end()
})

t.test('a later tranche re-splits the principal not yet due and keeps what is already due', (t) => {
  const l = ledger()
  l.disburse('2025-01-10', 1_000_000) // 333,333 / 333,333 / 333,334
  l.disburse('2025-02-20', 2_000_000) // instalment 1 (due 02-15) keeps 333,333; 666,667 + 2,000,000 split over 2
  const s = replay(contract(), l.events, '2025-02-20')
  t.same(
    s.instalments.map((i) => i.principalDue),
    [333_333, 1_333_333, 1_333_334],
  )
  t.equal(s.disbursed, 3_000_000)
  // Both tranches before the first due date: the same split as one disbursement of the total.
  const early = ledger()
  early.disburse('2025-01-10', 1_000_000)
  early.disburse('2025-01-20', 2_000_000)
  t.same(
    replay(contract(), early.events, '2025-01-20').instalments.map((i) => i.principalDue),
    [1_000_000, 1_000_000, 1_000_000],
  )
  t.end()
})

t.test('an interest-free loan charges nothing, and instalments owing nothing are paid off on their due date', (t) => {
  const c = contract({ rates: flatRate(0), principalPlan: { everyMonths: 1, graceMonths: 2 } })
  const l = threeMonthLoan()
  const s = replay(c, l.events, '2025-03-20')
  t.same(
    s.instalments.map((i) => [i.principalDue, i.interestCharged, i.paidOffOn]),
    [
      [0, 0, '2025-02-15'],
      [0, 0, '2025-03-15'],
      [3_000_000, 0, null],
    ],
  )
  t.equal(s.nextDueDate, '2025-04-15')
  t.end()
})

t.test('classification order: written_off, closed, not_disbursed, frozen, overdue, extended, in_term', (t) => {
  const base = {
    state: 'active' as const,
    asOf: '2025-03-01',
    freeze: null,
    overduePrincipal: 0,
    overdueInterest: 0,
    instalments: [] as { extended: boolean; paidOffOn: string | null }[],
  }
  t.equal(classify({ ...base, state: 'approved' }), 'not_disbursed')
  t.equal(classify({ ...base, freeze: { from: '2025-02-01', until: '2025-03-01' }, overdueInterest: 1 }), 'frozen')
  t.equal(
    classify({ ...base, freeze: { from: '2025-03-01', until: '2025-04-01' } }),
    'in_term',
    'the freeze date itself is outside (from, until]',
  )
  t.equal(classify({ ...base, overdueInterest: 1, instalments: [{ extended: true, paidOffOn: null }] }), 'overdue')
  t.equal(classify({ ...base, instalments: [{ extended: true, paidOffOn: null }] }), 'extended')
  t.equal(classify({ ...base, instalments: [{ extended: true, paidOffOn: '2025-02-01' }] }), 'in_term')
  t.equal(classify(replay(contract(), [], '2025-01-01')), 'not_disbursed')
  t.end()
})

// ------------------------------------------------------------------ properties

const VND_KEYS = [
  'disbursed',
  'outstandingPrincipal',
  'overduePrincipal',
  'overdueInterest',
  'interestDue',
  'principalDueNow',
  'payoffAmount',
] as const

interface Scenario {
  contract: LoanContract
  events: LoanEvent[]
  asOf: string
}

type Action =
  | { kind: 'pay'; gapDays: number; share: number; fixed: number }
  | { kind: 'tranche'; gapDays: number; share: number }
  | { kind: 'extend'; gapDays: number; instalment: number; months: number; days: number }
  | { kind: 'freeze'; gapDays: number; lengthDays: number }
  | { kind: 'write_off'; gapDays: number }

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      gapDays: fc.integer({ min: 0, max: 70 }),
      share: fc.integer({ min: 0, max: 110 }),
      fixed: fc.integer({ min: 1, max: 3_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('tranche' as const),
      gapDays: fc.integer({ min: 0, max: 60 }),
      share: fc.integer({ min: 1, max: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('extend' as const),
      gapDays: fc.integer({ min: 0, max: 40 }),
      instalment: fc.integer({ min: 1, max: 24 }),
      months: fc.integer({ min: 0, max: 13 }),
      days: fc.integer({ min: 1, max: 20 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('freeze' as const),
      gapDays: fc.integer({ min: 0, max: 40 }),
      lengthDays: fc.integer({ min: 1, max: 150 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('write_off' as const), gapDays: fc.integer({ min: 0, max: 200 }) }),
  },
)

/** A random loan and a valid history for it: each event is kept only if the replay accepts it. */
function scenarioArb(rateArb: fc.Arbitrary<RateVersion[]>): fc.Arbitrary<Scenario> {
  return fc
    .record({
      termMonths: fc.integer({ min: 1, max: 24 }),
      everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
      grace: fc.nat(),
      sessionDay: fc.integer({ min: 1, max: 28 }),
      rates: rateArb,
      approvedAmount: fc.integer({ min: 1, max: 50_000_000 }),
      firstShare: fc.integer({ min: 30, max: 100 }),
      startOffset: fc.integer({ min: 0, max: 700 }),
      actions: fc.array(actionArb, { maxLength: 14 }),
      tailDays: fc.integer({ min: 0, max: 500 }),
    })
    .map((r) => {
      const c: LoanContract = {
        approvedAmount: r.approvedAmount,
        termMonths: r.termMonths,
        principalPlan: { everyMonths: r.everyMonths, graceMonths: r.grace % r.termMonths },
        sessionDay: r.sessionDay,
        rates: r.rates,
        overdueRatePct: 130,
      }
      const events: LoanEvent[] = []
      let seq = 0
      let date = addDays('2024-01-01', r.startOffset)
      let disbursed = Math.max(1, Math.floor((r.approvedAmount * r.firstShare) / 100))
      events.push({ kind: 'disbursement', id: `e${seq}`, seq: seq++, valueDate: date, amount: disbursed })
      const tryAdd = (e: LoanEvent): boolean => {
        events.push(e)
        try {
          replay(c, events, e.valueDate)
          return true
        } catch (err) {
          if (!(err instanceof DomainError)) throw err
          events.pop()
          return false
        }
      }
      for (const a of r.actions) {
        date = addDays(date, a.gapDays)
        const state = replay(c, events, date)
        if (state.state !== 'active') break
        const base = { id: `e${seq}`, seq: seq++, valueDate: date }
        if (a.kind === 'pay') {
          const amount =
            a.share >= 100
              ? state.payoffAmount
              : Math.min(
                  state.payoffAmount,
                  a.share % 2 ? a.fixed : Math.max(1, Math.floor((state.payoffAmount * a.share) / 100)),
                )
          if (amount > 0) tryAdd({ kind: 'repayment', ...base, amount })
        } else if (a.kind === 'tranche') {
          const amount = Math.floor(((c.approvedAmount - disbursed) * a.share) / 100)
          if (amount > 0 && tryAdd({ kind: 'disbursement', ...base, amount })) disbursed += amount
        } else if (a.kind === 'extend') {
          const inst = state.instalments[(a.instalment - 1) % state.instalments.length]!
          const newDueDate = addDays(addMonths(inst.effectiveDueDate, a.months), a.days)
          tryAdd({ kind: 'extension', ...base, instalmentNumber: inst.number, newDueDate })
        } else if (a.kind === 'freeze') {
          tryAdd({ kind: 'freeze', ...base, untilDate: addDays(date, a.lengthDays) })
        } else if (seq % 3 === 0) {
          tryAdd({ kind: 'write_off', ...base })
        }
      }
      return { contract: c, events, asOf: addDays(date, r.tailDays) }
    })
}

const ratesArb: fc.Arbitrary<RateVersion[]> = fc
  .tuple(
    fc.integer({ min: 0, max: 12_000 }),
    fc.option(fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.integer({ min: 0, max: 12_000 }))),
  )
  .map(([ppm, change]) => {
    const rates = [{ effectiveFrom: '2020-01-01', monthlyRatePpm: ppm }]
    if (change) rates.push({ effectiveFrom: addDays('2024-01-01', change[0]), monthlyRatePpm: change[1] })
    return rates
  })

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice()
  let s = seed >>> 0 || 1
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Every amount a safe non-negative integer, and nothing paid beyond what was charged. */
function negatives(s: LoanState): string[] {
  const bad: string[] = []
  for (const k of VND_KEYS) if (!(Number.isSafeInteger(s[k]) && s[k] >= 0)) bad.push(`${k}=${s[k]}`)
  for (const [id, a] of Object.entries(s.allocations))
    for (const [k, v] of Object.entries(a)) if (!(v >= 0)) bad.push(`${id}.${k}=${v}`)
  for (const i of s.instalments) {
    for (const [k, v] of Object.entries(i))
      if (typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0)) bad.push(`#${i.number}.${k}=${v}`)
    if (i.principalPaid > i.principalDue) bad.push(`#${i.number} principal overpaid`)
    if (i.interestPaid > i.interestCharged) bad.push(`#${i.number} interest overpaid`)
    if (i.penaltyPaid > i.penaltyCharged) bad.push(`#${i.number} penalty overpaid`)
  }
  return bad
}

t.test('allocation conserves the amount and fills each bucket before the next', (t) => {
  const due = fc.integer({ min: 0, max: 1e12 })
  fc.assert(
    fc.property(
      fc.record({ overdueInterest: due, overduePrincipal: due, interest: due, principal: due, prepayable: due }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (dues, share) => {
        const total = dues.overdueInterest + dues.overduePrincipal + dues.interest + dues.principal + dues.prepayable
        fc.pre(total > 0)
        const amount = Math.max(1, Math.floor(total * share))
        const a = allocatePayment(amount, dues)
        const parts = [a.overdueInterest, a.overduePrincipal, a.interest, a.principal, a.prepaid]
        const caps = [dues.overdueInterest, dues.overduePrincipal, dues.interest, dues.principal, dues.prepayable]
        if (parts.reduce((x, y) => x + y, 0) !== amount) return false
        for (let k = 0; k < 5; k++) {
          if (parts[k]! < 0 || parts[k]! > caps[k]!) return false
          if (k > 0 && parts[k]! > 0 && parts[k - 1]! < caps[k - 1]!) return false
        }
        return true
      },
    ),
  )
  t.pass('allocation waterfall')
  t.end()
})

t.test('replayed histories: allocations conserve, principal adds up, nothing goes negative', (t) => {
  fc.assert(
    fc.property(scenarioArb(ratesArb), ({ contract: c, events, asOf }) => {
      const s = replay(c, events, asOf)
      let principalAllocated = 0
      for (const e of events) {
        if (e.kind !== 'repayment') continue
        const a = s.allocations[e.id]!
        assert.equal(
          a.overdueInterest + a.overduePrincipal + a.interest + a.principal + a.prepaid,
          e.amount,
          'allocation conserves the amount',
        )
        principalAllocated += a.overduePrincipal + a.principal + a.prepaid
      }
      const remaining = s.state === 'written_off' ? s.writtenOff!.principal : s.outstandingPrincipal
      if (s.state === 'written_off') assert.equal(s.payoffAmount, 0)
      assert.equal(remaining, s.disbursed - principalAllocated, 'outstanding = disbursed − principal allocated')
      assert.equal(s.totals.principalRepaid, principalAllocated)
      assert.equal(
        s.instalments.reduce((x, i) => x + i.principalDue, 0) +
          principalAllocated -
          s.instalments.reduce((x, i) => x + i.principalPaid, 0),
        s.disbursed,
        'Σ principal = disbursed',
      )
      assert.equal(
        s.totals.interestRepaid,
        s.instalments.reduce((x, i) => x + i.interestPaid, 0),
      )
      assert.equal(
        s.totals.penaltyRepaid,
        s.instalments.reduce((x, i) => x + i.penaltyPaid, 0),
      )
      if (s.state === 'closed')
        assert.ok(
          s.instalments.every((i) => i.paidOffOn !== null && i.paidOffOn <= s.closedOn!),
          'closed: every instalment paid off',
        )
      assert.deepEqual(negatives(s), [])
    }),
    { numRuns: 150 },
  )
  t.pass('150 random histories')
  t.end()
})

t.test(
  'replay is deterministic, independent of the input order, and removing then re-adding a repayment changes ' +
    'nothing',
  (t) => {
    fc.assert(
      fc.property(scenarioArb(ratesArb), fc.nat(), ({ contract: c, events, asOf }, seed) => {
        const s = replay(c, events, asOf)
        assert.deepEqual(replay(c, events, asOf), s)
        assert.deepEqual(replay(c, shuffle(events, seed), asOf), s)
        const repayments = events.filter((e) => e.kind === 'repayment')
        if (repayments.length > 0) {
          const victim = repayments[seed % repayments.length]!
          const without = events.filter((e) => e !== victim)
          try {
            replay(c, without, asOf) // may legitimately fail (a later payment becomes an overpayment)
          } catch (err) {
            if (!(err instanceof DomainError)) throw err
          }
          assert.deepEqual(replay(c, [...without, victim], asOf), s)
        }
      }),
      { numRuns: 100 },
    )
    t.pass('100 random histories')
    t.end()
  },
)

t.test('interest is 0 everywhere when the rate is 0', (t) => {
  fc.assert(
    fc.property(scenarioArb(fc.constant(flatRate(0))), ({ contract: c, events, asOf }) => {
      const s = replay(c, events, asOf)
      assert.ok(s.instalments.every((i) => i.interestCharged === 0 && i.penaltyCharged === 0))
      assert.equal(s.totals.interestRepaid + s.totals.penaltyRepaid, 0)
      assert.equal(s.interestDue + s.overdueInterest, 0)
    }),
    { numRuns: 60 },
  )
  t.pass('60 random interest-free histories')
  t.end()
})

t.test('paying any planned schedule on its due dates reproduces schedule.ts and its due dates', (t) => {
  fc.assert(
    fc.property(
      fc.record({
        termMonths: fc.integer({ min: 1, max: 60 }),
        everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
        grace: fc.nat(),
        sessionDay: fc.integer({ min: 1, max: 28 }),
        rates: ratesArb,
        amount: fc.integer({ min: 1, max: 100_000_000 }),
        startOffset: fc.integer({ min: 0, max: 1500 }),
      }),
      (r) => {
        const first = addDays('2024-01-01', r.startOffset)
        const c = contract({
          approvedAmount: r.amount,
          termMonths: r.termMonths,
          principalPlan: { everyMonths: r.everyMonths, graceMonths: r.grace % r.termMonths },
          sessionDay: r.sessionDay,
          rates: r.rates,
        })
        const plan = generateSchedule({ ...c, disbursements: [{ valueDate: first, amount: r.amount }] })
        const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd', seq: 0, valueDate: first, amount: r.amount }]
        plan.instalments.forEach((i, k) => {
          if (i.principal + i.interest > 0)
            events.push({
              kind: 'repayment',
              id: `r${k}`,
              seq: k + 1,
              valueDate: i.dueDate,
              amount: i.principal + i.interest,
            })
        })
        const s = replay(c, events, plan.instalments[plan.instalments.length - 1]!.dueDate)
        assert.equal(s.state, 'closed')
        assert.deepEqual(
          s.instalments.map((i) => [i.dueDate, i.principalDue, i.interestCharged, i.paidOffOn]),
          plan.instalments.map((i, k) => [
            sessionDayInMonthAfter(first, k + 1, r.sessionDay),
            i.principal,
            i.interest,
            i.dueDate,
          ]),
        )
      },
    ),
    { numRuns: 100 },
  )
  t.pass('100 random schedules')
  t.end()
})

t.test(
  'accrual by segments equals a day-by-day count (histories of tranches, extensions and freezes, no repayments)',
  (t) => {
    const historyArb = fc.record({
      termMonths: fc.integer({ min: 1, max: 18 }),
      everyMonths: fc.constantFrom<EveryMonths>(1, 3, 6, 12),
      grace: fc.nat(),
      sessionDay: fc.integer({ min: 1, max: 28 }),
      rates: ratesArb,
      startOffset: fc.integer({ min: 0, max: 700 }),
      actions: fc.array(fc.oneof(...[1, 2, 3].map(() => actionArb)), { maxLength: 8 }),
      tailDays: fc.integer({ min: 0, max: 400 }),
    })
    fc.assert(
      fc.property(historyArb, (r) => {
        const c = contract({
          approvedAmount: 20_000_000,
          termMonths: r.termMonths,
          principalPlan: { everyMonths: r.everyMonths, graceMonths: r.grace % r.termMonths },
          sessionDay: r.sessionDay,
          rates: r.rates,
        })
        let date = addDays('2024-01-01', r.startOffset)
        const first = date
        const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd0', seq: 0, valueDate: date, amount: 10_000_000 }]
        let seq = 1
        for (const a of r.actions) {
          date = addDays(date, a.gapDays)
          const state = replay(c, events, date)
          const base = { id: `e${seq}`, seq: seq++, valueDate: date }
          let e: LoanEvent | undefined
          if (a.kind === 'tranche') e = { kind: 'disbursement', ...base, amount: 1_000_000 * a.share }
          if (a.kind === 'freeze') e = { kind: 'freeze', ...base, untilDate: addDays(date, a.lengthDays) }
          if (a.kind === 'extend') {
            const inst = state.instalments[(a.instalment - 1) % state.instalments.length]!
            // Only extensions granted while the instalment is in term, so its final effective due date tells its
            // status on every day.
            if (inst.effectiveDueDate >= date)
              e = {
                kind: 'extension',
                ...base,
                instalmentNumber: inst.number,
                newDueDate: addDays(addMonths(inst.effectiveDueDate, a.months), a.days),
              }
          }
          if (e === undefined) continue
          events.push(e)
          if (errorCode(() => replay(c, events, date)) !== undefined) events.pop()
        }
        const asOf = addDays(date, r.tailDays)
        const s = replay(c, events, asOf)

        const insts = s.instalments
        const contractNum = insts.map(() => [0n, 0n]) // [period, after maturity]
        const penaltyNum = insts.map(() => [0n, 0n])
        const windows = events.flatMap((e) => (e.kind === 'freeze' ? [[e.valueDate, e.untilDate] as const] : []))
        const tranches = events.flatMap((e) => (e.kind === 'disbursement' ? [e] : []))
        for (let d = addDays(first, 1); d <= asOf; d = addDays(d, 1)) {
          if (windows.some(([from, until]) => from < d && d <= until)) continue
          const balance = tranches.reduce((sum, e) => (e.valueDate < d ? sum + e.amount : sum), 0)
          const overdue = insts.reduce((sum, i) => (i.effectiveDueDate < d ? sum + i.principalDue : sum), 0)
          const ppm = BigInt(rateOn(c.rates, d))
          const k = insts.findIndex((i) => i.dueDate >= d)
          if (k >= 0) {
            contractNum[k]![0]! += BigInt(balance - overdue) * ppm * 100n
            penaltyNum[k]![0]! += BigInt(overdue) * ppm * 130n
          } else {
            insts.forEach((i, j) => {
              if (i.effectiveDueDate >= d) contractNum[j]![1]! += BigInt(i.principalDue) * ppm * 100n
            })
            penaltyNum[insts.length - 1]![1]! += BigInt(overdue) * ppm * 130n
          }
        }
        assert.deepEqual(
          insts.map((i) => [i.interestCharged, i.penaltyCharged]),
          insts.map((_, j) => [
            roundInterest(contractNum[j]![0]!) + roundInterest(contractNum[j]![1]!),
            roundInterest(penaltyNum[j]![0]!) + roundInterest(penaltyNum[j]![1]!),
          ]),
        )
      }),
      { numRuns: 80 },
    )
    t.pass('80 random histories')
    t.end()
  },
)

t.test('an event of a kind the engine does not know is refused as INVALID_EVENT, not skipped', (t) => {
  const l = threeMonthLoan()
  const bogus = { kind: 'interest_waiver', id: 'x1', seq: 99, valueDate: '2025-02-01' } as unknown as LoanEvent
  let err: unknown
  try {
    replay(contract(), [...l.events, bogus], '2025-03-01')
  } catch (e) {
    err = e
  }
  t.ok(err instanceof DomainError)
  t.equal((err as DomainError).code, 'INVALID_EVENT')
  t.match((err as Error).message, /interest_waiver/)
  // Dated after asOf, the same event is not applied, so it is not refused either.
  t.equal(
    errorCode(() => replay(contract(), [...l.events, bogus], '2025-01-31')),
    undefined,
  )
  t.end()
})

t.test('a disbursement must be a positive whole number of VND, for the first tranche and for a later one', (t) => {
  const d = (amount: number, valueDate = '2025-01-10', id = 'd1', seq = 1): LoanEvent => ({
    kind: 'disbursement',
    id,
    seq,
    valueDate,
    amount,
  })
  for (const amount of [0, -1_000_000, 1_000_000.5, Number.NaN]) {
    t.equal(
      errorCode(() => replay(contract(), [d(amount)], '2025-02-01')),
      'INVALID_AMOUNT',
      `first tranche of ${amount}`,
    )
    t.equal(
      errorCode(() => replay(contract(), [d(1_000_000), d(amount, '2025-01-20', 'd2', 2)], '2025-02-01')),
      'INVALID_AMOUNT',
      `second tranche of ${amount}`,
    )
  }
  t.equal(replay(contract(), [d(1)], '2025-02-01').disbursed, 1, '1 VND is the smallest tranche')
  t.end()
})

t.test(
  'interest starts the day after the first disbursement: a rate in force from that day is enough, a later ' +
    'one is INVALID_RATE',
  (t) => {
    const l = threeMonthLoan() // 3,000,000 disbursed 2025-01-10
    const from = (effectiveFrom: string): LoanContract => contract({ rates: [{ effectiveFrom, monthlyRatePpm: 5500 }] })
    t.equal(
      errorCode(() => replay(from('2025-01-12'), l.events, '2025-02-15')),
      'INVALID_RATE',
    )
    t.equal(
      errorCode(() => replay(from('2025-02-01'), l.events, '2025-02-15')),
      'INVALID_RATE',
    )
    // From 2025-01-11 every day of the first period (2025-01-10, 2025-02-15] has a rate: 36 days × 550 = 19,800.
    const s = replay(from('2025-01-11'), l.events, '2025-02-15')
    t.equal(s.instalments[0]!.interestCharged, 19_800)
    // Before the first disbursement nothing accrues, so a missing rate does not matter yet.
    t.equal(replay(from('2025-06-01'), l.events, '2025-01-09').classification, 'not_disbursed')
    t.end()
  },
)

t.test(
  'a repayment when what is owed has passed the safe integer range is refused with a RangeError ' +
    '(OUT_OF_RANGE at the edge), not allocated',
  (t) => {
    // 10^15 VND at 1,000,000 ppm (100 % a month, the schema maximum), 12 monthly instalments, never paid:
    // each period charges about 10^15 of interest, so on the day after maturity the overdue interest of the
    // 12 past-due instalments is about 1.2 × 10^16 > 2^53 − 1 ≈ 9.007 × 10^15.
    const huge = contract({ approvedAmount: 1_000_000_000_000_000, termMonths: 12, rates: flatRate(1_000_000) })
    const l = ledger()
    l.disburse('2025-01-10', 1_000_000_000_000_000)
    l.pay('2026-01-16', 1)
    let err: unknown
    try {
      replay(huge, l.events, '2026-01-16')
    } catch (e) {
      err = e
    }
    t.ok(err instanceof RangeError, `a RangeError, got ${String(err)}`)
    t.notOk(err instanceof DomainError)
    // The same loan without the repayment still replays: only allocating over an unsafe sum is refused.
    const unpaid = replay(huge, l.events.slice(0, 1), '2025-03-01')
    t.equal(unpaid.outstandingPrincipal, 1_000_000_000_000_000)
    t.end()
  },
)
