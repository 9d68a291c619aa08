/**
 * Users (one role and a scope each) and their API keys. A key is shown once,
 * when made; only its salted hash is stored. Deactivating a user or revoking a
 * key takes effect on the very next request (the key verifier's memory is
 * dropped whenever the users or api_keys tables change, see platform/auth.ts).
 *
 * Errors: VALIDATION_ERROR (scope does not fit the role), REFERENCE_NOT_FOUND,
 * NOT_FOUND, INVALID_STATE (already inactive / already revoked),
 * LAST_ADMIN (the last active admin cannot be deactivated), SELF_DEACTIVATION.
 */
import { and, eq, gt, isNull } from 'drizzle-orm'
import { users, apiKeys, branches, partners, type ROLES } from '../../db/schema.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { generateApiKey } from '../../platform/auth.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Db } from '../../platform/database.js'

export interface UserInput {
  name: string
  role: (typeof ROLES)[number]
  branchId?: number
  partnerId?: number
}

type UserRow = typeof users.$inferSelect

/** The public view of a user (the deactivation reason is part of it; nothing secret is stored on users). */
export function userView(row: UserRow) {
  return {
    id: row.id, name: row.name, role: row.role, branchId: row.branchId, partnerId: row.partnerId, active: row.active,
    deactivatedAt: row.deactivatedAt ?? null, deactivationReason: row.deactivationReason ?? null, createdAt: row.createdAt,
  }
}

export function createUser(ctx: CommandContext, input: UserInput) {
  const needsBranch = input.role === 'branch_officer' || input.role === 'branch_manager'
  const needsPartner = input.role === 'partner_officer'
  const bad = (field: string, message: string) => new DomainError('VALIDATION_ERROR', `${field} ${message}`, { errors: [{ field: `body.${field}`, message }] })
  if (needsBranch && !input.branchId) throw bad('branchId', `is required for role ${input.role}`)
  if (!needsBranch && input.branchId) throw bad('branchId', `must not be set for role ${input.role}`)
  if (needsPartner && !input.partnerId) throw bad('partnerId', 'is required for role partner_officer')
  if (!needsPartner && input.partnerId) throw bad('partnerId', `must not be set for role ${input.role}`)
  if (input.branchId && !ctx.db.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId)).get()) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Branch ${input.branchId} does not exist`)
  }
  if (input.partnerId && !ctx.db.select({ id: partners.id }).from(partners).where(eq(partners.id, input.partnerId)).get()) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Partner ${input.partnerId} does not exist`)
  }
  const row = ctx.db.insert(users).values({ name: input.name, role: input.role, branchId: input.branchId ?? null, partnerId: input.partnerId ?? null }).returning().get()
  const out = userView(row)
  ctx.audit({ action: 'user.create', entity: 'user', entityId: row.id, after: out })
  return out
}

export function createApiKey(ctx: CommandContext, userId: number, label: string | null) {
  const user = ctx.db.select().from(users).where(eq(users.id, userId)).get()
  if (!user) throw notFound('User', userId)
  if (!user.active) throw new DomainError('INVALID_STATE', `User ${userId} is deactivated; reactivate the user before issuing a key`)
  const key = generateApiKey()
  const row = ctx.db.insert(apiKeys).values({ id: key.id, userId, salt: key.salt, hash: key.hash, label }).returning().get()
  // The audit keeps the key id, never the secret.
  ctx.audit({ action: 'api_key.create', entity: 'user', entityId: userId, after: { keyId: key.id, label } })
  return { id: row.id, userId, label: row.label, key: key.plaintext, createdAt: row.createdAt }
}

export function listUsers(db: Db, _actor: unknown, q: { role?: UserInput['role']; active?: boolean }, afterId: number, limit: number) {
  const where = [gt(users.id, afterId)]
  if (q.role) where.push(eq(users.role, q.role))
  if (q.active !== undefined) where.push(eq(users.active, q.active))
  return db.select().from(users).where(and(...where)).orderBy(users.id).limit(limit + 1).all().map(userView)
}

function loadUser(db: Db, userId: number): UserRow {
  const user = db.select().from(users).where(eq(users.id, userId)).get()
  if (!user) throw notFound('User', userId)
  return user
}

/** Deactivates a user: every key of theirs stops working on the next request; history and audit stay. */
export function deactivateUser(ctx: CommandContext, userId: number, reason: string) {
  const user = loadUser(ctx.db, userId)
  if (!user.active) throw new DomainError('INVALID_STATE', `User ${userId} is already deactivated`)
  if (userId === ctx.actor.userId) throw new DomainError('SELF_DEACTIVATION', 'You cannot deactivate yourself; ask another administrator')
  if (user.role === 'admin') {
    const admins = ctx.db.select({ id: users.id }).from(users).where(and(eq(users.role, 'admin'), eq(users.active, true))).all()
    if (admins.length <= 1) throw new DomainError('LAST_ADMIN', 'The last active administrator cannot be deactivated')
  }
  const row = ctx.db.update(users).set({ active: false, deactivatedAt: new Date().toISOString(), deactivationReason: reason })
    .where(eq(users.id, userId)).returning().get()!
  const out = userView(row)
  ctx.audit({ action: 'user.deactivate', entity: 'user', entityId: userId, before: userView(user), after: out })
  return out
}

/** Reactivates a user (their keys that were not revoked work again). */
export function reactivateUser(ctx: CommandContext, userId: number) {
  const user = loadUser(ctx.db, userId)
  if (user.active) throw new DomainError('INVALID_STATE', `User ${userId} is active`)
  const row = ctx.db.update(users).set({ active: true, deactivatedAt: null, deactivationReason: null }).where(eq(users.id, userId)).returning().get()!
  const out = userView(row)
  ctx.audit({ action: 'user.reactivate', entity: 'user', entityId: userId, before: userView(user), after: out })
  return out
}

function keyView(row: typeof apiKeys.$inferSelect) {
  return { id: row.id, userId: row.userId, label: row.label, createdAt: row.createdAt, revokedAt: row.revokedAt, active: row.revokedAt === null }
}

/** A user's keys: ids, labels and dates only (the secret was shown once and is not stored). */
export function listApiKeys(db: Db, userId: number) {
  loadUser(db, userId)
  return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(apiKeys.createdAt, apiKeys.id).all().map(keyView)
}

/** Revokes one key (`userId` null: whatever user it belongs to — the CLI knows only the key id). */
export function revokeApiKey(ctx: CommandContext, userId: number | null, keyId: string) {
  const key = ctx.db.select().from(apiKeys).where(eq(apiKeys.id, keyId)).get()
  if (!key || (userId !== null && key.userId !== userId)) throw notFound('API key', keyId)
  if (key.revokedAt !== null) throw new DomainError('INVALID_STATE', `API key ${keyId} is already revoked`)
  const row = ctx.db.update(apiKeys).set({ revokedAt: new Date().toISOString() }).where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt))).returning().get()!
  ctx.audit({ action: 'api_key.revoke', entity: 'user', entityId: key.userId, before: { keyId, revokedAt: null }, after: { keyId, revokedAt: row.revokedAt } })
  return keyView(row)
}
