/**
 * Tables of the annual poverty review and of area-wide relief (docs/rules.md §17, §18).
 * A review keeps every line of the commune's file with its dry-run outcome and, once applied,
 * what applying did; a relief decision keeps its preview per loan and each loan's result, unique
 * per (decision, loan) so that a resumed application never touches a loan twice.
 */
import { sqliteTable, integer, text, uniqueIndex, index } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { branches, households, loanTransactions, loans, povertyRecords, transactionPoints } from './schema.js'

export const POVERTY_REVIEW_STATUSES = ['draft', 'applied'] as const
export const RELIEF_DECISION_STATUSES = ['proposed', 'applying', 'applied', 'rejected'] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const povertyReviews = sqliteTable(
  'poverty_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    transactionPointId: integer('transaction_point_id')
      .notNull()
      .references(() => transactionPoints.id),
    year: integer('year').notNull(),
    status: text('status', { enum: POVERTY_REVIEW_STATUSES }).notNull(),
    createdBy: integer('created_by').notNull(),
    createdOn: text('created_on').notNull(),
    appliedBy: integer('applied_by'),
    appliedOn: text('applied_on'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [index('poverty_reviews_point').on(t.transactionPointId, t.year)],
)

export const povertyReviewLines = sqliteTable(
  'poverty_review_lines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reviewId: integer('review_id')
      .notNull()
      .references(() => povertyReviews.id),
    lineNo: integer('line_no').notNull(),
    nationalId: text('national_id').notNull(),
    statusText: text('status_text').notNull(),
    status: text('status'),
    decisionNo: text('decision_no').notNull(),
    effectiveDateText: text('effective_date_text').notNull(),
    effectiveDate: text('effective_date'),
    householdId: integer('household_id').references(() => households.id),
    outcome: text('outcome').notNull(),
    code: text('code').notNull(),
    fromStatus: text('from_status'),
    // Set when the review is applied: what applying did with the line (classified again at that moment).
    appliedOutcome: text('applied_outcome'),
    appliedCode: text('applied_code'),
    povertyRecordId: integer('poverty_record_id').references(() => povertyRecords.id),
  },
  (t) => [uniqueIndex('poverty_review_lines_line').on(t.reviewId, t.lineNo)],
)

export const reliefDecisions = sqliteTable(
  'relief_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    decisionNo: text('decision_no').notNull(),
    cause: text('cause').notNull(),
    kind: text('kind', { enum: ['freeze', 'extension'] }).notNull(),
    transactionPointIds: text('transaction_point_ids', { mode: 'json' }).$type<number[]>().notNull(),
    valueDate: text('value_date').notNull(),
    months: integer('months'),
    untilDate: text('until_date'),
    status: text('status', { enum: RELIEF_DECISION_STATUSES }).notNull(),
    proposedBy: integer('proposed_by').notNull(),
    proposedOn: text('proposed_on').notNull(),
    decidedBy: integer('decided_by'),
    decidedOn: text('decided_on'),
    rejectionReason: text('rejection_reason'),
    completedOn: text('completed_on'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [
    index('relief_decisions_branch').on(t.branchId, t.status),
    uniqueIndex('relief_decisions_number')
      .on(t.branchId, t.decisionNo)
      .where(sql`status <> 'rejected'`),
  ],
)

export const reliefDecisionLoans = sqliteTable(
  'relief_decision_loans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    decisionId: integer('decision_id')
      .notNull()
      .references(() => reliefDecisions.id),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    transactionPointId: integer('transaction_point_id').notNull(),
    // The preview: eligible, or left out with its reason (a code).
    eligible: integer('eligible').notNull(),
    reason: text('reason'),
    outstandingPrincipal: integer('outstanding_principal').notNull(),
    interest: integer('interest').notNull(),
    instalmentNumber: integer('instalment_number'),
    newDueDate: text('new_due_date'),
    // The application: applied (with its loan transaction) or skipped (with the code the loan's rules gave).
    result: text('result'),
    resultCode: text('result_code'),
    loanTransactionId: integer('loan_transaction_id').references(() => loanTransactions.id),
    batchNo: integer('batch_no'),
  },
  (t) => [
    uniqueIndex('relief_decision_loans_loan').on(t.decisionId, t.loanId),
    index('relief_decision_loans_pending').on(t.decisionId, t.result),
  ],
)
