/**
 * The sentences a branch reads to a household about its support payment (docs/rules.md §8):
 * explainVerdict names the verdict, the decisive fact and, when one exists, the household's payment
 * and its status — for rules that do not require on-time repayment or a poverty exit too, and for
 * verdicts stored before their evidence was complete.
 */
import t from 'tap'
import fc from 'fast-check'
import {
  explainSupportRule,
  explainVerdict,
  type SupportEvaluationInput,
  type SupportLoanFacts,
  type SupportPaymentFact,
  type SupportRule,
  type SupportVerdict,
} from '../../src/domain/support-rule.js'
import { DA_NANG, closedLoan, onTime, records, supportInput } from '../helpers/support-facts.js'

const STRICT: SupportRule = DA_NANG
/** A policy that pays on closure alone: no on-time condition, no poverty exit. */
const LENIENT: SupportRule = {
  amount: 2_500_000,
  requiresOnTimeRepayment: false,
  requiresPovertyExit: false,
  exitWindowMonthsAfterClosure: 0,
}

const input = (over: Partial<SupportEvaluationInput> = {}): SupportEvaluationInput => supportInput(STRICT, over)
/** Instalment 5 (due 2024-06-15) paid five days late. */
const lateFifth = (loan = closedLoan()): SupportLoanFacts => ({
  ...loan,
  instalments: loan.instalments.map((i) => (i.number === 5 ? { ...i, paidOffOn: '2024-06-20' } : i)),
})

t.test(
  'when the policy requires neither on-time repayment nor an exit, then a closed loan with a late ' +
    'instalment is eligible and the sentence does not claim "on time"',
  (t) => {
    const v = explainSupportRule(input({ rule: LENIENT, loan: lateFifth(), timeline: [] }))
    t.same([v.outcome, v.reason, v.evidence.exit, v.evidence.windowEnd], ['eligible', 'CONDITIONS_MET', null, null])
    t.same(v.evidence.instalments, { due: 12, paidOnTime: 11 })
    const text = explainVerdict(v, 1)
    t.equal(text.vi, 'Đủ điều kiện nhận hỗ trợ 2.500.000 đồng: khoản vay tất toán ngày 15/01/2025, đã trả hết 12 kỳ.')
    t.equal(
      text.en,
      'Eligible for the support payment of 2,500,000 VND: the loan was repaid in full on 2025-01-15, all 12 ' +
        'instalments were paid.',
    )
    t.end()
  },
)

t.test(
  'when the loan is still running, then not yet LOAN_NOT_CLOSED, counting the instalments paid on time so far',
  (t) => {
    // By 2024-07-20 instalments 1–6 (due 02-15 … 07-15) are paid on their due dates; 7–12 are not due yet.
    const running = closedLoan({
      state: 'active',
      closedOn: null,
      instalments: onTime().map((i) => (i.number > 6 ? { ...i, paidOffOn: null } : i)),
    })
    const v = explainSupportRule(input({ loan: running, asOf: '2024-07-20' }))
    t.same([v.outcome, v.reason, v.evidence.lateInstalment], ['not_yet', 'LOAN_NOT_CLOSED', null])
    t.same(explainVerdict(v, 1), {
      vi:
        'Chưa xét: khoản vay chưa tất toán; đến ngày 20/07/2024 đã trả đúng hạn 6/12 kỳ và chưa có kỳ nào trễ ' +
        'hạn.',
      en:
        'Not yet: the loan is not repaid in full; by 2024-07-20 6 of 12 instalments were paid on time and ' +
        'none is late.',
    })
    // Without the on-time condition a late instalment does not decide; the sentence then does not say "none is
    // late".
    const withLate = explainSupportRule(input({ rule: LENIENT, loan: lateFifth(running), asOf: '2024-07-20' }))
    t.same([withLate.outcome, withLate.reason], ['not_yet', 'LOAN_NOT_CLOSED'])
    t.same(explainVerdict(withLate, 1), {
      vi: 'Chưa xét: khoản vay chưa tất toán; đến ngày 20/07/2024 đã trả đúng hạn 5/12 kỳ.',
      en: 'Not yet: the loan is not repaid in full; by 2024-07-20 5 of 12 instalments were paid on time.',
    })
    t.end()
  },
)

t.test('when the loan was written off, then ineligible LOAN_WRITTEN_OFF, said plainly in both languages', (t) => {
  const v = explainSupportRule(input({ loan: closedLoan({ state: 'written_off', closedOn: null }) }))
  t.same([v.outcome, v.reason], ['ineligible', 'LOAN_WRITTEN_OFF'])
  t.same(explainVerdict(v, 1), {
    vi: 'Không đủ điều kiện: khoản vay đã được xử lý xóa nợ.',
    en: 'Not eligible: the loan was written off.',
  })
  t.end()
})

