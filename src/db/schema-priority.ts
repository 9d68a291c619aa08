/**
 * Tables of priority attributes (docs/rules.md §14) and partner fees as money (§19), migration 0019.
 * All append-only (triggers refuse UPDATE and DELETE): a designation ends by an end record; an accrual run that
 * finds the month changed posts a new record with the difference.
 */
import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { journalEntries, partners, transactionPoints } from './schema.js'

export const DESIGNATIONS = ['remote', 'especially_difficult'] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

/** A commune (its transaction point) or one of its villages designated remote / especially difficult from a date. */
export const areaDesignations = sqliteTable(
  'area_designations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    /** null: the whole commune */
    village: text('village'),
    designation: text('designation', { enum: DESIGNATIONS }).notNull(),
    effectiveFrom: text('effective_from').notNull(),
    decisionNo: text('decision_no').notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('area_designations_point').on(t.transactionPointId, t.effectiveFrom)],
)

/** The end of a designation: its last day in force, by a decision. */
export const areaDesignationEnds = sqliteTable('area_designation_ends', {
  designationId: integer('designation_id')
    .primaryKey()
    .references(() => areaDesignations.id),
  effectiveTo: text('effective_to').notNull(),
  decisionNo: text('decision_no').notNull(),
  createdBy: integer('created_by').notNull(),
  createdAt: createdAt(),
})

/** One accrual run for one partner and month: the month's figures as computed then. */
export const partnerFeeAccruals = sqliteTable(
  'partner_fee_accruals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    month: text('month').notNull(),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    entrustmentFee: integer('entrustment_fee').notNull(),
    groupCommission: integer('group_commission').notNull(),
    journalEntryId: integer('journal_entry_id')
      .notNull()
      .references(() => journalEntries.id),
    accruedOn: text('accrued_on').notNull(),
    accruedBy: integer('accrued_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('partner_fee_accruals_month').on(t.month, t.partnerId)],
)

/** What an accrual run posted per funding source: the change since the earlier runs (negative when it fell). */
export const partnerFeeAccrualLines = sqliteTable(
  'partner_fee_accrual_lines',
  {
    accrualId: integer('accrual_id')
      .notNull()
      .references(() => partnerFeeAccruals.id),
    fundingSource: text('funding_source').notNull(),
    entrustmentFee: integer('entrustment_fee').notNull(),
    groupCommission: integer('group_commission').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accrualId, t.fundingSource] })],
)

export const partnerFeePayments = sqliteTable(
  'partner_fee_payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    month: text('month').notNull(),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    amount: integer('amount').notNull(),
    paidOn: text('paid_on').notNull(),
    reference: text('reference').notNull(),
    journalEntryId: integer('journal_entry_id')
      .notNull()
      .references(() => journalEntries.id),
    paidBy: integer('paid_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('partner_fee_payments_month').on(t.month, t.partnerId)],
)

export const partnerFeePaymentLines = sqliteTable(
  'partner_fee_payment_lines',
  {
    paymentId: integer('payment_id')
      .notNull()
      .references(() => partnerFeePayments.id),
    fundingSource: text('funding_source').notNull(),
    amount: integer('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.paymentId, t.fundingSource] })],
)
