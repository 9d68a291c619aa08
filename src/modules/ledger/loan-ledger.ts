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
import { LOAN_LEDGER_ACCOUNTS, targetLoanBalances, type LoanLedgerAccount } from '../../domain/loan-balances.js'
import { splitTargets } from '../../domain/funding.js'
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

const netBySource = perConnection((sqlite) =>
  sqlite.prepare<[number, string], { account: Account; net: number }>(
    'SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? AND funding_source = ? ' +
      'GROUP BY account',
  ),
)
const topUpOf = perConnection((sqlite) =>
  sqlite.prepare<[number], { approved: number; topUpAmount: number; topUpSource: string | null }>(
    'SELECT approved_amount AS approved, top_up_amount AS topUpAmount, top_up_funding_source AS topUpSource ' +
      'FROM loans WHERE id = ?',
  ),
)

/** The loan's top-up part and its source, or null when the loan has none (docs/rules.md §13). */
export function loanTopUp(
  sqlite: Database.Database,
  loanId: number,
): { approved: number; topUpAmount: number; source: string } | null {
  const r = topUpOf(sqlite).get(loanId)
  return r && r.topUpAmount > 0 && r.topUpSource
    ? { approved: r.approved, topUpAmount: r.topUpAmount, source: r.topUpSource }
    : null
}

export function syncLoanLedger(
  sqlite: Database.Database,
  loan: { id: number; fundingSource: string },
  state: LoanState,
  entry: { kind: string; valueDate: string; postedOn: string; loanTransactionId: number; description: string },
): number | null {
  const target = targetLoanBalances(state, state.allocations)
  const topUp = loanTopUp(sqlite, loan.id)
  // A loan with a top-up part keeps its lines split between its own source and the top-up's (§13), so that each
  // source's lines balance on their own.
  const parts: [string, Record<LoanLedgerAccount, number>][] = []
  if (topUp && topUp.source !== loan.fundingSource) {
    const writtenOff = state.writtenOff?.principal ?? 0
    const split = splitTargets(target, { ...topUp, disbursed: state.disbursed, writtenOff })
    parts.push([loan.fundingSource, split.own], [topUp.source, split.topUp])
  } else parts.push([loan.fundingSource, target])
  const lines: JournalLine[] = []
  for (const [fundingSource, t] of parts) {
    const posted: Balances = {}
    for (const r of netBySource(sqlite).all(loan.id, fundingSource)) posted[r.account] = r.net
    for (const account of LOAN_LEDGER_ACCOUNTS) {
      const delta = t[account] - (posted[account] ?? 0)
      if (delta > 0) lines.push({ account, debit: delta, loanId: loan.id, fundingSource })
      else if (delta < 0) lines.push({ account, credit: -delta, loanId: loan.id, fundingSource })
    }
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
