/**
 * The fees module's SQL: fee-rate versions and the month's sums the report is
 * computed from, prepared once per connection, rows typed from the drizzle
 * schema. Fee-rate versions are append-only (a new version, never an edit);
 * the report itself is never stored, so nothing here updates a row.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { feeRates, groups, partners } from '../../db/schema.js'

type Group = typeof groups.$inferSelect

export type FeeRateRow = typeof feeRates.$inferSelect
export type PartnerRow = Pick<typeof partners.$inferSelect, 'id' | 'code' | 'name' | 'branchId'>
/** A loan that paid interest (contract + overdue) in the month, with that interest. */
export type InterestLoanRow = { loanId: number; partnerId: number; interest: number }
/** A group that held collection sessions in the month, with the interest collected through them. */
export type GroupRow = {
  groupId: Group['id']
  groupCode: Group['code']
  groupName: Group['name']
  partnerId: Group['partnerId']
  transactionPointId: Group['transactionPointId']
  sessions: number
  interestCollected: number
}

const RATE_SELECT = `SELECT id, partner_id AS partnerId, effective_from AS effectiveFrom, entrustment_fee_rate_ppm
  AS entrustmentFeeRatePpm,
  group_commission_rate_ppm AS groupCommissionRatePpm, created_at AS createdAt FROM fee_rates`

/** The module's prepared statements for this connection. */
export const feeQueries = perConnection((sqlite) => ({
  rate: sqlite.prepare<[number], FeeRateRow>(`${RATE_SELECT} WHERE id = ?`),
  /** The partner's own latest version in force on a date. */
  partnerRate: sqlite.prepare<[number, string], FeeRateRow>(
    `${RATE_SELECT} WHERE partner_id = ? AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1`,
  ),
  defaultRate: sqlite.prepare<[string], FeeRateRow>(
    `${RATE_SELECT} WHERE partner_id IS NULL AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1`,
  ),
  versionExists: sqlite
    .prepare<[number | null, string], number>('SELECT 1 FROM fee_rates WHERE partner_id IS ? AND effective_from = ?')
    .pluck(),
  insertRate: sqlite.prepare<[number | null, string, number, number]>(
    'INSERT INTO fee_rates (partner_id, effective_from, entrustment_fee_rate_ppm, ' +
      'group_commission_rate_ppm) VALUES (?, ?, ?, ?)',
  ),
  partner: sqlite.prepare<[number], PartnerRow>(
    'SELECT id, code, name, branch_id AS branchId FROM partners WHERE id = ?',
  ),
  interestLoans: sqlite.prepare<
    [string, string],
    InterestLoanRow
  >(`SELECT a.loan_id AS loanId, l.partner_id AS partnerId, SUM(a.interest + a.overdue_interest) AS interest
      FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id
      WHERE a.value_date BETWEEN ? AND ? GROUP BY a.loan_id HAVING SUM(a.interest + a.overdue_interest) >
    0 ORDER BY a.loan_id`),
  sessionGroups: sqlite.prepare<
    [string, string],
    GroupRow
  >(`SELECT g.id AS groupId, g.code AS groupCode, g.name AS groupName, g.partner_id AS partnerId, g.transaction_point_id
    AS transactionPointId,
        COUNT(DISTINCT s.id) AS sessions, COALESCE(SUM(a.interest + a.overdue_interest), 0) AS interestCollected
      FROM collection_sessions s JOIN groups g ON g.id = s.group_id
      LEFT JOIN repayment_allocations a ON a.collection_session_id = s.id
      WHERE s.session_date BETWEEN ? AND ? GROUP BY g.id ORDER BY g.id`),
}))

/**
 * One page of fee-rate versions by id; `where` with named parameters in `params` (the filters vary per call: not
 * prepared once).
 */
export function feeRatesPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): FeeRateRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], FeeRateRow>(
      `${RATE_SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`,
    )
    .all(params)
}
