/**
 * The reports' SQL: read-only, set-based, and the portfolio and collections reports are measured
 * hot paths (the covering loans_report_* indexes are chosen by the exact text below), so the raw
 * SQL stays as it was written and tuned. Almost every statement carries the caller's scope (and the
 * portfolio its grouping) in its text, so it is prepared per call from the fragments the service
 * passes; only the scope-free budget read is prepared once per connection. Nothing here writes:
 * the rows read are the append-only money rows (loan transactions, repayment allocations, savings
 * transactions, support recoveries) and the loans projection, which the money events keep updated.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { scopeSql } from '../../platform/scope.js'
import { prioritySql } from '../priority/queries.js'
import type {
  groups,
  households,
  loans,
  localPolicies,
  supportPayments,
  supportRecoveries,
  transactionPoints,
} from '../../db/schema.js'

type Loan = typeof loans.$inferSelect
type SupportPayment = typeof supportPayments.$inferSelect
/** A scope condition (scopeSql) with its named parameters. */
export type ScopedSql = ReturnType<typeof scopeSql>

export type PortfolioGroupBy = 'programme' | 'branch' | 'partner' | 'group' | 'transactionPoint' | 'priority'
/** How a grouping is read from a loan `l`: its key, the name of the key's row and the join that names it. */
export interface PortfolioKey {
  key: string
  name: string
  join: string
}

/**
 * Grouping by the borrower household's priority (docs/rules.md §14) on `date` (the service's own 'YYYY-MM-DD', so
 * it can stand in the SQL text): key 'priority' or 'other'; the service names them.
 */
