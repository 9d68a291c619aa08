/**
 * The collections module's SQL: posting a session is a hot path (up to 200 lines in one command on
 * the writer thread), so its statements are plain SQL prepared once per connection, as are the reads
 * of one session and of the collection sheet; only what varies per call (the list's filters and
 * scope, the sheet's set of groups) is prepared per call. Rows are typed from the drizzle schema.
 * Everything a session writes is append-only: the session row, its lines and its savings deposits
 * are inserted once, in the posting's transaction, and never updated (a repayment is undone by a
 * reversal in the loan's transactions, which the lines only point to).
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type {
  collectionSessionLines,
  collectionSessions,
  groups,
  households,
  loans,
  partners,
  repaymentAllocations,
  transactionPoints,
  users,
} from '../../db/schema.js'

type Session = typeof collectionSessions.$inferSelect
type Group = typeof groups.$inferSelect
type Partner = typeof partners.$inferSelect
type Household = typeof households.$inferSelect
type Point = typeof transactionPoints.$inferSelect
type OrNull<T> = { [K in keyof T]: T[K] | null }

/** A posted session with its point, group (and the group's partner and branch) and who posted it. */
export type SummaryRow = Pick<
  Session,
  | 'id'
  | 'transactionPointId'
  | 'groupId'
  | 'sessionDate'
  | 'lineCount'
  | 'totalInterest'
  | 'totalPrincipal'
  | 'totalSavings'
  | 'createdAt'
> &
  Pick<Group, 'partnerId'> &
  Pick<Point, 'branchId'> & {
    transactionPointName: Point['name']
    groupName: Group['name']
    postedById: Session['createdBy']
    postedByName: (typeof users.$inferSelect)['name'] | null
  }

/**
 * A line as handed in, the repayment it became (amount, reversal) and that repayment's current allocation (null
 * when there is none).
 */
export type LineRow = Pick<
  typeof collectionSessionLines.$inferSelect,
  'loanId' | 'interest' | 'principal' | 'savings' | 'transactionId'
> & {
  amount: number
  reversalId: number | null
  householdId: Household['id']
  householdName: Household['headName']
  nationalId: Household['nationalId']
  loanStatus: (typeof loans.$inferSelect)['state']
  allocInterest: number | null
  allocPrincipal: number | null
} & OrNull<Pick<typeof repaymentAllocations.$inferSelect, 'overdueInterest' | 'overduePrincipal' | 'prepaid'>>

/** A group with its branch (its transaction point's): what the scope rule needs. */
export type GroupOwnerRow = Pick<Group, 'id' | 'transactionPointId' | 'partnerId'> & Pick<Point, 'branchId'>
export type SheetPointRow = Pick<Point, 'id' | 'code' | 'name' | 'branchId' | 'commune' | 'sessionDay'>
export type SheetGroupRow = GroupOwnerRow & Pick<Group, 'code' | 'name' | 'village'> & { partnerName: Partner['name'] }
export type SheetLoanRow = {
  loanId: number
  groupId: number
  householdId: Household['id']
  headName: Household['headName']
  nationalId: Household['nationalId']
  village: Household['village']
  householdGroupId: Household['groupId']
}

const SUMMARY_SELECT = `SELECT s.id, s.transaction_point_id AS transactionPointId, tp.name AS transactionPointName,
  s.group_id AS groupId, g.name AS groupName,
    g.partner_id AS partnerId, tp.branch_id AS branchId, s.session_date AS sessionDate, s.line_count AS lineCount,
    s.total_interest AS totalInterest, s.total_principal AS totalPrincipal, s.total_savings AS totalSavings,
    s.created_by AS postedById, u.name AS postedByName, s.created_at AS createdAt
  FROM collection_sessions s JOIN groups g ON g.id = s.group_id JOIN partners p ON p.id = g.partner_id
  JOIN transaction_points tp ON tp.id = s.transaction_point_id LEFT JOIN users u ON u.id = s.created_by`

const SHEET_GROUP_SELECT = `SELECT g.id, g.code, g.name, g.village, g.partner_id AS partnerId, p.name AS partnerName,
  tp.branch_id AS branchId, g.transaction_point_id AS transactionPointId
    FROM groups g JOIN partners p ON p.id = g.partner_id JOIN transaction_points tp ON tp.id = g.transaction_point_id`

