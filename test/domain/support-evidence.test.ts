/**
 * The support verdict with its evidence (docs/rules.md §8): explainSupportRule gives
 * the same outcome and reason as evaluateSupportRule, plus the facts behind it — the first late
 * instalment (number, due and paid dates), the exit decision that counts (or came too late), the
 * window's end and the budget — and explainVerdict turns it into a Vietnamese and an English sentence.
 */
import t from 'tap'
import fc from 'fast-check'
import {
  evaluateSupportRule,
  explainSupportRule,
  explainVerdict,
  isLateInstalment,
  type SupportEvaluationInput,
  type SupportInstalmentFacts,
  type SupportLoanFacts,
} from '../../src/domain/support-rule.js'
import type { PovertyStatus } from '../../src/domain/poverty.js'
import { addDays, addMonths } from '../../src/domain/dates.js'
import { DA_NANG, closedLoan, records, supportInput } from '../helpers/support-facts.js'

const input = (over: Partial<SupportEvaluationInput> = {}): SupportEvaluationInput => supportInput(DA_NANG, over)
const withInstalment = (n: number, change: Partial<SupportInstalmentFacts>, loan = closedLoan()): SupportLoanFacts => ({
  ...loan,
  instalments: loan.instalments.map((i) => (i.number === n ? { ...i, ...change } : i)),
})

t.test(
  'when the loan closed on time and the exit came inside the window, then eligible with the exit decision ' +
    'and the window end as evidence',
  (t) => {
    const v = explainSupportRule(input())
    t.same(v, {
      outcome: 'eligible',
      reason: 'CONDITIONS_MET',
      evidence: {
        asOf: '2025-06-02',
        disbursedOn: '2024-01-10',
        closedOn: '2025-01-15',
        instalments: { due: 12, paidOnTime: 12 },
        lateInstalment: null,
        exit: { recordId: 101, decisionNo: 'QD-2', effectiveDate: '2025-06-01', from: 'poor', to: 'escaped' },
        windowEnd: '2026-01-15',
        budget: { amount: 4_000_000, remaining: 100_000_000 },
      },
    })
    const text = explainVerdict(v, 7)
    t.equal(
      text.vi,
      'Đủ điều kiện nhận hỗ trợ 4.000.000 đồng: khoản vay tất toán ngày 15/01/2025, trả đúng hạn cả 12 kỳ, ' +
        'và hộ thoát nghèo theo quyết định số QD-2 có hiệu lực ngày 01/06/2025 (trong thời hạn đến ngày ' +
        '15/01/2026).',
    )
    t.equal(
      text.en,
      'Eligible for the support payment of 4,000,000 VND: the loan was repaid in full on 2025-01-15, all 12 ' +
        'instalments were paid on time, and the household left poverty by decision QD-2 effective 2025-06-01 ' +
        '(within the window ending 2026-01-15).',
    )
    t.end()
  },
)

t.test(
  'when an instalment was paid after its due date, then ineligible LATE_INSTALMENT naming it with its due ' +
    'date, paid date and days late',
  (t) => {
    const v = explainSupportRule(
      input({ loan: withInstalment(5, { paidOffOn: '2024-06-20' }, withInstalment(8, { paidOffOn: '2024-09-30' })) }),
    )
    t.equal(v.reason, 'LATE_INSTALMENT')
    t.same(
      v.evidence.lateInstalment,
      { number: 5, dueDate: '2024-06-15', originalDueDate: '2024-06-15', paidOn: '2024-06-20', daysLate: 5 },
      'the first late one',
    )
    t.equal(v.evidence.instalments.paidOnTime, 10)
    t.equal(
      explainVerdict(v, 1).vi,
      'Không đủ điều kiện: kỳ trả nợ số 5 đến hạn ngày 15/06/2024 nhưng trả ngày 20/06/2024 (trễ 5 ngày).',
    )
    t.end()
  },
)

