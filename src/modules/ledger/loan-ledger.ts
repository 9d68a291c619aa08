/**
 * "The ledger follows the replay": after every money event on a loan, the
 * loan's ledger balances must equal what its replayed state says (the targets:
 * src/domain/loan-balances.ts, pure). The event's journal entry is exactly the difference between those targets and
 * what is already posted. For a plain repayment that is the usual entry; for a
 * back-dated payment or a reversal it also re-classifies earlier allocations.
 * One entry per money transaction, always balanced (the cash side equals the sum
 * of the other deltas because allocations conserve the amount).
 * Recoveries after a write-off (Dr cash_at_transaction_point / Cr
 * write_off_recoveries, src/modules/risk/write-off.ts) stand outside these targets:
 * no loan event can follow a write-off, so this sync never runs on such a loan again.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { LoanState } from '../../domain/loan-engine.js'
import { LOAN_LEDGER_ACCOUNTS, targetLoanBalances } from '../../domain/loan-balances.js'
import { postJournal, type Account, type JournalLine } from './journal.js'

type Balances = Partial<Record<Account, number>>

const netByAccount = perConnection((sqlite) =>
  sqlite.prepare<[number], { account: Account; net: number }>(
    'SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? GROUP BY account',
  ),
)

/** Net debit balance per account of one loan's journal lines. */
export function postedLoanBalances(sqlite: Database.Database, loanId: number): Balances {
  const out: Balances = {}
  for (const r of netByAccount(sqlite).all(loanId)) out[r.account] = r.net
  return out
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
  for (const account of LOAN_LEDGER_ACCOUNTS) {
    const delta = target[account] - (posted[account] ?? 0)
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