/** The module's prepared statements for this connection. */
export const collectionQueries = perConnection((sqlite) => ({
  session: sqlite.prepare<[number], SummaryRow>(`${SUMMARY_SELECT} WHERE s.id = ?`),
  // One row per line as handed in, with its repayment's reversal (if any) and CURRENT allocation.
  lines: sqlite.prepare<
    [number],
    LineRow
  >(`SELECT sl.loan_id AS loanId, sl.interest, sl.principal, sl.savings, sl.transaction_id AS transactionId,
    COALESCE(t.amount, 0) AS amount,
      (SELECT r.id FROM loan_transactions r WHERE r.reverses_id = sl.transaction_id) AS reversalId,
      l.household_id AS householdId, h.head_name AS householdName, h.national_id AS nationalId, l.state AS
    loanStatus,
      a.overdue_interest AS overdueInterest, a.overdue_principal AS overduePrincipal, a.interest AS allocInterest,
    a.principal AS allocPrincipal, a.prepaid
    FROM collection_session_lines sl JOIN loans l ON l.id = sl.loan_id JOIN households h ON h.id = l.household_id
    LEFT JOIN loan_transactions t ON t.id = sl.transaction_id
    LEFT JOIN repayment_allocations a ON a.transaction_id = sl.transaction_id
    WHERE sl.session_id = ? ORDER BY sl.line_index`),
  groupOwner: sqlite.prepare<
    [number],
    GroupOwnerRow
  >(`SELECT g.id, g.transaction_point_id AS transactionPointId, g.partner_id AS partnerId, tp.branch_id AS branchId
    FROM groups g JOIN transaction_points tp ON tp.id = g.transaction_point_id WHERE g.id = ?`),
  insertSession: sqlite.prepare<[number, number, string, number, number, number, number, number]>(
    `INSERT INTO collection_sessions (transaction_point_id, group_id, session_date, line_count, total_interest,
      total_principal, total_savings, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  insertDeposit: sqlite.prepare<[number, number, number, number, string]>(
    'INSERT INTO savings_deposits (collection_session_id, loan_id, household_id, amount, value_date) VALUES ' +
      '(?, ?, ?, ?, ?)',
  ),
  insertLine: sqlite.prepare<[number, number, number, number, number, number, number | null]>(
    'INSERT INTO collection_session_lines (session_id, line_index, loan_id, interest, principal, savings, ' +
      'transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
  partnerBranch: sqlite.prepare<[number], number>('SELECT branch_id AS branchId FROM partners WHERE id = ?').pluck(),
  point: sqlite.prepare<[number], SheetPointRow>(
    'SELECT id, code, name, branch_id AS branchId, commune, session_day AS sessionDay FROM ' +
      'transaction_points WHERE id = ?',
  ),
  sheetGroup: sqlite.prepare<[number], SheetGroupRow>(`${SHEET_GROUP_SELECT} WHERE g.id = ?`),
  sheetGroupsAt: sqlite.prepare<[number], SheetGroupRow>(
    `${SHEET_GROUP_SELECT} WHERE g.transaction_point_id = ? ORDER BY g.name, g.id`,
  ),
}))

/**
 * One page of sessions by id; `where` are conditions on s (the session), g (its group) and p (the
 * group's partner) with named parameters in `params`, `@limit` among them (filters and scope vary per call).
 */
export function sessionsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): SummaryRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], SummaryRow>(
      `${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY s.id LIMIT @limit`,
    )
    .all(params)
}

/**
 * The active loans of these groups with their household, by loan id (one placeholder per group: prepared per call).
 */
export function activeLoansOfGroups(sqlite: Database.Database, groupIds: number[]): SheetLoanRow[] {
  return sqlite
    .prepare<number[], SheetLoanRow>(
      `SELECT l.id AS loanId, l.group_id AS groupId, h.id AS householdId, h.head_name AS headName,
      h.national_id AS nationalId, h.village, h.group_id AS householdGroupId
    FROM loans l JOIN households h ON h.id = l.household_id
    WHERE l.state = 'active' AND l.group_id IN (${groupIds.map(() => '?').join(',')}) ORDER BY l.id`,
    )
    .all(...groupIds)
}
