/**
 * The loans module's SQL (besides the projection and replay reads, which stay
 * with the replay in projection.ts): prepared once per connection, typed by
 * rows derived from the drizzle schema. Money rows are append-only: loan
 * transactions are inserted, never updated.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { households, loanCancellations, loanTransactions } from '../../db/schema.js'

type Transaction = typeof loanTransactions.$inferSelect

/**
 * A loan transaction as listed: the stored columns (details as JSON text) and the reversal that cancels it, if any.
 */
export type TransactionRow = Omit<Transaction, 'details'> & { details: string | null; reversedById: number | null }
export type CancellationRow = Pick<typeof loanCancellations.$inferSelect, 'cancelledOn' | 'reason' | 'cancelledBy'>
export type BorrowerRow = {
  householdName: (typeof households.$inferSelect)['headName']
  nationalId: (typeof households.$inferSelect)['nationalId']
}

/** A new money (or servicing) transaction of a loan; `details` is stored as JSON. */
export type NewLoanTransaction = Pick<Transaction, 'loanId' | 'valueDate' | 'postedOn' | 'amount' | 'createdBy'> & {
  kind: Transaction['kind']
  reference?: string | null
  reversesId?: number | null
  collectionSessionId?: number | null
  details?: unknown
}

/** The module's prepared statements for this connection. */
export const loanQueries = perConnection((sqlite) => ({
  insertTransaction: sqlite.prepare<
    [number, string, string, string, number, string | null, number | null, number | null, string | null, number]
  >(
    `INSERT INTO loan_transactions (loan_id, kind, value_date, posted_on, amount, reference, reverses_id,
      collection_session_id, details, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  transactions: sqlite.prepare<
    [number],
    TransactionRow
  >(`SELECT t.id, t.loan_id AS loanId, t.kind, t.value_date AS valueDate, t.posted_on AS postedOn, t.amount,
    t.reference,
      t.reverses_id AS reversesId, (SELECT r.id FROM loan_transactions r WHERE r.reverses_id = t.id) AS reversedById,
      t.collection_session_id AS collectionSessionId, t.details, t.created_by AS createdBy, t.created_at AS
    createdAt
      FROM loan_transactions t WHERE t.loan_id = ? ORDER BY t.value_date, t.id`),
  recovered: sqlite
    .prepare<[number, string], number>(
      "SELECT COALESCE(SUM(amount), 0) FROM loan_transactions WHERE loan_id = ? AND kind = 'recovery' AND " +
        'value_date <= ?',
    )
    .pluck(),
  borrower: sqlite.prepare<[number], BorrowerRow>(
    'SELECT head_name AS householdName, national_id AS nationalId FROM households WHERE id = ?',
  ),
  // docs/rules.md §15: the purpose and borrower facts copied from the application at approval.
  origination: sqlite.prepare<[number], { purposeCode: string | null; borrowerFacts: string }>(
    'SELECT purpose_code AS purposeCode, borrower_facts AS borrowerFacts FROM loans WHERE id = ?',
  ),
  cancellation: sqlite.prepare<[number], CancellationRow>(
    'SELECT cancelled_on AS cancelledOn, reason, cancelled_by AS cancelledBy FROM loan_cancellations WHERE ' +
      'loan_id = ?',
  ),
  cancel: sqlite.prepare<[number]>(
    "UPDATE loans SET state = 'cancelled', classification = 'cancelled', next_due_date = NULL, version = " +
      "version + 1 WHERE id = ? AND state = 'approved'",
  ),
  insertCancellation: sqlite.prepare<[number, string, string, number]>(
    'INSERT INTO loan_cancellations (loan_id, cancelled_on, reason, cancelled_by) VALUES (?, ?, ?, ?)',
  ),
}))

/** Appends one loan transaction; returns its id. */
export function insertLoanTransaction(sqlite: Database.Database, tx: NewLoanTransaction): number {
  return Number(
    loanQueries(sqlite).insertTransaction.run(
      tx.loanId,
      tx.kind,
      tx.valueDate,
      tx.postedOn,
      tx.amount,
      tx.reference ?? null,
      tx.reversesId ?? null,
      tx.collectionSessionId ?? null,
      tx.details === undefined ? null : JSON.stringify(tx.details),
      tx.createdBy,
    ).lastInsertRowid,
  )
}