export function priorityKey(date: string): PortfolioKey {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${date} is not a date`)
  const point = '(SELECT pg.transaction_point_id FROM groups pg WHERE pg.id = ph.group_id)'
  return {
    key: `(SELECT CASE WHEN ${prioritySql('ph', point, `'${date}'`)} THEN 'priority' ELSE 'other' END
      FROM households ph WHERE ph.id = l.household_id)`,
    name: "''",
    join: '',
  }
}

export const PORTFOLIO_KEYS: Record<Exclude<PortfolioGroupBy, 'priority'>, PortfolioKey> = {
  programme: { key: 'l.programme_code', name: 'pr.name', join: 'JOIN programmes pr ON pr.code = l.programme_code' },
  branch: { key: 'l.branch_id', name: 'b.name', join: 'JOIN branches b ON b.id = l.branch_id' },
  partner: { key: 'l.partner_id', name: 'pa.name', join: 'JOIN partners pa ON pa.id = l.partner_id' },
  group: { key: 'l.group_id', name: 'g.name', join: 'JOIN groups g ON g.id = l.group_id' },
  transactionPoint: {
    key: 'l.transaction_point_id',
    name: 'tp.name',
    join: 'JOIN transaction_points tp ON tp.id = l.transaction_point_id',
  },
}

/** A grouping's key: a programme code or a branch/partner/group/point id. */
type GroupKey = Loan['programmeCode'] | Loan['branchId']
export type PortfolioGroupRow = {
  key: GroupKey
  name: string
  loans: number
  households: number
  outstanding: Loan['outstandingPrincipal']
  overdue: Loan['overduePrincipal']
}
export type PortfolioLoanRow = Pick<Loan, 'id' | 'householdId'> & { key: GroupKey; name: string }

/** Money summed per branch and point, or per month: counts and VND sums of allocations. */
type Collected = { principal: number; interest: number; overdueInterest: number }
export type CollectionsRow = Pick<Loan, 'branchId' | 'transactionPointId'> &
  Collected & {
    transactionPoint: (typeof transactionPoints.$inferSelect)['name']
    repayments: number
    amount: number
    savings: number
    savingsWithdrawn: number
  }
export type MonthDisbursedRow = { month: string; n: number; amount: number }
export type MonthCollectedRow = MonthDisbursedRow & Collected

export type PostingListRow = {
  loanId: Loan['id']
  borrower: (typeof households.$inferSelect)['headName']
  village: (typeof households.$inferSelect)['village']
  groupName: (typeof groups.$inferSelect)['name']
  programmeCode: Loan['programmeCode']
  amount: Loan['disbursedAmount']
  balance: Loan['outstandingPrincipal']
  nextDueDate: Loan['nextDueDate']
  overduePrincipal: Loan['overduePrincipal']
}

type Counted = { count: number; amount: number }
export type SupportStatusRow = Pick<SupportPayment, 'status'> & Counted
export type SupportBranchRow = Pick<SupportPayment, 'branchId' | 'status'> &
  Counted & { branchCode: string; recoveredCount: number; recoveredAmount: number }
export type SupportRecoveryRow = Pick<
  typeof supportRecoveries.$inferSelect,
  'id' | 'supportPaymentId' | 'amount' | 'reason' | 'createdOn'
> &
  Pick<SupportPayment, 'householdId' | 'loanId' | 'branchId' | 'localPolicyCode'>
export type SupportBudgetRow = {
  localPolicyCode: (typeof localPolicies.$inferSelect)['code']
  budget: number
  used: number
  reserved: number
  recoveries: number
  blocked: number
}

/** Households with an active loan in scope (on the projection). */
export function activeHouseholds(sqlite: Database.Database, scope: ScopedSql): number {
  return sqlite
    .prepare<[Record<string, number | string>], number>(
      `SELECT COUNT(DISTINCT l.household_id) FROM loans l WHERE l.state = 'active' AND ${scope.sql}`,
    )
    .pluck()
    .get(scope.params)!
}

/** The active loans in scope per group, on the projection. */
export function portfolioGroups(sqlite: Database.Database, k: PortfolioKey, scope: ScopedSql): PortfolioGroupRow[] {
  // Aggregate on the covering index first, then name the (few) groups.
  return sqlite
    .prepare<[Record<string, number | string>], PortfolioGroupRow>(
      `SELECT agg.key, ${k.name} AS name, agg.loans, agg.households, agg.outstanding, agg.overdue FROM (
        SELECT ${k.key} AS key, COUNT(*) AS loans, COUNT(DISTINCT l.household_id) AS households,
          SUM(l.outstanding_principal) AS outstanding, SUM(l.overdue_principal) AS overdue
        FROM loans l WHERE l.state = 'active' AND ${scope.sql} GROUP BY ${k.key}) agg
      ${k.join.replace(/l\.(\w+)/, 'agg.key')} ORDER BY agg.key`,
    )
    .all(scope.params)
}

/** Every loan in scope disbursed by `asOf`, with its group (to replay as of that date). */
export function loansDisbursedBy(
  sqlite: Database.Database,
  k: PortfolioKey,
  scope: ScopedSql,
  asOf: string,
): PortfolioLoanRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], PortfolioLoanRow>(
      `SELECT l.id, ${k.key} AS key, ${k.name} AS name, l.household_id AS householdId FROM loans l ${k.join}
      WHERE l.first_disbursed_on <= @asOf AND ${scope.sql} ORDER BY l.id`,
    )
    .all({ asOf, ...scope.params })
}

/**
 * Repayments and savings per (branch, point) between two value dates; `loanScope` is on the loan `l`,
 * `savingsScope` on the savings movement `s` (same named parameter, in `params`).
 */
export function collectionsByPoint(
  sqlite: Database.Database,
  loanScope: string,
  savingsScope: string,
  params: Record<string, unknown>,
): CollectionsRow[] {
  // Repayments and savings are grouped separately and joined per (branch, point), so a point with
  // savings but no repayment in the range still appears; both halves honour the caller's scope.
  return sqlite
    .prepare<[Record<string, unknown>], CollectionsRow>(
      `WITH pay AS (
      SELECT l.branch_id AS branchId, l.transaction_point_id AS transactionPointId, COUNT(*) AS repayments,
        SUM(a.amount) AS amount,
        SUM(a.overdue_principal + a.principal + a.prepaid) AS principal, SUM(a.interest) AS interest, SUM(a.overdue_interest)
        AS overdueInterest
      FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
      WHERE a.value_date BETWEEN @from AND @to AND ${loanScope} GROUP BY l.branch_id, l.transaction_point_id
    ), saved AS (
      -- Savings accounts' movements (session and counter deposits, paid withdrawals) at the point where the cash moved.
      SELECT s.branch_id AS branchId, s.transaction_point_id AS transactionPointId,
        SUM(CASE s.kind WHEN 'deposit' THEN s.amount ELSE 0 END) AS savings,
        SUM(CASE s.kind WHEN 'withdrawal' THEN s.amount ELSE 0 END) AS savingsWithdrawn
      FROM (SELECT t.kind, t.amount, t.transaction_point_id, tp.branch_id, g.partner_id
        FROM savings_transactions t JOIN transaction_points tp ON tp.id = t.transaction_point_id
        JOIN savings_accounts sa ON sa.id = t.account_id
        JOIN households h ON h.id = sa.household_id JOIN groups g ON g.id = h.group_id
        WHERE t.value_date BETWEEN @from AND @to) s
      WHERE ${savingsScope} GROUP BY s.branch_id, s.transaction_point_id
    ), points AS (SELECT branchId, transactionPointId FROM pay UNION SELECT branchId, transactionPointId FROM saved)
    SELECT p.branchId, p.transactionPointId, tp.name AS transactionPoint, COALESCE(pay.repayments, 0) AS repayments,
      COALESCE(pay.amount, 0) AS amount, COALESCE(pay.principal, 0) AS principal, COALESCE(pay.interest, 0) AS interest,
      COALESCE(pay.overdueInterest, 0) AS overdueInterest, COALESCE(saved.savings, 0) AS savings,
      COALESCE(saved.savingsWithdrawn, 0) AS savingsWithdrawn
    FROM points p JOIN transaction_points tp ON tp.id = p.transactionPointId
    LEFT JOIN pay ON pay.branchId = p.branchId AND pay.transactionPointId = p.transactionPointId
    LEFT JOIN saved ON saved.branchId = p.branchId AND saved.transactionPointId = p.transactionPointId
    ORDER BY p.branchId, p.transactionPointId`,
    )
    .all(params)
}

/** The active loans of a transaction point in scope, as posted publicly. */
export function postingListRows(
  sqlite: Database.Database,
  transactionPointId: number,
  scope: ScopedSql,
): PostingListRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], PostingListRow>(
      `SELECT l.id AS loanId, h.head_name AS borrower, h.village, g.name AS groupName, l.programme_code AS
        programmeCode,
      l.disbursed_amount AS amount, l.outstanding_principal AS balance, l.next_due_date AS nextDueDate, l.overdue_principal
        AS overduePrincipal
    FROM loans l JOIN households h ON h.id = l.household_id JOIN groups g ON g.id = l.group_id
    WHERE l.transaction_point_id = @tp AND l.state = 'active' AND ${scope.sql} ORDER BY g.name, h.head_name,
        l.id`,
    )
    .all({ tp: transactionPointId, ...scope.params })
}

/** Value-date range (`start`, `end`) and the scope's parameters of the monthly report. */
type MonthRange = Record<string, unknown> & { start: string; end: string }

/** Disbursements per month, those reversed since left out. */
export function disbursedByMonth(sqlite: Database.Database, scope: string, range: MonthRange): MonthDisbursedRow[] {
  return sqlite
    .prepare<[MonthRange], MonthDisbursedRow>(
      `SELECT substr(t.value_date, 1, 7) AS month, COUNT(*) AS n, SUM(t.amount) AS amount
    FROM loan_transactions t JOIN loans l ON l.id = t.loan_id
    WHERE t.kind = 'disbursement' AND t.value_date BETWEEN @start AND @end AND ${scope}
      AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id)
    GROUP BY month`,
    )
    .all(range)
}

/** Repayments per month, by their current allocations. */
export function collectedByMonth(sqlite: Database.Database, scope: string, range: MonthRange): MonthCollectedRow[] {
  return sqlite
    .prepare<[MonthRange], MonthCollectedRow>(
      `SELECT substr(a.value_date, 1, 7) AS month, COUNT(*) AS n, SUM(a.amount) AS amount,
      SUM(a.overdue_principal + a.principal + a.prepaid) AS principal, SUM(a.interest) AS interest, SUM(a.overdue_interest)
        AS overdueInterest
    FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
    WHERE a.value_date BETWEEN @start AND @end AND ${scope} GROUP BY month`,
    )
    .all(range)
}

/**
 * Support payments in scope (`scope` is `AND <condition>` on the payment `s`): by state, by branch and state, and
 * their recoveries.
 */
export function supportPaymentRows(sqlite: Database.Database, scope: string, params: Record<string, number | string>) {
  const byStatus = sqlite
    .prepare<[Record<string, number | string>], SupportStatusRow>(
      `SELECT s.status, COUNT(*) AS count, SUM(s.amount) AS amount FROM support_payments s WHERE 1 = 1 ${scope}
        GROUP BY s.status ORDER BY s.status`,
    )
    .all(params)
  // Recoveries (a paid payment whose conditions stopped holding) are counted on their payment's row.
  const byBranch = sqlite
    .prepare<[Record<string, number | string>], SupportBranchRow>(
      `SELECT s.branch_id AS branchId, b.code AS branchCode, s.status, COUNT(*) AS count, SUM(s.amount) AS
        amount,
      COUNT(r.id) AS recoveredCount, COALESCE(SUM(r.amount), 0) AS recoveredAmount
    FROM support_payments s JOIN branches b ON b.id = s.branch_id LEFT JOIN support_recoveries r ON r.support_payment_id
        = s.id
    WHERE 1 = 1 ${scope} GROUP BY s.branch_id, s.status ORDER BY s.branch_id, s.status`,
    )
    .all(params)
  const recoveries = sqlite
    .prepare<[Record<string, number | string>], SupportRecoveryRow>(
      `SELECT r.id, r.support_payment_id AS supportPaymentId, s.household_id AS householdId, s.loan_id AS
        loanId, s.branch_id AS branchId,
      s.local_policy_code AS localPolicyCode, r.amount, r.reason, r.created_on AS createdOn
    FROM support_recoveries r JOIN support_payments s ON s.id = r.support_payment_id WHERE 1 = 1 ${scope}
        ORDER BY r.id`,
    )
    .all(params)
  return { byStatus, byBranch, recoveries }
}

/** The statements without scope (budgets are per policy, for everyone), prepared once per connection. */
export const reportQueries = perConnection((sqlite) => ({
  supportBudgets: sqlite.prepare<[], SupportBudgetRow>(`SELECT p.code AS localPolicyCode, p.budget,
      COALESCE((SELECT SUM(amount) FROM support_payments s WHERE s.local_policy_code = p.code AND s.status
    IN ('approved', 'paid')), 0) AS used,
      COALESCE((SELECT SUM(amount) FROM support_payments s WHERE s.local_policy_code = p.code AND s.status
    = 'pending_approval'), 0) AS reserved,
      COALESCE((SELECT SUM(r.amount) FROM support_recoveries r JOIN support_payments s ON s.id = r.support_payment_id
    WHERE s.local_policy_code = p.code), 0) AS recoveries,
      (SELECT COUNT(*) FROM support_evaluations e WHERE e.local_policy_code = p.code AND e.reason = 'BUDGET_EXHAUSTED')
    AS blocked
    FROM local_policies p WHERE p.support_amount IS NOT NULL ORDER BY p.code`),
}))
