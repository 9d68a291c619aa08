/**
 * The session module's SQL, as drizzle queries (a sign-in costs a scrypt hash, so these few reads
 * and writes are not what is slow), rows typed by the drizzle schema. A staff session row is
 * inserted at sign-in and updated once, when it ends (ended_at and the reason, guarded by
 * ended_at IS NULL); the sliding last_seen_at is written by platform/auth.ts. A password row is
 * updated in place, guarded by the hash it was checked against, so a password changed meanwhile
 * is never overwritten. A failed sign-in is appended to the audit log directly.
 */
import { and, eq, isNull, ne, type SQL } from 'drizzle-orm'
import { auditLog, staffSessions, userPasswords, users } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'

type UserPassword = typeof userPasswords.$inferSelect
type SessionRow = typeof staffSessions.$inferSelect

function account(db: Db, where: SQL) {
  return db
    .select({
      id: users.id,
      name: users.name,
      username: users.username,
      role: users.role,
      branchId: users.branchId,
      partnerId: users.partnerId,
      officeId: users.officeId,
      active: users.active,
      hash: userPasswords.hash,
      mustChange: userPasswords.mustChange,
    })
    .from(users)
    .leftJoin(userPasswords, eq(userPasswords.userId, users.id))
    .where(where)
    .get()
}
/** A user who may sign in, with the password (null: none set). */
export type Account = NonNullable<ReturnType<typeof account>>

export const accountByUsername = (db: Db, username: string) => account(db, eq(users.username, username))
export const accountById = (db: Db, id: number) => account(db, eq(users.id, id))
export const usernameOf = (db: Db, userId: number) =>
  db.select({ username: users.username }).from(users).where(eq(users.id, userId)).get()?.username ?? null

export const insertSession = (db: Db, values: typeof staffSessions.$inferInsert) =>
  db.insert(staffSessions).values(values).returning({ id: staffSessions.id }).get()

/** Ends the user's open sessions (but `exceptSessionId`); returns how many. */
export function endOpenSessions(
  db: Db,
  userId: number,
  reason: NonNullable<SessionRow['endReason']>,
  exceptSessionId?: number,
): number {
  const where = [eq(staffSessions.userId, userId), isNull(staffSessions.endedAt)]
  if (exceptSessionId !== undefined) where.push(ne(staffSessions.id, exceptSessionId))
  return db
    .update(staffSessions)
    .set({ endedAt: new Date().toISOString(), endReason: reason })
    .where(and(...where))
    .run().changes
}

/** Ends one session if still open. */
export function endSession(db: Db, sessionId: number, reason: NonNullable<SessionRow['endReason']>): void {
  db.update(staffSessions)
    .set({ endedAt: new Date().toISOString(), endReason: reason })
    .where(and(eq(staffSessions.id, sessionId), isNull(staffSessions.endedAt)))
    .run()
}

/**
 * Replaces the user's password if it is still `currentHash`; returns how many rows changed (0: it changed
 * meanwhile).
 */
export function replacePassword(
  db: Db,
  userId: number,
  currentHash: string,
  changes: Partial<Omit<UserPassword, 'userId'>>,
): number {
  return db
    .update(userPasswords)
    .set(changes)
    .where(and(eq(userPasswords.userId, userId), eq(userPasswords.hash, currentHash)))
    .run().changes
}

export const insertAuditRow = (db: Db, values: typeof auditLog.$inferInsert) => db.insert(auditLog).values(values).run()
