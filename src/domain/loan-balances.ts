/**
 * "The ledger follows the replay" (docs/rules.md, ledger): the net debit balance
 * each ledger account must show for one loan, given its replayed state —
 *   loans_receivable          = disbursed − principal repaid − principal written off
 *   interest_income           = − contract interest repaid (a credit)
 *   overdue_interest_income   = − overdue interest repaid (a credit)
 *   write_off_losses          = principal written off (a debit)
 *   cash_at_transaction_point = repaid (the money collected at the point)
 *   cash_at_branch            = − disbursed (the branch's cash of the loan's funding source paid it out, §12)
 * The six always sum to zero (allocations conserve the amount repaid), so the
 * difference between two targets is a balanced journal entry. Integer VND only.
 */
import type { Allocation, LoanState } from './loan-engine.js'

export const LOAN_LEDGER_ACCOUNTS = [
  'loans_receivable',
  'interest_income',
  'overdue_interest_income',
  'write_off_losses',
  'cash_at_transaction_point',
  'cash_at_branch',
] as const
export type LoanLedgerAccount = (typeof LOAN_LEDGER_ACCOUNTS)[number]

/** Net debit balances the loan's ledger must show for this replayed state and these allocations. */
export function targetLoanBalances(
  state: Pick<LoanState, 'disbursed' | 'writtenOff'>,
  allocations: Readonly<Record<string, Allocation>>,
): Record<LoanLedgerAccount, number> {
  let principal = 0
  let interest = 0
  let overdueInterest = 0
  let repaid = 0
  for (const a of Object.values(allocations)) {
    principal += a.overduePrincipal + a.principal + a.prepaid
    interest += a.interest
    overdueInterest += a.overdueInterest
    repaid += a.overdueInterest + a.overduePrincipal + a.interest + a.principal + a.prepaid
  }
  const writtenOff = state.writtenOff?.principal ?? 0
  return {
    loans_receivable: state.disbursed - principal - writtenOff,
    interest_income: -interest,
    overdue_interest_income: -overdueInterest,
    write_off_losses: writtenOff,
    cash_at_transaction_point: repaid,
    cash_at_branch: -state.disbursed,
  }
}