t.test(
  'when an instalment is still unpaid after its (extended) due date, then the evidence shows the extended ' +
    'due date, no paid date and the days overdue',
  (t) => {
    const active = closedLoan({ state: 'active', closedOn: null })
    const loan = withInstalment(
      11,
      { effectiveDueDate: '2024-12-31', paidOffOn: null },
      withInstalment(12, { paidOffOn: null }, active),
    )
    const v = explainSupportRule(input({ loan, asOf: '2025-01-03' }))
    t.same([v.outcome, v.reason], ['ineligible', 'LATE_INSTALMENT'])
    t.same(v.evidence.lateInstalment, {
      number: 11,
      dueDate: '2024-12-31',
      originalDueDate: '2024-12-15',
      paidOn: null,
      daysLate: 3,
    })
    t.equal(v.evidence.closedOn, null)
    t.match(
      explainVerdict(v, 1).vi,
      /kỳ trả nợ số 11 đến hạn ngày 31\/12\/2024 đến ngày 03\/01\/2025 vẫn chưa trả \(quá hạn 3 ngày\)/,
    )
    t.end()
  },
)

t.test(
  'when no exit came yet and the window is open, then not yet with the window end; once it has passed, ineligible',
  (t) => {
    const poor = records(['poor', '2020-01-01'])
    const open = explainSupportRule(input({ timeline: poor, asOf: '2026-01-15' }))
    t.same(
      [open.outcome, open.reason, open.evidence.windowEnd, open.evidence.exit],
      ['not_yet', 'NO_POVERTY_EXIT', '2026-01-15', null],
    )
    t.match(explainVerdict(open, 1).vi, /hộ còn thời hạn đến hết ngày 15\/01\/2026/)
    const passed = explainSupportRule(input({ timeline: poor, asOf: '2026-01-16' }))
    t.same([passed.outcome, passed.reason], ['ineligible', 'NO_POVERTY_EXIT'])
    t.match(
      explainVerdict(passed, 1).vi,
      /^Không đủ điều kiện: không có quyết định thoát nghèo có hiệu lực sau ngày giải ngân 10\/01\/2024/,
    )
    t.end()
  },
)

t.test('when the exit took effect after the window, then ineligible EXIT_OUTSIDE_WINDOW citing that decision', (t) => {
  const v = explainSupportRule(
    input({ timeline: records(['poor', '2020-01-01'], ['none', '2026-01-16']), asOf: '2026-02-01' }),
  )
  t.same([v.outcome, v.reason], ['ineligible', 'EXIT_OUTSIDE_WINDOW'])
  t.same(v.evidence.exit, { recordId: 101, decisionNo: 'QD-2', effectiveDate: '2026-01-16', from: 'poor', to: 'none' })
  t.equal(
    explainVerdict(v, 1).vi,
    'Không đủ điều kiện: quyết định thoát nghèo số QD-2 có hiệu lực ngày 16/01/2026, sau khi hết thời hạn ' +
      'ngày 15/01/2026 (tính từ ngày tất toán 15/01/2025).',
  )
  t.end()
})

t.test('when the budget left is smaller than the amount, then not yet BUDGET_EXHAUSTED with both figures', (t) => {
  const v = explainSupportRule(input({ budgetRemaining: 3_000_000 }))
  t.same(
    [v.outcome, v.reason, v.evidence.budget],
    ['not_yet', 'BUDGET_EXHAUSTED', { amount: 4_000_000, remaining: 3_000_000 }],
  )
  t.match(explainVerdict(v, 1).vi, /ngân sách của chính sách còn 3\.000\.000 đồng, ít hơn mức hỗ trợ 4\.000\.000 đồng/)
  t.end()
})

