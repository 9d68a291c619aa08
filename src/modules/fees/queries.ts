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
export type PartnerRow = Pick<typeof partners.$inferSelect, 'id' | 'code' | 'name' | 'branchId' | 'level'>
/** A loan that paid interest (contract + overdue) in the month, with that interest. */
export type InterestLoanRow = { loanId: number; partnerId: number; fundingSource: string; interest: number }
/** Interest collected through a group's sessions in the month from the loans of one funding source. */
export type GroupFundRow = { groupId: number; fundingSource: string; interestCollected: number }
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
    'SELECT id, code, name, branch_id AS branchId, level FROM partners WHERE id = ?',
  ),
  interestLoans: sqlite.prepare<
    [string, string],
    InterestLoanRow
  >(`SELECT a.loan_id AS loanId, l.partner_id AS partnerId, l.funding_source AS fundingSource,
        SUM(a.interest + a.overdue_interest) AS interest
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
  /** The same interest split by the funding source of the loans it was paid on (for the ledger, §19). */
  sessionGroupFunds: sqlite.prepare<[string, string], GroupFundRow>(
    `SELECT s.group_id AS groupId, l.funding_source AS fundingSource,
        SUM(a.interest + a.overdue_interest) AS interestCollected
      FROM collection_sessions s JOIN repayment_allocations a ON a.collection_session_id = s.id
      JOIN loans l ON l.id = a.loan_id
      WHERE s.session_date BETWEEN ? AND ? GROUP BY s.group_id, l.funding_source ORDER BY s.group_id, l.funding_source`,
  ),
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

// ---------------------------------------------------------------------------
// Partner fees as money (docs/rules.md §19): accruals and payments, append-only.

/** A partner's month, one funding source: accrued (entrustment, commission) and paid. */
export type FundPosition = {
  partnerId: number
  month: string
  fundingSource: string
  entrustmentFee: number
  groupCommission: number
  paid: number
}
export type AccrualRow = {
  id: number
  month: string
  partnerId: number
  entrustmentFee: number
  groupCommission: number
  journalEntryId: number
  accruedOn: string
  accruedBy: number
  createdAt: string
}
export type AccrualLineRow = {
  accrualId: number
  fundingSource: string
  entrustmentFee: number
  groupCommission: number
}
export type PaymentRow = {
  id: number
  month: string
  partnerId: number
  amount: number
  paidOn: string
  reference: string
  journalEntryId: number
  paidBy: number
  createdAt: string
}
export type PaymentLineRow = { paymentId: number; fundingSource: string; amount: number }

const ACCRUAL_SELECT = `SELECT id, month, partner_id AS partnerId, entrustment_fee AS entrustmentFee,
  group_commission AS groupCommission, journal_entry_id AS journalEntryId, accrued_on AS accruedOn,
  accrued_by AS accruedBy, created_at AS createdAt FROM partner_fee_accruals`
const PAYMENT_SELECT = `SELECT id, month, partner_id AS partnerId, amount, paid_on AS paidOn, reference,
  journal_entry_id AS journalEntryId, paid_by AS paidBy, created_at AS createdAt FROM partner_fee_payments`
/** (partner, month, fund) positions; `@month` / `@partner` null = all. */
const POSITIONS = `WITH acc AS (
    SELECT a.partner_id, a.month, l.funding_source, SUM(l.entrustment_fee) AS e, SUM(l.group_commission) AS c
    FROM partner_fee_accruals a JOIN partner_fee_accrual_lines l ON l.accrual_id = a.id
    WHERE (@month IS NULL OR a.month = @month) AND (@partner IS NULL OR a.partner_id = @partner)
    GROUP BY a.partner_id, a.month, l.funding_source),
  pay AS (
    SELECT p.partner_id, p.month, l.funding_source, SUM(l.amount) AS paid
    FROM partner_fee_payments p JOIN partner_fee_payment_lines l ON l.payment_id = p.id
    WHERE (@month IS NULL OR p.month = @month) AND (@partner IS NULL OR p.partner_id = @partner)
    GROUP BY p.partner_id, p.month, l.funding_source)
  SELECT acc.partner_id AS partnerId, acc.month, acc.funding_source AS fundingSource, acc.e AS entrustmentFee,
    acc.c AS groupCommission, COALESCE(pay.paid, 0) AS paid
  FROM acc LEFT JOIN pay ON pay.partner_id = acc.partner_id AND pay.month = acc.month
    AND pay.funding_source = acc.funding_source
  ORDER BY acc.month, acc.partner_id, acc.funding_source`

export const postingQueries = perConnection((sqlite) => ({
  positions: sqlite.prepare<[{ month: string | null; partner: number | null }], FundPosition>(POSITIONS),
  insertAccrual: sqlite.prepare<[string, number, number, number, number, string, number]>(
    'INSERT INTO partner_fee_accruals (month, partner_id, entrustment_fee, group_commission, journal_entry_id, ' +
      'accrued_on, accrued_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
  insertAccrualLine: sqlite.prepare<[number, string, number, number]>(
    'INSERT INTO partner_fee_accrual_lines (accrual_id, funding_source, entrustment_fee, group_commission) ' +
      'VALUES (?, ?, ?, ?)',
  ),
  insertPayment: sqlite.prepare<[string, number, number, string, string, number, number]>(
    'INSERT INTO partner_fee_payments (month, partner_id, amount, paid_on, reference, journal_entry_id, paid_by) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
  insertPaymentLine: sqlite.prepare<[number, string, number]>(
    'INSERT INTO partner_fee_payment_lines (payment_id, funding_source, amount) VALUES (?, ?, ?)',
  ),
  accrual: sqlite.prepare<[number], AccrualRow>(`${ACCRUAL_SELECT} WHERE id = ?`),
  payment: sqlite.prepare<[number], PaymentRow>(`${PAYMENT_SELECT} WHERE id = ?`),
  accrualLines: sqlite.prepare<[string], AccrualLineRow>(
    'SELECT accrual_id AS accrualId, funding_source AS fundingSource, entrustment_fee AS entrustmentFee, ' +
      'group_commission AS groupCommission FROM partner_fee_accrual_lines ' +
      'WHERE accrual_id IN (SELECT value FROM json_each(?)) ORDER BY accrual_id, funding_source',
  ),
  paymentLines: sqlite.prepare<[string], PaymentLineRow>(
    'SELECT payment_id AS paymentId, funding_source AS fundingSource, amount FROM partner_fee_payment_lines ' +
      'WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY payment_id, funding_source',
  ),
  /** Users who accrued the partner's month (four eyes: none of them pays it). */
  accruers: sqlite
    .prepare<[number, string], number>(
      'SELECT DISTINCT accrued_by FROM partner_fee_accruals WHERE partner_id = ? AND month = ?',
    )
    .pluck(),
}))

/** One page of accruals or payments by id; filters vary per call (not prepared once). */
export function accrualsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): AccrualRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], AccrualRow>(
      `${ACCRUAL_SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`,
    )
    .all(params)
}
export function paymentsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): PaymentRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], PaymentRow>(
      `${PAYMENT_SELECT} WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`,
    )
    .all(params)
}
