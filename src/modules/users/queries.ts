/**
 * The users module's SQL, as drizzle queries (admin commands, one user or key at a time), rows
 * typed by the drizzle schema. Users are never deleted: a user row is updated to deactivate or
 * reactivate it and, once, to give it a username. An API key row is insert-only but for its
 * revocation (revoked_at set once, guarded so a second revoke changes nothing). A user's password
 * row is replaced whole (upsert) when an admin sets a one-time password. Every write to users or
 * api_keys drops the key verifier's memory (platform/auth.ts), so the change holds from the next request.
 */
import { and, eq, inArray, isNull, type SQL } from 'drizzle-orm'
import { apiKeys, userPasswords, users } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'

export type UserRow = typeof users.$inferSelect
export type ApiKeyRow = typeof apiKeys.$inferSelect
export type StaffName = Pick<UserRow, 'id' | 'name' | 'role'>

export const userById = (db: Db, id: number) => db.select().from(users).where(eq(users.id, id)).get()
export const userIdByUsername = (db: Db, username: string) =>
  db.select({ id: users.id }).from(users).where(eq(users.username, username)).get()
export const insertUser = (db: Db, values: typeof users.$inferInsert) =>
  db.insert(users).values(values).returning().get()

/** One page of users by id; `where` holds the cursor and the filters. */
export const usersPage = (db: Db, where: SQL[], limit: number) =>
  db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(users.id)
    .limit(limit)
    .all()

/** Name and role of the users among `ids` that exist, by id. */
export function staffNamesOf(db: Db, ids: number[]): StaffName[] {
  return db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(users)
    .where(inArray(users.id, ids))
    .orderBy(users.id)
    .all()
}

export const activeAdminIds = (db: Db) =>
  db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .all()

/** Writes the user's state (active, deactivation, username); returns the row as now stored. */
export const updateUser = (
  db: Db,
  id: number,
  changes: Partial<Pick<UserRow, 'active' | 'deactivatedAt' | 'deactivationReason' | 'username'>>,
) => db.update(users).set(changes).where(eq(users.id, id)).returning().get()

export const insertApiKey = (db: Db, values: typeof apiKeys.$inferInsert) =>
  db.insert(apiKeys).values(values).returning().get()
export const apiKeyById = (db: Db, id: string) => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get()
export const apiKeysOf = (db: Db, userId: number) =>
  db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(apiKeys.createdAt, apiKeys.id).all()

/** Revokes a key not yet revoked; undefined when it was (meanwhile). */
export const revokeKey = (db: Db, id: string, at: string) =>
  db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning()
    .get()

/** Sets (or replaces) the user's password hash. */
export function upsertPassword(db: Db, values: typeof userPasswords.$inferInsert): void {
  const { userId: _userId, ...set } = values
  db.insert(userPasswords).values(values).onConflictDoUpdate({ target: userPasswords.userId, set }).run()
}
