/**
 * The purposes module's SQL: drizzle queries on loan_purposes (reference data, a short list per programme),
 * and the seed's plain statement. A purpose is never deleted; retiring it sets active = false.
 */
import { and, eq, type SQL } from 'drizzle-orm'
import { perConnection, type Db } from '../../platform/database.js'
import { loanPurposes } from '../../db/schema-borrowers.js'

export type PurposeRow = typeof loanPurposes.$inferSelect

export const purposeOf = (db: Db, programmeCode: string, code: string) =>
  db
    .select()
    .from(loanPurposes)
    .where(and(eq(loanPurposes.programmeCode, programmeCode), eq(loanPurposes.code, code)))
    .get()

export function purposesWhere(db: Db, q: { programmeCode?: string; active?: boolean }) {
  const where: SQL[] = []
  if (q.programmeCode !== undefined) where.push(eq(loanPurposes.programmeCode, q.programmeCode))
  if (q.active !== undefined) where.push(eq(loanPurposes.active, q.active))
  return db
    .select()
    .from(loanPurposes)
    .where(and(...where))
    .orderBy(loanPurposes.programmeCode, loanPurposes.code)
    .all()
}

export const insertPurpose = (db: Db, values: typeof loanPurposes.$inferInsert) =>
  db.insert(loanPurposes).values(values).returning().get()

/** Retires an active purpose; undefined when it was not active. */
export const retirePurposeRow = (db: Db, programmeCode: string, code: string) =>
  db
    .update(loanPurposes)
    .set({ active: false })
    .where(
      and(eq(loanPurposes.programmeCode, programmeCode), eq(loanPurposes.code, code), eq(loanPurposes.active, true)),
    )
    .returning()
    .get()

/** The seed's statement: a purpose inserted when missing (a retired one stays retired). */
export const purposeSeedQueries = perConnection((sqlite) => ({
  insertIfMissing: sqlite.prepare<[string, string, string, string]>(
    'INSERT OR IGNORE INTO loan_purposes (programme_code, code, name_vi, name_en) VALUES (?,?,?,?)',
  ),
}))
