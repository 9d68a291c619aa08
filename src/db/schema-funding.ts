/**
 * Funding sources and the capital they put in (docs/rules.md §12), migration 0014.
 * A funding source's code is what every journal line's `funding_source`, every programme's, local policy's and
 * loan's `funding_source` hold. Capital receipts are money rows: append-only (triggers refuse UPDATE and DELETE).
 */
import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { branches, journalEntries } from './schema.js'

export const FUNDING_SOURCE_KINDS = ['central', 'local'] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const fundingSources = sqliteTable('funding_sources', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: FUNDING_SOURCE_KINDS }).notNull(),
  /** a local source's province or city (null for central) */
  region: text('region'),
  branchId: integer('branch_id').references(() => branches.id),
  /**
   * The business date from which disbursements are limited by the source's capital: its first capital receipt
   * for a seeded source, its creation for one created through the API; null = not (yet) capital-controlled.
   */
  capitalSince: text('capital_since'),
  createdAt: createdAt(),
})

export const capitalReceipts = sqliteTable(
  'capital_receipts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fundingSource: text('funding_source')
      .notNull()
      .references(() => fundingSources.code),
    amount: integer('amount').notNull(),
    valueDate: text('value_date').notNull(),
    decisionNo: text('decision_no').notNull(),
    note: text('note'),
    journalEntryId: integer('journal_entry_id')
      .notNull()
      .references(() => journalEntries.id),
    createdBy: integer('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('capital_receipts_source').on(t.fundingSource, t.valueDate)],
)
