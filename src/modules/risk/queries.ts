/**
 * The risk module's SQL (write-off proposals): prepared once per connection,
 * rows typed from the drizzle schema. A proposal row is updated only from
 * pending_approval (approved or rejected), never deleted.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { writeOffProposals } from '../../db/schema.js'
import type { recallProposals } from '../../db/schema-inspections.js'

/** A write-off proposal as stored (without the bookkeeping updated_at). */
export type ProposalRow = Omit<typeof writeOffProposals.$inferSelect, 'updatedAt'>
export type ProposalListRow = ProposalRow & { householdName: string; nationalId: string }

const COLUMNS =
  `p.id, p.loan_id AS loanId, p.branch_id AS branchId, p.status, p.decision_no AS decisionNo, p.cause, p.cause_detail ` +
  `AS causeDetail,
  p.value_date AS valueDate, p.principal, p.interest, p.proposed_by AS proposedBy, p.proposed_on ` +
  `AS proposedOn, p.decided_by AS decidedBy,
  p.decided_on AS decidedOn, p.rejection_reason AS rejectionReason, ` +
  `p.loan_transaction_id AS loanTransactionId, p.created_at AS createdAt`
const SELECT = `SELECT ${COLUMNS} FROM write_off_proposals p`

/** The module's prepared statements for this connection. */
export const riskQueries = perConnection((sqlite) => ({
  pending: sqlite.prepare<[number], ProposalRow>(`${SELECT} WHERE p.loan_id = ? AND p.status = 'pending_approval'`),
  byId: sqlite.prepare<[number], ProposalRow>(`${SELECT} WHERE p.id = ?`),
  ofLoan: sqlite.prepare<[number], ProposalRow>(`${SELECT} WHERE p.loan_id = ? ORDER BY p.id DESC`),
  insert: sqlite.prepare<[number, number, string, string, string | null, string, number, number, number, string]>(
    `INSERT INTO write_off_proposals (loan_id, branch_id, status, decision_no, cause, cause_detail, value_date,
      principal, interest, proposed_by, proposed_on)
      VALUES (?, ?, 'pending_approval', ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  approve: sqlite.prepare<[number, string, number, number, number, string, number]>(
    `UPDATE write_off_proposals SET status = 'approved', decided_by = ?, decided_on = ?, loan_transaction_id
      = ?, principal = ?, interest = ?,
      updated_at = ? WHERE id = ? AND status = 'pending_approval'`,
  ),
  reject: sqlite.prepare<[number, string, string, string, number]>(
    `UPDATE write_off_proposals SET status = 'rejected', decided_by = ?, decided_on = ?, rejection_reason
      = ?, updated_at = ? WHERE id = ? AND status = 'pending_approval'`,
  ),
}))

/**
 * One page of proposals with their borrower, by id; `where` are conditions on p (the proposal) and
 * l (its loan) with named parameters in `params` (filters and scope vary per call: not prepared once).
 */
export function proposalsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): ProposalListRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], ProposalListRow>(
      `SELECT ${COLUMNS}, h.head_name AS householdName, h.national_id AS nationalId FROM write_off_proposals p
      JOIN loans l ON l.id = p.loan_id JOIN households h ON h.id = l.household_id
    WHERE ${where.join(' AND ')} ORDER BY p.id LIMIT @limit`,
    )
    .all(params)
}

/** A recall proposal as stored (without the bookkeeping updated_at). */
export type RecallProposalRow = Omit<typeof recallProposals.$inferSelect, 'updatedAt'>

const RECALL_SELECT = `SELECT r.id, r.loan_id AS loanId, r.branch_id AS branchId, r.inspection_id AS inspectionId,
  r.status, r.reason, r.proposed_by AS proposedBy, r.proposed_on AS proposedOn, r.decision_no AS decisionNo,
  r.value_date AS valueDate, r.decided_by AS decidedBy, r.decided_on AS decidedOn, r.rejection_reason AS
  rejectionReason, r.loan_transaction_id AS loanTransactionId, r.created_at AS createdAt FROM recall_proposals r`

/** Recall proposals (docs/rules.md §16): updated only from pending_approval (approved or rejected), never deleted. */
export const recallQueries = perConnection((sqlite) => ({
  pending: sqlite.prepare<[number], RecallProposalRow>(
    `${RECALL_SELECT} WHERE r.loan_id = ? AND r.status = 'pending_approval'`,
  ),
  byId: sqlite.prepare<[number], RecallProposalRow>(`${RECALL_SELECT} WHERE r.id = ?`),
  ofLoan: sqlite.prepare<[number], RecallProposalRow>(`${RECALL_SELECT} WHERE r.loan_id = ? ORDER BY r.id DESC`),
  insert: sqlite.prepare<[number, number, number, string, number, string]>(
    `INSERT INTO recall_proposals (loan_id, branch_id, inspection_id, status, reason, proposed_by, proposed_on)
      VALUES (?, ?, ?, 'pending_approval', ?, ?, ?)`,
  ),
  approve: sqlite.prepare<[string, string, number, string, number, string, number]>(
    `UPDATE recall_proposals SET status = 'approved', decision_no = ?, value_date = ?, decided_by = ?, decided_on = ?,
      loan_transaction_id = ?, updated_at = ? WHERE id = ? AND status = 'pending_approval'`,
  ),
  reject: sqlite.prepare<[number, string, string, string, number]>(
    `UPDATE recall_proposals SET status = 'rejected', decided_by = ?, decided_on = ?, rejection_reason = ?,
      updated_at = ? WHERE id = ? AND status = 'pending_approval'`,
  ),
}))

/** One page of recall proposals by id; `where` are conditions on r (the proposal) and l (its loan). */
export function recallProposalsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): RecallProposalRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], RecallProposalRow>(
      `${RECALL_SELECT} JOIN loans l ON l.id = r.loan_id WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT @limit`,
    )
    .all(params)
}
