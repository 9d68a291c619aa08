/**
 * Inspection after disbursement, outcomes and recall (docs/rules.md §16): inspections and their outcomes are
 * append-only records (a correction is a new inspection); a recall is proposed by one person and decided by another.
 */
import { sqliteTable, integer, text, uniqueIndex, index, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { branches, loans, partners } from './schema.js'
import { INSPECTION_FINDINGS, OUTCOME_KINDS } from '../domain/inspection.js'

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

/** One visit to check how a disbursed loan's capital is used. Branch and partner are the loan's (for scope). */
export const inspections = sqliteTable(
  'inspections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id),
    inspectedOn: text('inspected_on').notNull(),
    inspector: text('inspector').notNull(),
    finding: text('finding', { enum: INSPECTION_FINDINGS }).notNull(),
    evidence: text('evidence').notNull(),
    recordedBy: integer('recorded_by').notNull(),
    recordedOn: text('recorded_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('inspections_loan').on(t.loanId, t.inspectedOn),
    index('inspections_branch').on(t.branchId, t.inspectedOn),
    index('inspections_partner').on(t.partnerId, t.inspectedOn),
    index('inspections_date').on(t.inspectedOn),
  ],
)

/** What the loan produced, as counted at an inspection (jobs created, houses built, …). */
export const inspectionOutcomes = sqliteTable(
  'inspection_outcomes',
  {
    inspectionId: integer('inspection_id')
      .notNull()
      .references(() => inspections.id),
    outcome: text('outcome', { enum: OUTCOME_KINDS }).notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.inspectionId, t.outcome] })],
)

export const RECALL_PROPOSAL_STATUSES = ['pending_approval', 'approved', 'rejected'] as const

/** Recall proposed on an inspection's finding; executed (a recall loan event) when another manager approves. */
export const recallProposals = sqliteTable(
  'recall_proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    loanId: integer('loan_id')
      .notNull()
      .references(() => loans.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    inspectionId: integer('inspection_id')
      .notNull()
      .references(() => inspections.id),
    status: text('status', { enum: RECALL_PROPOSAL_STATUSES }).notNull(),
    reason: text('reason').notNull(),
    proposedBy: integer('proposed_by').notNull(),
    proposedOn: text('proposed_on').notNull(),
    decisionNo: text('decision_no'),
    valueDate: text('value_date'),
    decidedBy: integer('decided_by'),
    decidedOn: text('decided_on'),
    rejectionReason: text('rejection_reason'),
    loanTransactionId: integer('loan_transaction_id'),
    createdAt: createdAt(),
    updatedAt: text('updated_at'),
  },
  (t) => [
    uniqueIndex('recall_proposals_one_pending')
      .on(t.loanId)
      .where(sql`status = 'pending_approval'`),
    index('recall_proposals_loan').on(t.loanId),
    index('recall_proposals_status').on(t.status, t.branchId),
  ],
)
