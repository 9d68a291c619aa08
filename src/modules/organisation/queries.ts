/**
 * The organisation module's SQL, as drizzle queries: reference data (branches, transaction points,
 * partners, groups) written by an admin one row at a time and read by id, by code or a page at a
 * time, rows typed by the drizzle schema. All four tables are insert-only here (a code, once
 * taken, stays taken); lists take their conditions (filters and scope) from the service because
 * those vary per call.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import { branches, groups, partners, transactionPoints } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'

/** A group's branch: the branch of the transaction point it hands in at (groups carry no branch of their own). */
export const groupBranch = sql`(SELECT ${transactionPoints.branchId} FROM ${transactionPoints}
  WHERE ${transactionPoints.id} = ${groups.transactionPointId})`

export const branchById = (db: Db, id: number) => db.select().from(branches).where(eq(branches.id, id)).get()
export const branchIdByCode = (db: Db, code: string) =>
  db.select({ id: branches.id }).from(branches).where(eq(branches.code, code)).get()
export const insertBranch = (db: Db, values: typeof branches.$inferInsert) =>
  db.insert(branches).values(values).returning().get()

export const pointById = (db: Db, id: number) =>
  db.select().from(transactionPoints).where(eq(transactionPoints.id, id)).get()
export const pointIdByCode = (db: Db, code: string) =>
  db.select({ id: transactionPoints.id }).from(transactionPoints).where(eq(transactionPoints.code, code)).get()
export const insertPoint = (db: Db, values: typeof transactionPoints.$inferInsert) =>
  db.insert(transactionPoints).values(values).returning().get()

export const partnerById = (db: Db, id: number) => db.select().from(partners).where(eq(partners.id, id)).get()
export const partnerIdByCode = (db: Db, code: string) =>
  db.select({ id: partners.id }).from(partners).where(eq(partners.code, code)).get()
export const insertPartner = (db: Db, values: typeof partners.$inferInsert) =>
  db.insert(partners).values(values).returning().get()

export const groupIdByCode = (db: Db, code: string) =>
  db.select({ id: groups.id }).from(groups).where(eq(groups.code, code)).get()
export const insertGroup = (db: Db, values: typeof groups.$inferInsert) =>
  db.insert(groups).values(values).returning().get()

// Pages by id: `where` holds the cursor, the filters and the scope; `limit` rows at most.
type Where = (SQL | undefined)[]
export const branchesPage = (db: Db, where: Where, limit: number) =>
  db
    .select()
    .from(branches)
    .where(and(...where))
    .orderBy(branches.id)
    .limit(limit)
    .all()
export const pointsPage = (db: Db, where: Where, limit: number) =>
  db
    .select()
    .from(transactionPoints)
    .where(and(...where))
    .orderBy(transactionPoints.id)
    .limit(limit)
    .all()
export const partnersPage = (db: Db, where: Where, limit: number) =>
  db
    .select()
    .from(partners)
    .where(and(...where))
    .orderBy(partners.id)
    .limit(limit)
    .all()
export const groupsPage = (db: Db, where: Where, limit: number) =>
  db
    .select()
    .from(groups)
    .where(and(...where))
    .orderBy(groups.id)
    .limit(limit)
    .all()
