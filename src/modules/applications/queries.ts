/**
 * The applications module's SQL, as drizzle queries (an application is a handful of reads and one
 * write per command, nowhere near a hot path), rows typed by the drizzle schema. An application
 * row is updated only by a state transition, guarded by the status it was read with (a concurrent
 * move finds no row); the loan an approval creates is inserted here and from then on updated only
 * by the loans projection. Nothing is deleted.
 */
import { and, eq, inArray, type SQL } from 'drizzle-orm'
import { applications, groups, households, loans, transactionPoints } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'

export type ApplicationRow = typeof applications.$inferSelect
export type NewApplication = typeof applications.$inferInsert
type Household = typeof households.$inferSelect
/** An application listed with its borrower (the household's head and group today). */
export type ApplicationListRow = {
  application: ApplicationRow
  householdName: Household['headName']
  nationalId: Household['nationalId']
  groupId: Household['groupId']
}

export const householdById = (db: Db, id: number) => db.select().from(households).where(eq(households.id, id)).get()
export const applicationById = (db: Db, id: number) =>
  db.select().from(applications).where(eq(applications.id, id)).get()

/** The household's approved or active loans of a programme: what it owes and what is still to be disbursed. */
export function openLoansOf(db: Db, householdId: number, programmeCode: string) {
  return db
    .select({
      state: loans.state,
      outstanding: loans.outstandingPrincipal,
      approvedAmount: loans.approvedAmount,
      disbursed: loans.disbursedAmount,
    })
    .from(loans)
    .where(
      and(
        eq(loans.householdId, householdId),
        eq(loans.programmeCode, programmeCode),
        inArray(loans.state, ['approved', 'active']),
      ),
    )
    .all()
}

/** Ids of the household's applications of a programme still under way (submitted or certified). */
export function openApplicationIds(db: Db, householdId: number, programmeCode: string) {
  return db
    .select({ id: applications.id })
    .from(applications)
    .where(
      and(
        eq(applications.householdId, householdId),
        eq(applications.programmeCode, programmeCode),
        inArray(applications.status, ['submitted', 'certified']),
      ),
    )
    .all()
}

export function applicationByPartnerReference(db: Db, partnerId: number, partnerReference: string) {
  return db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.partnerId, partnerId), eq(applications.partnerReference, partnerReference)))
    .get()
}

export const insertApplication = (db: Db, values: NewApplication) =>
  db.insert(applications).values(values).returning().get()

/** Moves the application on from the status it was read with; undefined when it moved meanwhile. */
export function updateApplicationFrom(
  db: Db,
  row: Pick<ApplicationRow, 'id' | 'status'>,
  changes: Partial<ApplicationRow>,
) {
  return db
    .update(applications)
    .set(changes)
    .where(and(eq(applications.id, row.id), eq(applications.status, row.status)))
    .returning()
    .get()
}

/** The transaction point (and its session day) a group hands in at. */
export function pointOfGroup(db: Db, groupId: number) {
  return db
    .select({ id: transactionPoints.id, sessionDay: transactionPoints.sessionDay })
    .from(groups)
    .innerJoin(transactionPoints, eq(transactionPoints.id, groups.transactionPointId))
    .where(eq(groups.id, groupId))
    .get()
}

export const insertLoan = (db: Db, values: typeof loans.$inferInsert) =>
  db.insert(loans).values(values).returning().get()

/**
 * One page of applications with their borrower, by id; `where` are conditions on applications and households
 * (filters and scope).
 */
export function applicationsPage(db: Db, where: (SQL | undefined)[], limit: number): ApplicationListRow[] {
  return db
    .select({
      application: applications,
      householdName: households.headName,
      nationalId: households.nationalId,
      groupId: households.groupId,
    })
    .from(applications)
    .innerJoin(households, eq(households.id, applications.householdId))
    .where(and(...where))
    .orderBy(applications.id)
    .limit(limit)
    .all()
}
