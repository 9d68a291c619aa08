/**
 * Facts for the pure support rule (src/domain/support-rule.ts), shared by its tests: Đà Nẵng's rule,
 * a 12-month loan closed on time, poverty records, and an evaluation input built from them.
 */
import type {
  SupportEvaluationInput,
  SupportInstalmentFacts,
  SupportLoanFacts,
  SupportRule,
} from '../../src/domain/support-rule.js'
import type { PovertyRecord, PovertyStatus } from '../../src/domain/poverty.js'
import { addMonths } from '../../src/domain/dates.js'

/** Đà Nẵng: 4,000,000 VND for repaying on time and escaping poverty within 12 months of closure. */
export const DA_NANG: SupportRule = {
  amount: 4_000_000,
  requiresOnTimeRepayment: true,
  requiresPovertyExit: true,
  exitWindowMonthsAfterClosure: 12,
}

/** 12 monthly instalments due on the 15th, 2024-02-15 … 2025-01-15, each paid on its due date. */
export const onTime = (): SupportInstalmentFacts[] =>
  Array.from({ length: 12 }, (_, i) => {
    const due = addMonths('2024-02-15', i)
    return { number: i + 1, dueDate: due, effectiveDueDate: due, paidOffOn: due, amountDue: 500_000 }
  })

/** The loan of `onTime()`, disbursed 2024-01-10 and closed 2025-01-15. */
export const closedLoan = (over: Partial<SupportLoanFacts> = {}): SupportLoanFacts => ({
  state: 'closed',
  firstDisbursementDate: '2024-01-10',
  closedOn: '2025-01-15',
  instalments: onTime(),
  ...over,
})

/** Poverty records in order (ids from 100, decisions QD-1, QD-2, …). */
export const records = (...entries: [PovertyStatus, string][]): PovertyRecord[] =>
  entries.map(([status, effectiveDate], i) => ({
    id: 100 + i,
    status,
    effectiveDate,
    decisionNo: `QD-${i + 1}`,
    seq: i + 1,
  }))

/** Poor since 2020, escaped 2025-06-01, evaluated 2025-06-02 under `rule` with ample budget. */
export const supportInput = (
  rule: SupportRule,
  over: Partial<SupportEvaluationInput> = {},
): SupportEvaluationInput => ({
  rule,
  loan: closedLoan(),
  timeline: records(['poor', '2020-01-01'], ['escaped', '2025-06-01']),
  asOf: '2025-06-02',
  budgetRemaining: 100_000_000,
  ...over,
})
