/**
 * Loan purposes per programme (docs/rules.md §15). Reference data: a purpose is never deleted; it is
 * retired (active = false) so loans that carry it keep a readable code.
 */
import { sqliteTable, integer, text, primaryKey } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'
import { programmes } from './schema.js'

export const loanPurposes = sqliteTable(
  'loan_purposes',
  {
    programmeCode: text('programme_code')
      .notNull()
      .references(() => programmes.code),
    code: text('code').notNull(),
    nameVi: text('name_vi').notNull(),
    nameEn: text('name_en').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: text('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
  },
  (t) => [primaryKey({ columns: [t.programmeCode, t.code] })],
)
