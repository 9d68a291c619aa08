/**
 * The programmes module's SQL: drizzle queries for the admin commands and reads (reference data,
 * read rarely and by code), and the seed's plain statements, prepared once per connection because
 * the seed runs before anything else on a fresh database (at start and from the CLI). Programmes,
 * their rate versions and local policies are insert-only: a rate change is a new version from a
 * future date, never an update of one in use, and nothing is deleted.
 */
import { asc, eq } from 'drizzle-orm'
import { perConnection, type Db } from '../../platform/database.js'
import { localPolicies, programmeRates, programmes } from '../../db/schema.js'

export type ProgrammeRow = typeof programmes.$inferSelect
export type LocalPolicyRow = typeof localPolicies.$inferSelect
export type RateVersion = Pick<typeof programmeRates.$inferSelect, 'effectiveFrom' | 'monthlyRatePpm'>

export const programmeByCode = (db: Db, code: string) =>
  db.select().from(programmes).where(eq(programmes.code, code)).get()
export const allProgrammes = (db: Db) => db.select().from(programmes).orderBy(programmes.code).all()
export const insertProgramme = (db: Db, values: typeof programmes.$inferInsert) =>
  db.insert(programmes).values(values).run()

/** A programme's rate versions, oldest first. */
export function ratesOf(db: Db, code: string): RateVersion[] {
  return db
    .select({ effectiveFrom: programmeRates.effectiveFrom, monthlyRatePpm: programmeRates.monthlyRatePpm })
    .from(programmeRates)
    .where(eq(programmeRates.programmeCode, code))
    .orderBy(asc(programmeRates.effectiveFrom))
    .all()
}
export const insertRate = (db: Db, code: string, rate: RateVersion) =>
  db
    .insert(programmeRates)
    .values({ programmeCode: code, ...rate })
    .run()

export const localPolicyByCode = (db: Db, code: string) =>
  db.select().from(localPolicies).where(eq(localPolicies.code, code)).get()
export const allLocalPolicies = (db: Db) => db.select().from(localPolicies).orderBy(localPolicies.code).all()
export const insertLocalPolicy = (db: Db, values: typeof localPolicies.$inferInsert) =>
  db.insert(localPolicies).values(values).returning().get()

/** The seed's statements (plain SQL: JSON columns are written as the text drizzle would store). */
export const seedQueries = perConnection((sqlite) => ({
  programmeExists: sqlite.prepare<[string], 1>('SELECT 1 FROM programmes WHERE code = ?').pluck(),
  insertProgramme: sqlite.prepare<
    [
      string,
      string,
      string,
      string,
      string,
      number,
      number,
      number,
      string,
      number,
      number,
      number | null,
      number | null,
      string,
      string,
      number,
    ]
  >(
    `INSERT INTO programmes (code, name, legal_basis, eligible_statuses, eligible_areas, max_amount, max_term_months,
      overdue_rate_pct,
    funding_source, default_every_months, default_grace_months, escaped_window_months, collateral_threshold,
      borrower_kind, borrower_facts, purpose_required)
      VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
  ),
  insertRate: sqlite.prepare<[string, string, number]>(
    'INSERT INTO programme_rates (programme_code, effective_from, monthly_rate_ppm) VALUES (?,?,?)',
  ),
  localPolicyExists: sqlite.prepare<[string], 1>('SELECT 1 FROM local_policies WHERE code = ?').pluck(),
  insertLocalPolicy: sqlite.prepare<
    [string, string, number | null, string, string, number | null, number, number, number, number, number, string]
  >(
    `INSERT INTO local_policies (code, name, branch_id, region, programme_code, borrower_rate_ppm, support_amount,
      support_requires_on_time,
        support_requires_exit, exit_window_months_after_closure, budget, effective_from) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
  ),
}))
