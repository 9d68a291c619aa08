/**
 * Supervision findings (docs/rules.md §22), migration 0022. A finding names its area (an office, or a commune or
 * village with the district office serving it) and keeps the branches under the area on the day it was recorded
 * (`supervision_finding_branches`: who sees and answers it). Findings, their branches and answers are append-only.
 */
import { sqliteTable, integer, text, index, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { applications, branches, loans } from './schema.js'
import { offices, places } from './schema-organisation.js'

/** The bodies that supervise policy credit: the Fatherland Front and the four mass organisations. */
export const SUPERVISING_BODIES = [
  'fatherland_front',
  'womens_union',
  'farmers_association',
  'veterans_association',
  'youth_union',
] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const supervisionFindings = sqliteTable(
  'supervision_findings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    findingDate: text('finding_date').notNull(),
    /** The office named as the area, or the district office serving the commune or village named. */
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    placeId: integer('place_id').references(() => places.id),
    loanId: integer('loan_id').references(() => loans.id),
    applicationId: integer('application_id').references(() => applications.id),
    supervisingBody: text('supervising_body', { enum: SUPERVISING_BODIES }).notNull(),
    finding: text('finding').notNull(),
    followUp: text('follow_up').notNull(),
    recordedBy: integer('recorded_by').notNull(),
    recordedOn: text('recorded_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('supervision_findings_office').on(t.officeId), index('supervision_findings_date').on(t.findingDate)],
)

export const supervisionFindingBranches = sqliteTable(
  'supervision_finding_branches',
  {
    findingId: integer('finding_id')
      .notNull()
      .references(() => supervisionFindings.id),
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
  },
  (t) => [
    primaryKey({ columns: [t.findingId, t.branchId] }),
    index('supervision_finding_branches_branch').on(t.branchId, t.findingId),
  ],
)

export const supervisionAnswers = sqliteTable(
  'supervision_answers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    findingId: integer('finding_id')
      .notNull()
      .references(() => supervisionFindings.id),
    /** The branch answering (one of the finding's branches). */
    branchId: integer('branch_id')
      .notNull()
      .references(() => branches.id),
    answer: text('answer').notNull(),
    actionTaken: text('action_taken'),
    answeredBy: integer('answered_by').notNull(),
    answeredOn: text('answered_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('supervision_answers_finding').on(t.findingId)],
)