t.test(
  'when no exit came yet on a loan repaid late under a policy without the on-time condition, then the ' +
    'sentence does not say "on time"',
  (t) => {
    const rule: SupportRule = { ...STRICT, requiresOnTimeRepayment: false }
    const v = explainSupportRule(
      input({ rule, loan: lateFifth(), timeline: records(['poor', '2020-01-01']), asOf: '2025-03-01' }),
    )
    t.same([v.outcome, v.reason, v.evidence.windowEnd], ['not_yet', 'NO_POVERTY_EXIT', '2026-01-15'])
    t.same(explainVerdict(v, 1), {
      vi:
        'Chưa đủ điều kiện: khoản vay đã tất toán ngày 15/01/2025, nhưng chưa có quyết định thoát nghèo có ' +
        'hiệu lực sau ngày giải ngân 10/01/2024; hộ còn thời hạn đến hết ngày 15/01/2026.',
      en:
        'Not yet: the loan was repaid and closed on 2025-01-15, but no poverty-exit decision has taken effect ' +
        'after the disbursement on 2024-01-10; the household has until 2026-01-15.',
    })
    t.end()
  },
)

t.test(
  "the sentence cites the household's own payment with its status, and says when the amount paid is to be " +
    'recovered',
  (t) => {
    const v = explainSupportRule(input())
    const own = (p: Omit<SupportPaymentFact, 'id' | 'loanId'>) => explainVerdict(v, 4, { id: 3, loanId: 4, ...p })
    const base = explainVerdict(v, 4)
    const cases: [Omit<SupportPaymentFact, 'id' | 'loanId'>, string, string][] = [
      [
        { status: 'pending_approval' },
        ' Khoản hỗ trợ số 3 đang chờ giám đốc chi nhánh duyệt.',
        " Support payment 3 is awaiting a branch manager's approval.",
      ],
      [
        { status: 'approved' },
        ' Khoản hỗ trợ số 3 đã được duyệt, chờ chi trả.',
        ' Support payment 3 is approved and awaiting payment.',
      ],
      [
        { status: 'paid', paidOn: '2025-07-01' },
        ' Khoản hỗ trợ số 3 đã chi trả ngày 01/07/2025.',
        ' Support payment 3 was paid on 2025-07-01.',
      ],
      [{ status: 'paid', paidOn: null }, ' Khoản hỗ trợ số 3 đã chi trả.', ' Support payment 3 was paid.'],
      [{ status: 'rejected' }, ' Khoản hỗ trợ số 3 đã bị từ chối.', ' Support payment 3 was rejected.'],
      [
        { status: 'cancelled' },
        ' Khoản hỗ trợ số 3 đã bị hủy vì điều kiện không còn đủ.',
        ' Support payment 3 was cancelled because the conditions no longer hold.',
      ],
      [
        { status: 'paid', paidOn: '2025-07-01', recovered: true },
        ' Khoản hỗ trợ số 3 đã chi trả ngày 01/07/2025; khoản đã chi phải thu hồi.',
        ' Support payment 3 was paid on 2025-07-01; the amount paid is to be recovered.',
      ],
    ]
    for (const [payment, vi, en] of cases) {
      t.same(own(payment), { vi: base.vi + vi, en: base.en + en }, JSON.stringify(payment))
    }
    t.end()
  },
)

t.test("a payment through another loan is cited as the household's one payment per policy, with its status", (t) => {
  const v = explainSupportRule(input())
  const text = explainVerdict(v, 9, { id: 3, loanId: 4, status: 'cancelled', recovered: true })
  t.ok(
    text.vi.endsWith(
      ' Hộ đã có khoản hỗ trợ số 3 theo khoản vay số 4 (đã bị hủy vì điều kiện không còn đủ; khoản đã chi phải thu hồi); ' +
        'mỗi hộ chỉ được hỗ trợ một lần theo mỗi chính sách.',
    ),
    text.vi,
  )
  t.ok(
    text.en.endsWith(
      ' The household already has support payment 3 through loan 4 (it was cancelled because the conditions no longer hold; ' +
        'the amount paid is to be recovered); a household receives it once per policy.',
    ),
    text.en,
  )
  t.end()
})

t.test('a LATE_INSTALMENT verdict stored without the late instalment is still explained, in general words', (t) => {
  const stored: SupportVerdict = {
    outcome: 'ineligible',
    reason: 'LATE_INSTALMENT',
    evidence: {
      asOf: '2025-06-02',
      disbursedOn: '2024-01-10',
      closedOn: '2025-01-15',
      instalments: { due: 12, paidOnTime: 11 },
      lateInstalment: null,
      exit: null,
      windowEnd: null,
      budget: { amount: 4_000_000, remaining: 100_000_000 },
    },
  }
  t.same(explainVerdict(stored, 1), {
    vi: 'Không đủ điều kiện: có kỳ trả nợ không đúng hạn.',
    en: 'Not eligible: an instalment was not paid on time.',
  })
  t.end()
})

t.test('property: the amounts in a sentence are grouped by thousands — dots in Vietnamese, commas in English', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10 ** 12 }), (amount) => {
      const v = explainSupportRule(input({ rule: { ...LENIENT, amount }, timeline: [], budgetRemaining: amount }))
      const { vi, en } = explainVerdict(v, 1)
      // Reference: group the decimal digits by three from the right.
      const digits = String(amount)
      const groups: string[] = []
      for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end))
      return vi.includes(`hỗ trợ ${groups.join('.')} đồng:`) && en.includes(`payment of ${groups.join(',')} VND:`)
    }),
    { numRuns: 200 },
  )
  t.end()
})