t.test(
  'when a loan was cancelled before disbursement, then ineligible LOAN_CANCELLED; not disbursed → not yet ' +
    'NOT_DISBURSED',
  (t) => {
    const none = { firstDisbursementDate: null, closedOn: null, instalments: [] }
    t.same(evaluateSupportRule(input({ loan: closedLoan({ state: 'cancelled', ...none }) })), {
      outcome: 'ineligible',
      reason: 'LOAN_CANCELLED',
    })
    const approved = explainSupportRule(input({ loan: closedLoan({ state: 'approved', ...none }) }))
    t.same(
      [approved.outcome, approved.reason, approved.evidence.instalments],
      ['not_yet', 'NOT_DISBURSED', { due: 0, paidOnTime: 0 }],
    )
    t.equal(explainVerdict(approved, 1).vi, 'Chưa xét: khoản vay chưa được giải ngân.')
    t.end()
  },
)

t.test(
  'when the household already has its payment through another loan, then the sentence says so (once per ' +
    'household and policy)',
  (t) => {
    const text = explainVerdict(explainSupportRule(input()), 9, {
      id: 3,
      loanId: 4,
      status: 'paid',
      paidOn: '2025-07-01',
    })
    t.ok(
      text.vi.endsWith(
        'Hộ đã có khoản hỗ trợ số 3 theo khoản vay số 4 (đã chi trả ngày 01/07/2025); mỗi hộ chỉ được hỗ trợ một lần theo mỗi chính sách.',
      ),
      text.vi,
    )
    t.match(text.en, /already has support payment 3 through loan 4/)
    const own = explainVerdict(explainSupportRule(input()), 4, { id: 3, loanId: 4, status: 'pending_approval' })
    t.match(own.vi, / Khoản hỗ trợ số 3 đang chờ giám đốc chi nhánh duyệt\.$/)
    t.end()
  },
)

// ---- properties ----------------------------------------------------------------

const STATUSES: PovertyStatus[] = ['poor', 'near_poor', 'escaped', 'none']
const arbitraryInput: fc.Arbitrary<SupportEvaluationInput> = fc
  .record({
    state: fc.constantFrom<SupportLoanFacts['state']>(
      'approved',
      'active',
      'closed',
      'closed',
      'closed',
      'written_off',
      'cancelled',
    ),
    instalments: fc.array(
      fc.record({
        extensionDays: fc.oneof(
          { arbitrary: fc.constant(0), weight: 4 },
          { arbitrary: fc.integer({ min: 1, max: 120 }), weight: 1 },
        ),
        paidDelta: fc.option(fc.integer({ min: -20, max: 3 }), { freq: 10 }),
        amountDue: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 10_000_000 }), weight: 9 },
          { arbitrary: fc.constant(0), weight: 1 },
        ),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    closedAfterDays: fc.integer({ min: 0, max: 30 }),
    records: fc.array(fc.record({ status: fc.constantFrom(...STATUSES), day: fc.integer({ min: -400, max: 1200 }) }), {
      maxLength: 5,
    }),
    asOfDays: fc.integer({ min: 0, max: 1200 }),
    budget: fc.integer({ min: 0, max: 10_000_000 }),
    rule: fc.record({
      requiresOnTimeRepayment: fc.boolean(),
      requiresPovertyExit: fc.boolean(),
      exitWindowMonthsAfterClosure: fc.integer({ min: 0, max: 24 }),
    }),
  })
  .map((x) => {
    const disbursed = '2024-01-10'
    const instalments = x.instalments.map((s, i) => {
      const due = addMonths('2024-02-15', i)
      const effective = addDays(due, s.extensionDays)
      return {
        number: i + 1,
        dueDate: due,
        effectiveDueDate: effective,
        paidOffOn: s.paidDelta === null ? null : addDays(effective, s.paidDelta),
        amountDue: s.amountDue,
      }
    })
    const last = instalments[instalments.length - 1]!.effectiveDueDate
    const undisbursed = x.state === 'approved' || x.state === 'cancelled'
    return {
      rule: { amount: 4_000_000, ...x.rule },
      loan: {
        state: x.state,
        firstDisbursementDate: undisbursed ? null : disbursed,
        closedOn: x.state === 'closed' ? addDays(last, x.closedAfterDays) : null,
        instalments: undisbursed ? [] : instalments,
      },
      timeline: [
        { id: 1, status: 'poor' as const, effectiveDate: '2020-01-01', decisionNo: 'QD-0', seq: 0 },
        ...x.records.map((r, i) => ({
          id: i + 2,
          status: r.status,
          effectiveDate: addDays(disbursed, r.day),
          decisionNo: `QD-${i + 1}`,
          seq: i + 1,
        })),
      ],
      asOf: addDays(disbursed, x.asOfDays),
      budgetRemaining: x.budget,
    }
  })

