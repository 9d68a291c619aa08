/**
 * The poverty review's SQL: prepared once per connection. A review row changes once (draft → applied);
 * its lines are written with the dry run and get what applying did, never deleted.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { povertyReviewLines, povertyReviews } from '../../db/schema-reviews.js'
import type { ClassifiedLine, ReviewLineInput } from '../../domain/poverty-review.js'

export type ReviewRow = Omit<typeof povertyReviews.$inferSelect, 'updatedAt'>
export type ReviewLineRow = typeof povertyReviewLines.$inferSelect

const REVIEW = `SELECT r.id, r.branch_id AS branchId, r.transaction_point_id AS transactionPointId, r.year, r.status,
  r.created_by AS createdBy, r.created_on AS createdOn, r.applied_by AS appliedBy, r.applied_on AS appliedOn,
  r.created_at AS createdAt FROM poverty_reviews r`
const LINE = `SELECT id, review_id AS reviewId, line_no AS lineNo, national_id AS nationalId, status_text AS statusText,
  status, decision_no AS decisionNo, effective_date_text AS effectiveDateText, effective_date AS effectiveDate,
  household_id AS householdId, outcome, code, from_status AS fromStatus, applied_outcome AS appliedOutcome,
  applied_code AS appliedCode, poverty_record_id AS povertyRecordId FROM poverty_review_lines`

export const reviewQueries = perConnection((sqlite) => ({
  point: sqlite.prepare<[number], { id: number; branchId: number; name: string }>(
    'SELECT id, branch_id AS branchId, name FROM transaction_points WHERE id = ?',
  ),
  /** national ids as a JSON array → the household and the transaction point of its group */
  households: sqlite.prepare<[string], { id: number; nationalId: string; transactionPointId: number }>(
    `SELECT h.id, h.national_id AS nationalId, g.transaction_point_id AS transactionPointId
      FROM households h JOIN groups g ON g.id = h.group_id WHERE h.national_id IN (SELECT value FROM json_each(?))`,
  ),
  insert: sqlite.prepare<[number, number, number, number, string], { id: number }>(
    `INSERT INTO poverty_reviews (branch_id, transaction_point_id, year, status, created_by, created_on)
      VALUES (?, ?, ?, 'draft', ?, ?) RETURNING id`,
  ),
  insertLine: sqlite.prepare(
    `INSERT INTO poverty_review_lines (review_id, line_no, national_id, status_text, status, decision_no,
      effective_date_text, effective_date, household_id, outcome, code, from_status)
      VALUES (@reviewId, @lineNo, @nationalId, @statusText, @status, @decisionNo, @effectiveDateText, @effectiveDate,
      @householdId, @outcome, @code, @fromStatus)`,
  ),
  byId: sqlite.prepare<[number], ReviewRow>(`${REVIEW} WHERE r.id = ?`),
  lines: sqlite.prepare<[number], ReviewLineRow>(`${LINE} WHERE review_id = ? ORDER BY line_no`),
  applyLine: sqlite.prepare<[string, string, number | null, number]>(
    'UPDATE poverty_review_lines SET applied_outcome = ?, applied_code = ?, poverty_record_id = ? WHERE id = ?',
  ),
  markApplied: sqlite.prepare<[number, string, string, number]>(
    `UPDATE poverty_reviews SET status = 'applied', applied_by = ?, applied_on = ?, updated_at = ?
      WHERE id = ? AND status = 'draft'`,
  ),
  /** every household of the scope's points with a poverty record: its id, point, branch (for the movements report) */
  recordsForReport: sqlite.prepare<
    [Record<string, unknown>],
    {
      householdId: number
      transactionPointId: number
      branchId: number
      id: number
      status: string
      effectiveDate: string
      decisionNo: string
      revoked: number
    }
  >(
    `SELECT r.household_id AS householdId, g.transaction_point_id AS transactionPointId, p.branch_id AS branchId,
      r.id, r.status, r.effective_date AS effectiveDate, r.decision_no AS decisionNo,
      EXISTS (SELECT 1 FROM poverty_revocations v WHERE v.record_id = r.id) AS revoked
      FROM poverty_records r JOIN households h ON h.id = r.household_id JOIN groups g ON g.id = h.group_id
      JOIN transaction_points p ON p.id = g.transaction_point_id
      WHERE (@branchIds IS NULL OR p.branch_id IN (SELECT value FROM json_each(@branchIds)))
        AND (@pointId IS NULL OR p.id = @pointId)
      ORDER BY r.household_id, r.id`,
  ),
  pointNames: sqlite.prepare<[], { id: number; name: string; branchId: number }>(
    'SELECT id, name, branch_id AS branchId FROM transaction_points',
  ),
  branchNames: sqlite.prepare<[], { id: number; name: string }>('SELECT id, name FROM branches'),
}))

/** One page of reviews (filters and scope vary per call: not prepared once). */
export function reviewsPage(sqlite: Database.Database, where: string[], params: Record<string, unknown>) {
  return sqlite
    .prepare<[Record<string, unknown>], ReviewRow>(`${REVIEW} WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT @limit`)
    .all(params)
}

export function insertLines(
  sqlite: Database.Database,
  reviewId: number,
  raw: readonly ReviewLineInput[],
  lines: ClassifiedLine[],
) {
  const q = reviewQueries(sqlite)
  lines.forEach((l, i) => {
    q.insertLine.run({
      reviewId,
      lineNo: l.line,
      nationalId: raw[i]!.nationalId,
      statusText: raw[i]!.status,
      status: l.status,
      decisionNo: raw[i]!.decisionNo,
      effectiveDateText: raw[i]!.effectiveDate,
      effectiveDate: l.effectiveDate,
      householdId: l.householdId,
      outcome: l.outcome,
      code: l.code,
      fromStatus: l.fromStatus,
    })
  })
}
