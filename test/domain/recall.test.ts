import t from 'tap'
import fc from 'fast-check'
import assert from 'node:assert/strict'
import { classify, replay, type LoanContract, type LoanEvent } from '../../src/domain/loan-engine.js'
import { addDays } from '../../src/domain/dates.js'
import { DomainError } from '../../src/domain/errors.js'
import {
  evaluateSupportRule,
  explainSupportRule,
  explainVerdict,
  type SupportEvaluationInput,
} from '../../src/domain/support-rule.js'

// Recall (docs/rules.md §16). 3,000,000 VND at 5,500 ppm a month: one day on 3,000,000 costs 550, on 2,000,000
// 366.67; penalty is 130 % of that on overdue principal (715 a day on 3,000,000).

function contract(overrides: Partial<LoanContract> = {}): LoanContract {
  return {
    approvedAmount: 3_000_000,
    termMonths: 3,
    principalPlan: { everyMonths: 1, graceMonths: 0 },
    sessionDay: 15,
    rates: [{ effectiveFrom: '1900-01-01', monthlyRatePpm: 5500 }],
    overdueRatePct: 130,
    ...overrides,
  }
}

/** 3,000,000 disbursed 2025-01-10: instalments of 1,000,000 due 02-15, 03-15, 04-15. */
function loan() {
  const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd', seq: 1, valueDate: '2025-01-10', amount: 3_000_000 }]
  let seq = 1
  return {
    events,
    pay: (valueDate: string, amount: number) =>
      events.push({ kind: 'repayment', id: `r${++seq}`, seq, valueDate, amount }),
    recall: (valueDate: string) => events.push({ kind: 'recall', id: `c${++seq}`, seq, valueDate }),
    freeze: (valueDate: string, untilDate: string) =>
      events.push({ kind: 'freeze', id: `f${++seq}`, seq, valueDate, untilDate }),
    extend: (valueDate: string, instalmentNumber: number, newDueDate: string) =>
      events.push({ kind: 'extension', id: `e${++seq}`, seq, valueDate, instalmentNumber, newDueDate }),
    disburse: (valueDate: string, amount: number) =>
      events.push({ kind: 'disbursement', id: `d${++seq}`, seq, valueDate, amount }),
  }
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run()
    return undefined
  } catch (err) {
    return err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`
  }
}

t.test('recall: the whole outstanding principal and the interest accrued to the recall date fall due on it', (t) => {
  const l = loan()
  l.recall('2025-01-30')
  const s = replay(contract(), l.events, '2025-01-30')
  // (01-10, 01-30] = 20 days × 550 = 11,000
  t.equal(s.interestDue, 11_000)
  t.equal(s.principalDueNow, 3_000_000, 'every instalment is due now, not prepayable')
  t.equal(s.overduePrincipal, 0, 'due today is not overdue')
  t.equal(s.payoffAmount, 3_011_000)
  t.equal(s.classification, 'recalled')
  t.equal(s.recalledOn, '2025-01-30')
  t.equal(s.nextDueDate, '2025-01-30')
  t.same(
    s.instalments.map((i) => [i.dueDate, i.effectiveDueDate, i.recalled]),
    [
      ['2025-02-15', '2025-01-30', true],
      ['2025-03-15', '2025-01-30', true],
      ['2025-04-15', '2025-01-30', true],
    ],
  )
  t.end()
})

t.test('recall: paying the payoff on the recall date closes the loan with interest only to that date', (t) => {
  const l = loan()
  l.recall('2025-01-30')
  l.pay('2025-01-30', 3_011_000)
  const s = replay(contract(), l.events, '2025-03-01')
  t.equal(s.state, 'closed')
  t.equal(s.closedOn, '2025-01-30')
  t.equal(s.classification, 'closed')
  t.same(Object.values(s.allocations)[0], {
    overdueInterest: 0,
    overduePrincipal: 0,
    interest: 11_000,
    principal: 3_000_000,
    prepaid: 0,
  })
  t.ok(s.instalments.every((i) => i.paidOffOn === '2025-01-30' && i.overdueSince === null))
  t.end()
})

t.test('recall: what is unpaid at the end of the recall date is overdue and bears penalty from the next day', (t) => {
  const l = loan()
  l.recall('2025-01-30')
  const s = replay(contract(), l.events, '2025-02-09')
  // (01-30, 02-09] = 10 days × 3,000,000 × 5,500 × 130 % / 30,000,000 = 7,150
  t.equal(s.overduePrincipal, 3_000_000)
  t.equal(s.overdueInterest, 11_000 + 7_150, 'the contract interest to the recall date + the penalty')
  t.equal(s.interestDue, 0, 'no contract interest after the recall date')
  t.equal(s.principalDueNow, 0)
  t.equal(s.payoffAmount, 3_018_150)
  t.equal(s.nextDueDate, null, 'nothing falls due after the recall date')
  t.equal(s.classification, 'recalled', 'recalled outranks overdue')
  t.ok(s.instalments.every((i) => i.overdueSince === '2025-01-31'))
  t.end()
})

t.test('recall: a partial payment on the recall date pays the earliest instalments; the rest is overdue', (t) => {
  const l = loan()
  l.recall('2025-01-30')
  l.pay('2025-01-30', 1_011_000) // interest 11,000, then instalment 1's principal
  const s = replay(contract(), l.events, '2025-02-09')
  t.equal(s.instalments[0]!.paidOffOn, '2025-01-30', 'paid off on the recall date, before its original due date')
  t.equal(s.overduePrincipal, 2_000_000)
  // 10 days × 2,000,000 × 5,500 × 1.3 / 30,000,000 = 4,766.67 → 4,767
  t.equal(s.overdueInterest, 4_767)
  l.pay('2025-02-09', 2_004_767)
  const closed = replay(contract(), l.events, '2025-02-09')
  t.equal(closed.state, 'closed')
  t.equal(closed.closedOn, '2025-02-09')
  t.equal(closed.totals.penaltyRepaid, 4_767)
  t.end()
})

t.test('recall: after an instalment paid on time, only the rest falls due with the interest of the days since', (t) => {
  const l = loan()
  l.pay('2025-02-15', 1_019_800) // 36 days × 550 = 19,800 + 1,000,000
  l.recall('2025-03-01')
  const s = replay(contract(), l.events, '2025-03-01')
  // (02-15, 03-01] = 14 days × 366.67 = 5,133.33 → 5,133
  t.equal(s.interestDue, 5_133)
  t.equal(s.principalDueNow, 2_000_000)
  t.equal(s.payoffAmount, 2_005_133)
  t.equal(s.instalments[0]!.effectiveDueDate, '2025-02-15', 'a paid instalment keeps its date')
  t.equal(s.instalments[0]!.recalled, false)
  t.equal(s.instalments[2]!.effectiveDueDate, '2025-03-01')
  t.end()
})

t.test('recall: a freeze in force ends on the recall date', (t) => {
  const l = loan()
  l.freeze('2025-01-20', '2025-03-31')
  l.recall('2025-02-01')
  const onRecall = replay(contract(), l.events, '2025-02-01')
  // (01-10, 01-20] = 10 days × 550 = 5,500; nothing in the frozen days (01-20, 02-01]
  t.equal(onRecall.payoffAmount, 3_005_500)
  t.same(onRecall.freeze, { from: '2025-01-20', until: '2025-02-01' })
  t.equal(onRecall.classification, 'recalled')
  const later = replay(contract(), l.events, '2025-02-11')
  // 10 days of penalty on 3,000,000 = 7,150
  t.equal(later.overdueInterest, 5_500 + 7_150)
  t.end()
})

t.test('recall: nothing may be disbursed, extended, frozen or recalled again after a recall', (t) => {
  const after = (add: (l: ReturnType<typeof loan>) => void) => {
    const l = loan()
    l.recall('2025-01-30')
    add(l)
    return errorCode(() => replay(contract({ approvedAmount: 4_000_000 }), l.events, '2025-02-05'))
  }
  t.equal(
    after((l) => l.disburse('2025-02-01', 1_000_000)),
    'LOAN_RECALLED',
  )
  t.equal(
    after((l) => l.extend('2025-02-01', 1, '2025-06-15')),
    'LOAN_RECALLED',
  )
  t.equal(
    after((l) => l.freeze('2025-02-01', '2025-03-01')),
    'LOAN_RECALLED',
  )
  t.equal(
    after((l) => l.recall('2025-02-02')),
    'LOAN_RECALLED',
  )
  t.equal(
    after(() => undefined),
    undefined,
    'the recall alone replays',
  )
  const never: LoanEvent[] = [{ kind: 'recall', id: 'c', seq: 1, valueDate: '2025-01-30' }]
  t.equal(
    errorCode(() => replay(contract(), never, '2025-02-01')),
    'NOT_DISBURSED',
  )
  t.end()
})

t.test('recall: classification is recalled from the recall date on, unless the loan is closed', (t) => {
  const base = {
    state: 'active' as const,
    asOf: '2025-02-01',
    freeze: null,
    overduePrincipal: 5,
    overdueInterest: 0,
    instalments: [],
  }
  t.equal(classify({ ...base, recalledOn: '2025-02-01' }), 'recalled')
  t.equal(classify({ ...base, recalledOn: '2025-02-02' }), 'overdue', 'a recall dated later does not count yet')
  t.equal(classify({ ...base, state: 'closed', recalledOn: '2025-01-01' }), 'closed')
  t.equal(
    classify({ ...base, freeze: { from: '2025-01-01', until: '2025-03-01' }, recalledOn: '2025-01-20' }),
    'recalled',
  )
  t.end()
})

t.test(
  'recall property: on the recall date Σ due = outstanding principal + accrued interest, and nothing is due later',
  (t) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000, max: 100_000_000 }),
        fc.integer({ min: 2, max: 36 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 60 }), permille: fc.integer({ min: 1, max: 300 }) }), {
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 90 }),
        (amount, termMonths, payments, recallGap, after) => {
          const c = contract({ approvedAmount: amount, termMonths })
          const events: LoanEvent[] = [{ kind: 'disbursement', id: 'd', seq: 1, valueDate: '2025-01-10', amount }]
          let date = '2025-01-10'
          let seq = 1
          for (const p of payments) {
            date = addDays(date, p.gap)
            const pay = Math.max(1, Math.floor((amount * p.permille) / 1000))
            events.push({ kind: 'repayment', id: `r${++seq}`, seq, valueDate: date, amount: pay })
          }
          const recallOn = addDays(date, recallGap)
          let before
          try {
            before = replay(c, events, recallOn)
          } catch (e) {
            fc.pre(!(e instanceof DomainError && e.code === 'OVERPAYMENT'))
            throw e
          }
          fc.pre(before.state === 'active')
          events.push({ kind: 'recall', id: 'c', seq: ++seq, valueDate: recallOn })
          const s = replay(c, events, recallOn)
          // The same balances as without the recall on that day: a recall moves dates, not money.
          assert.equal(s.outstandingPrincipal, before.outstandingPrincipal)
          assert.equal(s.payoffAmount, before.payoffAmount)
          // Everything is due on the recall date at the latest.
          assert.equal(s.principalDueNow + s.overduePrincipal, s.outstandingPrincipal)
          assert.equal(s.payoffAmount, s.outstandingPrincipal + s.overdueInterest + s.interestDue)
          let owed = 0
          for (const i of s.instalments) {
            const left = i.principalDue - i.principalPaid + i.interestCharged - i.interestPaid
            owed += left + i.penaltyCharged - i.penaltyPaid
            if (left > 0) assert.ok(i.effectiveDueDate <= recallOn, 'no unpaid instalment falls due after the recall')
          }
          assert.equal(owed, s.payoffAmount)
          assert.ok(s.nextDueDate === null || s.nextDueDate === recallOn)
          // Unpaid, it is all overdue the day after; paying the payoff then closes the loan.
          const later = replay(c, events, addDays(recallOn, after))
          assert.equal(later.overduePrincipal, later.outstandingPrincipal)
          assert.equal(later.principalDueNow + later.interestDue, 0)
          assert.equal(later.nextDueDate, null)
          events.push({ kind: 'repayment', id: 'p', seq: seq + 1, valueDate: recallOn, amount: s.payoffAmount })
          assert.equal(replay(c, events, addDays(recallOn, after)).closedOn, recallOn)
        },
      ),
      { numRuns: 150 },
    )
    t.pass('150 loans')
    t.end()
  },
)

t.test('support rule: a recalled loan was not repaid on time, even when every instalment was paid by its date', (t) => {
  const input: SupportEvaluationInput = {
    rule: {
      amount: 1_000_000,
      requiresOnTimeRepayment: true,
      requiresPovertyExit: false,
      exitWindowMonthsAfterClosure: 12,
    },
    loan: {
      state: 'closed',
      firstDisbursementDate: '2025-01-10',
      closedOn: '2025-01-30',
      recalledOn: '2025-01-30',
      instalments: [1, 2, 3].map((number) => ({
        number,
        effectiveDueDate: '2025-01-30',
        paidOffOn: '2025-01-30',
        amountDue: 1_000_000,
      })),
    },
    timeline: [],
    asOf: '2025-03-01',
    budgetRemaining: 10_000_000,
  }
  t.same(evaluateSupportRule(input), { outcome: 'ineligible', reason: 'LOAN_RECALLED' })
  t.match(explainVerdict(explainSupportRule(input), 1).vi, /thu hồi nợ trước hạn/)
  t.same(
    evaluateSupportRule({ ...input, loan: { ...input.loan, recalledOn: null } }),
    { outcome: 'eligible', exit: null },
    'the same loan without the recall is eligible',
  )
  t.same(
    evaluateSupportRule({ ...input, rule: { ...input.rule, requiresOnTimeRepayment: false } }),
    { outcome: 'eligible', exit: null },
    'a rule that does not ask for on-time repayment does not look at the recall',
  )
  t.end()
})