t.test('property: the verdict has the same outcome and reason as the rule, and its evidence proves the reason', (t) => {
  fc.assert(
    fc.property(arbitraryInput, (inp) => {
      const rule = evaluateSupportRule(inp)
      const v = explainSupportRule(inp)
      const e = v.evidence
      if (v.outcome !== rule.outcome) return false
      if (rule.outcome === 'eligible') {
        if (v.reason !== 'CONDITIONS_MET') return false
        if (inp.rule.requiresPovertyExit) {
          // the exit cited took effect after the disbursement, by asOf, and by the window's end
          if (
            !e.exit ||
            !e.windowEnd ||
            !e.disbursedOn ||
            e.exit.effectiveDate <= e.disbursedOn ||
            e.exit.effectiveDate > e.windowEnd ||
            e.exit.effectiveDate > inp.asOf
          )
            return false
        } else if (e.exit !== null) return false
        if (inp.rule.requiresOnTimeRepayment && e.lateInstalment !== null) return false
        if (e.budget.remaining < e.budget.amount) return false
      } else {
        if (v.reason !== rule.reason) return false
        switch (v.reason) {
          case 'LATE_INSTALMENT': {
            const li = e.lateInstalment
            if (!li || li.daysLate <= 0) return false
            if (li.paidOn !== null ? li.paidOn <= li.dueDate : inp.asOf <= li.dueDate) return false
            const source = inp.loan.instalments.find((i) => i.number === li.number)!
            if (!isLateInstalment(source, inp.asOf) || source.effectiveDueDate !== li.dueDate) return false
            break
          }
          case 'EXIT_OUTSIDE_WINDOW':
            if (!e.exit || !e.windowEnd || e.exit.effectiveDate <= e.windowEnd) return false
            break
          case 'NO_POVERTY_EXIT':
            if (!e.windowEnd || e.exit !== null) return false
            if ((v.outcome === 'not_yet') !== inp.asOf <= e.windowEnd) return false
            break
          case 'BUDGET_EXHAUSTED':
            if (e.budget.remaining >= e.budget.amount) return false
            break
          case 'LOAN_NOT_CLOSED':
            if (inp.loan.state !== 'active' || e.closedOn !== null) return false
            break
          default:
        }
      }
      // Every verdict reads as two complete sentences with no placeholder left.
      const text = explainVerdict(v, 1)
      return [text.vi, text.en].every((s) => s.length > 10 && !/undefined|null|NaN|\?/.test(s) && s.endsWith('.'))
    }),
    { numRuns: 2000 },
  )
  t.pass('holds over 2000 random loans, timelines and rules')
  t.end()
})

t.test(
  'property: the verdict is pure — the same facts give the same verdict whatever the order of the timeline',
  (t) => {
    fc.assert(
      fc.property(arbitraryInput, fc.integer(), (inp, seed) => {
        const shuffled = [...inp.timeline].sort((a, b) => ((a.seq * 7919 + seed) % 13) - ((b.seq * 7919 + seed) % 13))
        return (
          JSON.stringify(explainSupportRule(inp)) === JSON.stringify(explainSupportRule({ ...inp, timeline: shuffled }))
        )
      }),
      { numRuns: 500 },
    )
    t.pass('order-independent')
    t.end()
  },
)
