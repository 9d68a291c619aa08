/**
 * The reconciliation module's SQL: prepared once per connection, rows typed
 * from the drizzle schema. A reconciliation and its lines are written once; the
 * only update is open → closed. A corrected statement is a new reconciliation
 * superseding the earlier one (found by id order within the point and date),
 * never an edit, so each suspense entry stays what it was when posted.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { loans, reconciliationLines, reconciliations, transactionPoints } from '../../db/schema.js'

type Point = typeof transactionPoints.$inferSelect

/** A reconciliation with its point's branch; `summary` as stored (JSON text). */
export type ReconciliationRow = Omit<typeof reconciliations.$inferSelect, 'summary'> & {
  summary: string
  branchId: Point['branchId']
}
export type LineRow = Omit<typeof reconciliationLines.$inferSelect, 'reconciliationId'>
export type PointRow = Pick<Point, 'id' | 'branchId'>
export type StatementLoanRow = Pick<typeof loans.$inferSelect, 'id' | 'transactionPointId' | 'fundingSource'>
/** What was posted on one loan at the point on the date (live repayments and recoveries). */
export type PostedRow = { loanId: number; amount: number; fundingSource: string }
export type SuspenseRow = { fund: string; net: number }

const SELECT = `SELECT r.id, r.transaction_point_id AS transactionPointId, tp.branch_id AS branchId, r.date,
  r.status,
  r.statement_total AS statementTotal, r.posted_total AS postedTotal, r.suspense_amount AS suspenseAmount,
  r.summary,
  r.created_by AS createdBy, r.closed_by AS closedBy, r.closed_at AS closedAt, r.created_at AS createdAt
  FROM reconciliations r JOIN transaction_points tp ON tp.id = r.transaction_point_id`

/** The module's prepared statements for this connection. */
export const reconciliationQueries = perConnection((sqlite) => ({
  byId: sqlite.prepare<[number], ReconciliationRow>(`${SELECT} WHERE r.id = ?`),
  // Nothing more may be posted into a closed (point, date). It has at most one closed reconciliation
  // (only the latest can be closed, and none comes after it), so no ORDER BY on this hot path: the posting guard
  // runs it per repayment.
  closedDay: sqlite
    .prepare<[number, string], number>(
      "SELECT id FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND status = 'closed' LIMIT 1",
    )
    .pluck(),
  supersedes: sqlite
    .prepare<[number, string, number], number | null>(
      'SELECT MAX(id) FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND id < ?',
    )
    .pluck(),
  supersededBy: sqlite
    .prepare<[number, string, number], number | null>(
      'SELECT MIN(id) FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND id > ?',
    )
    .pluck(),
  entry: sqlite
    .prepare<[number], number>('SELECT id FROM journal_entries WHERE reconciliation_id = ? ORDER BY id LIMIT 1')
    .pluck(),
  /** + = credited to suspense */
  suspenseOfEntry: sqlite
    .prepare<[number], number>(
      "SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE entry_id = ? AND account = 'suspense'",
    )
    .pluck(),
  lines: sqlite.prepare<
    [number],
    LineRow
  >(`SELECT id, loan_id AS loanId, statement_amount AS statementAmount, posted_amount AS postedAmount, result,
    reference
      FROM reconciliation_lines WHERE reconciliation_id = ? ORDER BY loan_id, id`),
  point: sqlite.prepare<[number], PointRow>('SELECT id, branch_id AS branchId FROM transaction_points WHERE id = ?'),
  loan: sqlite.prepare<[number], StatementLoanRow>(
    'SELECT id, transaction_point_id AS transactionPointId, funding_source AS fundingSource FROM loans ' +
      'WHERE id = ?',
  ),
  // Recoveries on written-off loans are cash received at the counter too (and cannot be reversed).
  posted: sqlite.prepare<
    [{ date: string; point: number }],
    PostedRow
  >(`SELECT loanId, SUM(amount) AS amount, fundingSource FROM (
        SELECT a.loan_id AS loanId, a.amount, l.funding_source AS fundingSource
          FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id WHERE a.value_date = @date AND l.transaction_point_id
    = @point
        UNION ALL
        SELECT t.loan_id, t.amount, l.funding_source FROM loan_transactions t JOIN loans l ON l.id = t.loan_id
          WHERE t.kind = 'recovery' AND t.value_date = @date AND l.transaction_point_id = @point
      ) GROUP BY loanId`),
  insert: sqlite.prepare<[number, string, number, number, number, string, number]>(
    `INSERT INTO reconciliations (transaction_point_id, date, status, statement_total, posted_total, suspense_amount,
      summary, created_by)
      VALUES (?, ?, 'open', ?, ?, ?, ?, ?)`,
  ),
  insertLine: sqlite.prepare<[number, number, number | null, number | null, LineRow['result'], string | null]>(
    'INSERT INTO reconciliation_lines (reconciliation_id, loan_id, statement_amount, posted_amount, result, ' +
      'reference) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  /** Suspense already posted per fund for the (point, date) by its other reconciliations. */
  suspenseOfDay: sqlite.prepare<
    [number, string, number],
    SuspenseRow
  >(`SELECT jl.funding_source AS fund, COALESCE(SUM(jl.credit) - SUM(jl.debit), 0) AS net FROM journal_lines
    jl
      JOIN journal_entries je ON je.id = jl.entry_id
      WHERE jl.account = 'suspense' AND je.reconciliation_id IN (SELECT id FROM reconciliations WHERE transaction_point_id
    = ? AND date = ? AND id <> ?)
      GROUP BY jl.funding_source`),
  close: sqlite.prepare<[number, string, number]>(
    "UPDATE reconciliations SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ?",
  ),
}))

/**
 * One page of reconciliations by id; `where` are conditions on r (the reconciliation) and tp (its point)
 * with named parameters in `params` (filters and scope vary per call: not prepared once).
 */
export function reconciliationsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): ReconciliationRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], ReconciliationRow>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT @limit`,
    )
    .all(params)
}
