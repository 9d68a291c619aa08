/**
 * "The ledger follows the replay": after every money event on a loan, the
 * loan's ledger balances must equal what its replayed state says —
 *   loans_receivable   = disbursed − principal repaid − principal written off
 *   interest_income    = contract interest repaid (credit)
 *   overdue_interest_income = overdue interest repaid (credit)
 *   write_off_losses   = principal written off (debit)
 *   cash_at_transaction_point = repaid − disbursed
 * The event's journal entry is exactly the difference between those targets and
 * what is already posted. For a plain repayment that is the usual entry; for a
 * back-dated payment or a reversal it also re-classifies earlier allocations.
 * One entry per money transaction, always balanced (the cash side equals the sum
 * of the other deltas because allocations conserve the amount).
 * Recoveries after a write-off (Dr cash_at_transaction_point / Cr
 * write_off_recoveries, src/modules/risk/write-off.ts) stand outside these targets:
 * no loan event can follow a write-off, so this sync never runs on such a loan again.
 */
import type Database from 'better-sqlite3'
import type { LoanState } from '../../domain/loan-engine.js'
import { postJournal, type Account, type JournalLine } from './journal.js'

type Balances = Partial<Record<Account, number>>

const cache = new WeakMap<Database.Database, Database.Statement>()

/** Net debit balance per account of one loan's journal lines. */
export function postedLoanBalances(sqlite: Database.Database, loanId: number): Balances {
  let stmt = cache.get(sqlite)
  if (!stmt) {
    stmt = sqlite.prepare('SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? GROUP BY account')
    cache.set(sqlite, stmt)
  }
  const out: Balances = {}
  for (const r of stmt.all(loanId) as { account: Account; net: number }[]) out[r.account] = r.net
  return out
}

/** Net debit balances the loan's ledger must show for this replayed state. */
export function targetLoanBalances(state: LoanState, allocations: LoanState['allocations']): Balances {
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
    cash_at_transaction_point: repaid - state.disbursed,
  }
}

export function syncLoanLedger(
  sqlite: Database.Database,
  loan: { id: number; fundingSource: string },
  state: LoanState,
  entry: { kind: string; valueDate: string; postedOn: string; loanTransactionId: number; description: string },
): number | null {
  const target = targetLoanBalances(state, state.allocations)
  const posted = postedLoanBalances(sqlite, loan.id)
  const lines: JournalLine[] = []
  for (const account of Object.keys(target) as Account[]) {
    const delta = (target[account] ?? 0) - (posted[account] ?? 0)
    if (delta > 0) lines.push({ account, debit: delta, loanId: loan.id, fundingSource: loan.fundingSource })
    else if (delta < 0) lines.push({ account, credit: -delta, loanId: loan.id, fundingSource: loan.fundingSource })
  }
  return postJournal(sqlite, { ...entry, lines })
}

/**
 * The entry of a repayment appended after every other event of its loan: no
 * earlier allocation changes, so the difference "target − posted" is exactly
 * this repayment's allocation (same lines, same order as syncLoanLedger).
 */
export function postRepaymentEntry(
  sqlite: Database.Database,
  loan: { id: number; fundingSource: string },
  amount: number,
  a: { overdueInterest: number; overduePrincipal: number; interest: number; principal: number; prepaid: number },
  entry: { kind: string; valueDate: string; postedOn: string; loanTransactionId: number; description: string },
): number | null {
  const line = { loanId: loan.id, fundingSource: loan.fundingSource }
  return postJournal(sqlite, {
    ...entry,
    lines: [
      { account: 'loans_receivable', credit: a.overduePrincipal + a.principal + a.prepaid, ...line },
      { account: 'interest_income', credit: a.interest, ...line },
      { account: 'overdue_interest_income', credit: a.overdueInterest, ...line },
      { account: 'cash_at_transaction_point', debit: amount, ...line },
    ],
  })
}
