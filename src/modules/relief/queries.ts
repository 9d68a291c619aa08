/**
 * Relief decisions' SQL: prepared once per connection. A decision row moves proposed → applying → applied
 * (or proposed → rejected); its loan rows are written with the preview and get their result once, never
 * twice (a pending row is one whose result is still null; unique per decision and loan).
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { reliefDecisionLoans, reliefDecisions } from '../../db/schema-reviews.js'

export type DecisionRow = Omit<typeof reliefDecisions.$inferSelect, 'updatedAt'>
export type DecisionLoanRow = typeof reliefDecisionLoans.$inferSelect

const DECISION = `SELECT d.id, d.branch_id AS branchId, d.decision_no AS decisionNo, d.cause, d.kind,
  json(d.transaction_point_ids) AS transactionPointIds, d.value_date AS valueDate, d.months, d.until_date AS untilDate,
  d.status, d.proposed_by AS proposedBy, d.proposed_on AS proposedOn, d.decided_by AS decidedBy,
  d.decided_on AS decidedOn, d.rejection_reason AS rejectionReason, d.completed_on AS completedOn,
  d.created_at AS createdAt FROM relief_decisions d`
const LOAN = `SELECT id, decision_id AS decisionId, loan_id AS loanId, transaction_point_id AS transactionPointId,
  eligible, reason, outstanding_principal AS outstandingPrincipal, interest, instalment_number AS instalmentNumber,
  new_due_date AS newDueDate, result, result_code AS resultCode, loan_transaction_id AS loanTransactionId,
  batch_no AS batchNo FROM relief_decision_loans`

type RawDecision = Omit<DecisionRow, 'transactionPointIds'> & { transactionPointIds: string }
const parse = (r: RawDecision | undefined): DecisionRow | undefined =>
  r && { ...r, transactionPointIds: JSON.parse(r.transactionPointIds) as number[] }

export const reliefQueries = perConnection((sqlite) => {
  const byId = sqlite.prepare<[number], RawDecision>(`${DECISION} WHERE d.id = ?`)
  return {
    point: sqlite.prepare<[number], { id: number; branchId: number }>(
      'SELECT id, branch_id AS branchId FROM transaction_points WHERE id = ?',
    ),
    /** points as a JSON array: the loans a decision may concern (disbursed or waiting for it), by id */
    loansAt: sqlite
      .prepare<[string], number>(
        `SELECT id FROM loans WHERE transaction_point_id IN (SELECT value FROM json_each(?))
          AND state IN ('approved', 'active') ORDER BY id`,
      )
      .pluck(),
    numberTaken: sqlite.prepare<[number, string], { id: number }>(
      "SELECT id FROM relief_decisions WHERE branch_id = ? AND decision_no = ? AND status <> 'rejected'",
    ),
    insert: sqlite.prepare<
      [number, string, string, string, string, string, number | null, string | null, number, string],
      { id: number }
    >(
      `INSERT INTO relief_decisions (branch_id, decision_no, cause, kind, transaction_point_ids, value_date, months,
        until_date, status, proposed_by, proposed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?) RETURNING id`,
    ),
    insertLoan: sqlite.prepare(
      `INSERT INTO relief_decision_loans (decision_id, loan_id, transaction_point_id, eligible, reason,
        outstanding_principal, interest, instalment_number, new_due_date)
        VALUES (@decisionId, @loanId, @transactionPointId, @eligible, @reason, @outstandingPrincipal, @interest,
        @instalmentNumber, @newDueDate)`,
    ),
    byId: (id: number) => parse(byId.get(id)),
    loans: sqlite.prepare<[number], DecisionLoanRow>(`${LOAN} WHERE decision_id = ? ORDER BY loan_id`),
    pending: sqlite.prepare<[number, number], DecisionLoanRow>(
      `${LOAN} WHERE decision_id = ? AND eligible = 1 AND result IS NULL ORDER BY loan_id LIMIT ?`,
    ),
    lastBatch: sqlite
      .prepare<[number], number>('SELECT COALESCE(MAX(batch_no), 0) FROM relief_decision_loans WHERE decision_id = ?')
      .pluck(),
    setResult: sqlite.prepare<[string, string | null, number | null, number, number]>(
      `UPDATE relief_decision_loans SET result = ?, result_code = ?, loan_transaction_id = ?, batch_no = ?
        WHERE id = ? AND result IS NULL`,
    ),
    approve: sqlite.prepare<[number, string, string, number]>(
      `UPDATE relief_decisions SET status = 'applying', decided_by = ?, decided_on = ?, updated_at = ?
        WHERE id = ? AND status = 'proposed'`,
    ),
    complete: sqlite.prepare<[string, string, number]>(
      `UPDATE relief_decisions SET status = 'applied', completed_on = ?, updated_at = ? WHERE id = ? AND status = 'applying'`,
    ),
    keyUsed: sqlite.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM idempotency_keys WHERE user_id = ? AND key = ?',
    ),
    reject: sqlite.prepare<[number, string, string, string, number]>(
      `UPDATE relief_decisions SET status = 'rejected', decided_by = ?, decided_on = ?, rejection_reason = ?,
        updated_at = ? WHERE id = ? AND status = 'proposed'`,
    ),
  }
})

/** Whether the user already used this Idempotency-Key (its answer is stored). */
export function keyUsed(sqlite: Database.Database, userId: number, key: string): boolean {
  return reliefQueries(sqlite).keyUsed.get(userId, key) !== undefined
}

/** One page of decisions (filters and scope vary per call: not prepared once). */
export function decisionsPage(sqlite: Database.Database, where: string[], params: Record<string, unknown>) {
  return sqlite
    .prepare<[Record<string, unknown>], RawDecision>(
      `${DECISION} WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT @limit`,
    )
    .all(params)
    .map((r) => parse(r)!)
}
