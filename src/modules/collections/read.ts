/**
 * Posted collection sessions read back (docs/rules.md §11): the list, and one
 * session with its lines — what was handed in per loan (interest, principal,
 * savings), the repayment it became, that repayment's CURRENT allocation (a
 * back-dated payment or a reversal re-allocates: repayment_allocations always
 * holds the latest replay) and whether it was reversed since.
 *
 * The lines as handed in (order and interest / principal split) are kept in
 * collection_session_lines, written in the posting's transaction. Sessions posted
 * before that table existed were rebuilt from their repayments and savings
 * deposits by its migration, with interest and principal null (unknown).
 *
 * Scope: branch staff their branch's sessions, a partner officer its partner's
 * groups', finance / auditor / admin all; outside scope → 404.
 */
import type Database from 'better-sqlite3'
import { type Actor, assertInScope, READ_ALL_ROLES } from '../../platform/auth.js'
import { notFound } from '../../platform/errors.js'

const SUMMARY_SELECT = `SELECT s.id, s.transaction_point_id AS transactionPointId, tp.name AS transactionPointName, s.group_id AS groupId, g.name AS groupName,
    g.partner_id AS partnerId, p.branch_id AS branchId, s.session_date AS sessionDate, s.line_count AS lineCount,
    s.total_interest AS totalInterest, s.total_principal AS totalPrincipal, s.total_savings AS totalSavings,
    s.created_by AS postedById, u.name AS postedByName, s.created_at AS createdAt
  FROM collection_sessions s JOIN groups g ON g.id = s.group_id JOIN partners p ON p.id = g.partner_id
  JOIN transaction_points tp ON tp.id = s.transaction_point_id LEFT JOIN users u ON u.id = s.created_by`

interface SummaryRow {
  id: number; transactionPointId: number; transactionPointName: string; groupId: number; groupName: string; partnerId: number; branchId: number
  sessionDate: string; lineCount: number; totalInterest: number; totalPrincipal: number; totalSavings: number; postedById: number; postedByName: string | null; createdAt: string
}

function summary(r: SummaryRow) {
  const { postedById, postedByName, ...rest } = r
  return { ...rest, total: r.totalInterest + r.totalPrincipal + r.totalSavings, postedBy: { userId: postedById, name: postedByName } }
}

export interface SessionFilters { transactionPointId?: number; groupId?: number; date?: string; from?: string; to?: string }

export function listSessions(sqlite: Database.Database, actor: Actor, q: SessionFilters, afterId: number, limit: number) {
  const where = ['s.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.transactionPointId !== undefined) { where.push('s.transaction_point_id = @transactionPointId'); params.transactionPointId = q.transactionPointId }
  if (q.groupId !== undefined) { where.push('s.group_id = @groupId'); params.groupId = q.groupId }
  if (q.date !== undefined) { where.push('s.session_date = @date'); params.date = q.date }
  if (q.from !== undefined) { where.push('s.session_date >= @from'); params.from = q.from }
  if (q.to !== undefined) { where.push('s.session_date <= @to'); params.to = q.to }
  if (actor.role === 'partner_officer') { where.push('g.partner_id = @partnerId'); params.partnerId = actor.partnerId ?? -1 }
  else if (!READ_ALL_ROLES.includes(actor.role)) { where.push('p.branch_id = @branchId'); params.branchId = actor.branchId ?? -1 }
  const rows = sqlite.prepare(`${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT @limit`).all(params) as SummaryRow[]
  return rows.map(summary)
}

interface LineRow {
  loanId: number; interest: number | null; principal: number | null; savings: number; amount: number; transactionId: number | null; reversalId: number | null
  householdId: number; householdName: string; nationalId: string; loanStatus: string
  overdueInterest: number | null; overduePrincipal: number | null; allocInterest: number | null; allocPrincipal: number | null; prepaid: number | null
}

export function getSession(sqlite: Database.Database, actor: Actor, id: number) {
  const row = sqlite.prepare(`${SUMMARY_SELECT} WHERE s.id = ?`).get(id) as SummaryRow | undefined
  if (!row) throw notFound('Collection session', id)
  assertInScope(actor, row, 'Collection session', id)
  // One row per line as handed in, with its repayment's reversal (if any) and CURRENT allocation.
  const rows = sqlite.prepare(`SELECT sl.loan_id AS loanId, sl.interest, sl.principal, sl.savings, sl.transaction_id AS transactionId, COALESCE(t.amount, 0) AS amount,
      (SELECT r.id FROM loan_transactions r WHERE r.reverses_id = sl.transaction_id) AS reversalId,
      l.household_id AS householdId, h.head_name AS householdName, h.national_id AS nationalId, l.state AS loanStatus,
      a.overdue_interest AS overdueInterest, a.overdue_principal AS overduePrincipal, a.interest AS allocInterest, a.principal AS allocPrincipal, a.prepaid
    FROM collection_session_lines sl JOIN loans l ON l.id = sl.loan_id JOIN households h ON h.id = l.household_id
    LEFT JOIN loan_transactions t ON t.id = sl.transaction_id
    LEFT JOIN repayment_allocations a ON a.transaction_id = sl.transaction_id
    WHERE sl.session_id = ? ORDER BY sl.line_index`).all(id) as LineRow[]
  let reversedLines = 0
  const lines = rows.map((l, lineIndex) => {
    const reversed = l.reversalId !== null
    if (reversed) reversedLines++
    const allocation = !reversed && l.overdueInterest !== null
      ? { overdueInterest: l.overdueInterest, overduePrincipal: l.overduePrincipal!, interest: l.allocInterest!, principal: l.allocPrincipal!, prepaid: l.prepaid! }
      : null
    return {
      lineIndex, loanId: l.loanId, householdId: l.householdId, householdName: l.householdName, nationalId: l.nationalId,
      interest: l.interest, principal: l.principal, savings: l.savings, amount: l.amount, transactionId: l.transactionId,
      allocation, reversed, reversalTransactionId: l.reversalId, loanStatus: l.loanStatus,
    }
  })
  return { ...summary(row), reversedLines, lines }
}
