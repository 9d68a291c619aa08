/**
 * The support-payment rule of a local policy (RULES.md §3, §8): one payment when
 * the loan is closed with every instalment paid on or before its (possibly
 * extended) due date and the household has a poverty exit effective after the
 * disbursement and on or before closure + exitWindowMonthsAfterClosure.
 *
 * The verdict is either final ('eligible', 'ineligible') or 'not_yet' — a later
 * event (closure, a poverty-status record, a budget top-up, the daily close) may
 * still change it, so callers re-evaluate on each of them.
 *
 * Checks, in order (the first that applies decides):
 * 1. written_off                                        → ineligible LOAN_WRITTEN_OFF
 * 2. not disbursed ('approved' or no disbursement date) → not_yet NOT_DISBURSED
 * 3. a late instalment (if on-time repayment required)  → ineligible LATE_INSTALMENT, even before closure
 * 4. not closed                                         → not_yet LOAN_NOT_CLOSED
 * 5. poverty exit (if required), window end = closedOn + exitWindowMonthsAfterClosure:
 *    the first exit after the first disbursement date, counting only records
 *    effective on or before `asOf` (a decision that has not taken effect yet is not
 *    an exit yet);
 *    none and asOf ≤ window end                         → not_yet NO_POVERTY_EXIT
 *    none and the window has passed                     → ineligible NO_POVERTY_EXIT
 *    effective after the window end                     → ineligible EXIT_OUTSIDE_WINDOW
 * 6. budgetRemaining < amount                           → not_yet BUDGET_EXHAUSTED (a top-up may unblock it)
 * 7. otherwise                                          → eligible, with the exit (null when none is required)
 */
import { addMonths, type BusinessDate } from './dates.js'
import { povertyExitAfter, type PovertyExit, type PovertyRecord } from './poverty.js'
import type { Vnd } from './money.js'

export interface SupportRule {
  amount: Vnd
  requiresOnTimeRepayment: boolean
  requiresPovertyExit: boolean
  exitWindowMonthsAfterClosure: number
}

export interface SupportInstalmentFacts {
  number: number
  /** after approved extensions */
  effectiveDueDate: BusinessDate
  /** date the instalment's principal and interest were fully paid; null if not yet */
  paidOffOn: BusinessDate | null
  amountDue: Vnd
}

export interface SupportLoanFacts {
  state: 'approved' | 'active' | 'closed' | 'written_off'
  firstDisbursementDate: BusinessDate | null
  closedOn: BusinessDate | null
  instalments: readonly SupportInstalmentFacts[]
}

export type SupportReason =
  | 'LATE_INSTALMENT'
  | 'NO_POVERTY_EXIT'
  | 'EXIT_OUTSIDE_WINDOW'
  | 'LOAN_NOT_CLOSED'
  | 'LOAN_WRITTEN_OFF'
  | 'BUDGET_EXHAUSTED'
  | 'NOT_DISBURSED'

export type SupportOutcome =
  | { outcome: 'eligible'; exit: PovertyExit | null }
  | { outcome: 'not_yet' | 'ineligible'; reason: SupportReason }

export interface SupportEvaluationInput {
  rule: SupportRule
  loan: SupportLoanFacts
  timeline: readonly PovertyRecord[]
  asOf: BusinessDate
  budgetRemaining: Vnd
}

/**
 * An instalment is late when it was paid off after its effective due date, or is
 * still unpaid once that date has passed. An approved extension moves the
 * effective due date, so paying by the extended date is on time.
 */
export function isLateInstalment(instalment: SupportInstalmentFacts, asOf: BusinessDate): boolean {
  if (instalment.amountDue <= 0) return false
  if (instalment.paidOffOn === null) return asOf > instalment.effectiveDueDate
  return instalment.paidOffOn > instalment.effectiveDueDate
}

export function evaluateSupportRule(input: SupportEvaluationInput): SupportOutcome {
  const { rule, loan, timeline, asOf, budgetRemaining } = input

  if (loan.state === 'written_off') return { outcome: 'ineligible', reason: 'LOAN_WRITTEN_OFF' }
  if (loan.state === 'approved' || loan.firstDisbursementDate === null) return { outcome: 'not_yet', reason: 'NOT_DISBURSED' }
  if (rule.requiresOnTimeRepayment && loan.instalments.some((i) => isLateInstalment(i, asOf))) {
    return { outcome: 'ineligible', reason: 'LATE_INSTALMENT' }
  }
  if (loan.state !== 'closed') return { outcome: 'not_yet', reason: 'LOAN_NOT_CLOSED' }
  if (loan.closedOn === null) throw new RangeError('a closed loan must carry its closing date')

  let exit: PovertyExit | null = null
  if (rule.requiresPovertyExit) {
    const windowEnd = addMonths(loan.closedOn, rule.exitWindowMonthsAfterClosure)
    const inEffect = timeline.filter((r) => r.effectiveDate <= asOf)
    exit = povertyExitAfter(inEffect, loan.firstDisbursementDate)
    if (exit === null) {
      return asOf <= windowEnd ? { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' } : { outcome: 'ineligible', reason: 'NO_POVERTY_EXIT' }
    }
    if (exit.record.effectiveDate > windowEnd) return { outcome: 'ineligible', reason: 'EXIT_OUTSIDE_WINDOW' }
  }

  if (budgetRemaining < rule.amount) return { outcome: 'not_yet', reason: 'BUDGET_EXHAUSTED' }
  return { outcome: 'eligible', exit }
}
