/**
 * What a collection sheet asks of one loan on a session date (docs/rules.md §7,
 * §11), read from the loan's replayed state as of that date — the same numbers
 * the repayment waterfall uses on that value date:
 * - overdueInterest: unpaid interest of past due dates + all unpaid penalty
 *   interest (130 % of the contract rate on overdue principal);
 * - overduePrincipal: principal of instalments past their (effective) due date;
 * - interestDue: contract interest accrued up to the date, not yet overdue;
 * - principalDue: principal of instalments due on or before the date, not yet
 *   overdue (due that very day, extended, or moved by a freeze).
 * `total` is their sum: a repayment of exactly `total` on the date takes waterfall
 * steps 1–4 in full and nothing as prepayment, so afterwards nothing is overdue
 * and nothing is due on that date. `interest` / `principal` are the suggested
 * split of a session line (the session posts their sum as one repayment).
 */
import type { LoanState } from './loan-engine.js'
import type { Vnd } from './money.js'

export interface SheetAmounts {
  principalDue: Vnd
  interestDue: Vnd
  overduePrincipal: Vnd
  overdueInterest: Vnd
  total: Vnd
  /** overdueInterest + interestDue */
  interest: Vnd
  /** overduePrincipal + principalDue */
  principal: Vnd
}

export const NO_AMOUNTS: Readonly<SheetAmounts> = Object.freeze({
  principalDue: 0,
  interestDue: 0,
  overduePrincipal: 0,
  overdueInterest: 0,
  total: 0,
  interest: 0,
  principal: 0,
})

/**
 * The sheet's amounts of a loan whose state was replayed as of the session date; 0 unless the loan is active then.
 */
export function sheetAmounts(
  state: Pick<LoanState, 'state' | 'principalDueNow' | 'interestDue' | 'overduePrincipal' | 'overdueInterest'>,
): SheetAmounts {
  if (state.state !== 'active') return { ...NO_AMOUNTS }
  const { principalDueNow: principalDue, interestDue, overduePrincipal, overdueInterest } = state
  const interest = overdueInterest + interestDue
  const principal = overduePrincipal + principalDue
  return {
    principalDue,
    interestDue,
    overduePrincipal,
    overdueInterest,
    total: interest + principal,
    interest,
    principal,
  }
}

/** Adds `b` into `a` (totals of a household, a group, a sheet). */
export function addAmounts(a: SheetAmounts, b: Readonly<SheetAmounts>): SheetAmounts {
  a.principalDue += b.principalDue
  a.interestDue += b.interestDue
  a.overduePrincipal += b.overduePrincipal
  a.overdueInterest += b.overdueInterest
  a.total += b.total
  a.interest += b.interest
  a.principal += b.principal
  return a
}
