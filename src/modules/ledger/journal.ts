/**
 * Double-entry postings (docs/rules.md §9). Every money movement posts ONE balanced
 * journal entry in the same transaction as the business change. Lines are
 * inserted first and the header last: a database trigger refuses a header whose
 * lines do not balance, and refuses lines added to a header that exists.
 */
import type Database from 'better-sqlite3'
import { DomainError } from '../../platform/errors.js'
import { perConnection, statement } from '../../platform/database.js'

export const ACCOUNTS = [
  'loans_receivable',
  'cash_at_transaction_point',
  'interest_income',
  'overdue_interest_income',
  'support_expense',
  'support_payable',
  'support_recoverable',
  'write_off_losses',
  'suspense',
  'savings_deposits',
  // Money received on a loan after its write-off (income; the written-off principal stays in write_off_losses).
  'write_off_recoveries',
  // Funding sources (docs/rules.md §12): the capital a source has put in, and the cash the branch holds for it
  // before it goes to a transaction point.
  'capital',
  'cash_at_branch',
  // Partner fees as money (docs/rules.md §19): the entrustment fee and group commission owed to partners.
  'partner_fee_expense',
  'partner_fee_payable',
] as const
export type Account = (typeof ACCOUNTS)[number]

export interface JournalLine {
  account: Account
  debit?: number
  credit?: number
  loanId?: number | null
  fundingSource: string
}
export interface JournalEntryInput {
  kind: string
  valueDate: string
  postedOn: string
  description: string
  loanTransactionId?: number
  supportPaymentId?: number
  reconciliationId?: number
  lines: JournalLine[]
}

const prepared = perConnection((sqlite) => ({
  nextId: sqlite.prepare('SELECT COALESCE(MAX(id), 0) + 1 FROM journal_entries').pluck(),
  header:
    sqlite.prepare(`INSERT INTO journal_entries (id, kind, value_date, posted_on, loan_transaction_id, support_payment_id,
      reconciliation_id, description)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
}))

/** Posts one entry; zero-amount lines are dropped. Returns the entry id, or null when nothing moves. */
export function postJournal(sqlite: Database.Database, entry: JournalEntryInput): number | null {
  const lines = entry.lines.filter((l) => (l.debit ?? 0) !== 0 || (l.credit ?? 0) !== 0)
  if (lines.length === 0) return null
  let debit = 0
  let credit = 0
  for (const l of lines) {
    debit += l.debit ?? 0
    credit += l.credit ?? 0
  }
  // Checked here for a clear error; the database trigger is the guard of last resort.
  if (debit !== credit)
    throw new DomainError('LEDGER_UNBALANCED', `journal entry ${entry.kind} does not balance: ${debit} ≠ ${credit}`)
  const s = prepared(sqlite)
  // Entries are numbered by the service (lines reference the id before the header exists).
  const id = s.nextId.get() as number
  // All lines in one multi-row INSERT (one statement step instead of one per line).
  const values: (string | number | null)[] = []
  for (const l of lines) values.push(id, l.account, l.fundingSource, l.debit ?? 0, l.credit ?? 0, l.loanId ?? null)
  const rows = lines.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')
  statement(
    sqlite,
    `INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id) VALUES ${rows}`,
  ).run(...values)
  s.header.run(
    id,
    entry.kind,
    entry.valueDate,
    entry.postedOn,
    entry.loanTransactionId ?? null,
    entry.supportPaymentId ?? null,
    entry.reconciliationId ?? null,
    entry.description,
  )
  return id
}
