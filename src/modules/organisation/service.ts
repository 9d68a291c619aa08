/**
 * Organisation reference data: branches, commune transaction points, partner
 * organisations and savings-and-loan groups. Written by admins, read per scope.
 * Errors: DUPLICATE (code taken), REFERENCE_NOT_FOUND (unknown branch/partner/point),
 * INVALID_STATE (a group's transaction point and partner belong to different branches).
 */
import { and, eq, gt, inArray, type SQL } from 'drizzle-orm'
import { branches, transactionPoints, partners, groups } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { READ_ALL_ROLES } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import type { BranchInput, GroupInput, PartnerInput, TransactionPointInput } from './schemas.js'

function assertUnique(found: unknown, what: string, code: string): void {
  if (found) throw new DomainError('DUPLICATE', `${what} code ${code} already exists`)
}

function reference<T>(row: T | undefined, what: string, id: number): T {
  if (!row) throw new DomainError('REFERENCE_NOT_FOUND', `${what} ${id} does not exist`)
  return row
}

export function createBranch(ctx: CommandContext, input: BranchInput) {
  assertUnique(ctx.db.select({ id: branches.id }).from(branches).where(eq(branches.code, input.code)).get(), 'Branch', input.code)
  const row = ctx.db.insert(branches).values(input).returning().get()
  ctx.audit({ action: 'branch.create', entity: 'branch', entityId: row.id, after: row })
  return row
}

export function createTransactionPoint(ctx: CommandContext, input: TransactionPointInput) {
  reference(ctx.db.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId)).get(), 'Branch', input.branchId)
  assertUnique(ctx.db.select({ id: transactionPoints.id }).from(transactionPoints).where(eq(transactionPoints.code, input.code)).get(), 'Transaction point', input.code)
  const row = ctx.db.insert(transactionPoints).values(input).returning().get()
  ctx.audit({ action: 'transaction_point.create', entity: 'transaction_point', entityId: row.id, after: row })
  return row
}

export function createPartner(ctx: CommandContext, input: PartnerInput) {
  reference(ctx.db.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId)).get(), 'Branch', input.branchId)
  assertUnique(ctx.db.select({ id: partners.id }).from(partners).where(eq(partners.code, input.code)).get(), 'Partner', input.code)
  const row = ctx.db.insert(partners).values(input).returning().get()
  ctx.audit({ action: 'partner.create', entity: 'partner', entityId: row.id, after: row })
  return row
}

export function createGroup(ctx: CommandContext, input: GroupInput) {
  const partner = reference(ctx.db.select().from(partners).where(eq(partners.id, input.partnerId)).get(), 'Partner', input.partnerId)
  const point = reference(ctx.db.select().from(transactionPoints).where(eq(transactionPoints.id, input.transactionPointId)).get(), 'Transaction point', input.transactionPointId)
  if (partner.branchId !== point.branchId) {
    throw new DomainError('INVALID_STATE', `Partner ${partner.id} (branch ${partner.branchId}) and transaction point ${point.id} (branch ${point.branchId}) belong to different branches`)
  }
  assertUnique(ctx.db.select({ id: groups.id }).from(groups).where(eq(groups.code, input.code)).get(), 'Group', input.code)
  const row = ctx.db.insert(groups).values({ ...input, leaderName: input.leaderName ?? null }).returning().get()
  ctx.audit({ action: 'group.create', entity: 'group', entityId: row.id, after: row })
  return row
}

/** Branch ids the actor may read, or null for all. */
export function readableBranchIds(db: Db, actor: Actor): number[] | null {
  if (READ_ALL_ROLES.includes(actor.role)) return null
  if (actor.role === 'partner_officer') {
    const p = actor.partnerId ? db.select({ branchId: partners.branchId }).from(partners).where(eq(partners.id, actor.partnerId)).get() : undefined
    return p ? [p.branchId] : []
  }
  return actor.branchId ? [actor.branchId] : []
}

export function listBranches(db: Db, actor: Actor, afterId: number, limit: number) {
  const scope = readableBranchIds(db, actor)
  const where: SQL[] = [gt(branches.id, afterId)]
  if (scope) where.push(inArray(branches.id, scope))
  return db.select().from(branches).where(and(...where)).orderBy(branches.id).limit(limit + 1).all()
}

export function listTransactionPoints(db: Db, actor: Actor, q: { branchId?: number }, afterId: number, limit: number) {
  const scope = readableBranchIds(db, actor)
  const where: SQL[] = [gt(transactionPoints.id, afterId)]
  if (scope) where.push(inArray(transactionPoints.branchId, scope))
  if (q.branchId) where.push(eq(transactionPoints.branchId, q.branchId))
  return db.select().from(transactionPoints).where(and(...where)).orderBy(transactionPoints.id).limit(limit + 1).all()
}

export function listPartners(db: Db, actor: Actor, q: { branchId?: number }, afterId: number, limit: number) {
  const where: SQL[] = [gt(partners.id, afterId)]
  if (actor.role === 'partner_officer') where.push(eq(partners.id, actor.partnerId ?? -1))
  else {
    const scope = readableBranchIds(db, actor)
    if (scope) where.push(inArray(partners.branchId, scope))
  }
  if (q.branchId) where.push(eq(partners.branchId, q.branchId))
  return db.select().from(partners).where(and(...where)).orderBy(partners.id).limit(limit + 1).all()
}

export function listGroups(db: Db, actor: Actor, q: { partnerId?: number; transactionPointId?: number }, afterId: number, limit: number) {
  const where: SQL[] = [gt(groups.id, afterId)]
  if (actor.role === 'partner_officer') where.push(eq(groups.partnerId, actor.partnerId ?? -1))
  else {
    const scope = readableBranchIds(db, actor)
    if (scope) where.push(inArray(groups.transactionPointId, db.select({ id: transactionPoints.id }).from(transactionPoints).where(inArray(transactionPoints.branchId, scope))))
  }
  if (q.partnerId) where.push(eq(groups.partnerId, q.partnerId))
  if (q.transactionPointId) where.push(eq(groups.transactionPointId, q.transactionPointId))
  return db.select().from(groups).where(and(...where)).orderBy(groups.id).limit(limit + 1).all()
}
