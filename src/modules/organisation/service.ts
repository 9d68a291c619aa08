/**
 * Organisation reference data: branches, commune transaction points, partner
 * organisations and savings-and-loan groups. Written by admins, read per scope.
 * Errors: DUPLICATE (code taken), REFERENCE_NOT_FOUND (unknown branch/partner/point),
 * INVALID_STATE (a group's transaction point and partner belong to different branches), TREE_LEVEL_INVALID (the
 * province office, commune or village given is not of that level, or not the right one: docs/rules.md §20).
 */
import { eq, gt, inArray, type SQL } from 'drizzle-orm'
import { branches, transactionPoints, partners, groups } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { scopeCondition, scopeOf } from '../../platform/scope.js'
import { DomainError } from '../../platform/errors.js'
import type { BranchInput, GroupInput, PartnerInput, TransactionPointInput } from './schemas.js'
import {
  branchById,
  branchIdByCode,
  branchesPage,
  groupBranch,
  groupIdByCode,
  groupsPage,
  insertBranch,
  insertGroup,
  insertPartner,
  insertPoint,
  partnerById,
  partnerIdByCode,
  partnersPage,
  pointById,
  pointIdByCode,
  pointsPage,
} from './queries.js'
import { linkBranch, linkGroup, linkPoint } from './tree.js'

function assertUnique(found: unknown, what: string, code: string): void {
  if (found) throw new DomainError('DUPLICATE', `${what} code ${code} already exists`)
}

function reference<T>(row: T | undefined, what: string, id: number): T {
  if (!row) throw new DomainError('REFERENCE_NOT_FOUND', `${what} ${id} does not exist`)
  return row
}

export function createBranch(ctx: CommandContext, input: BranchInput) {
  assertUnique(branchIdByCode(ctx.db, input.code), 'Branch', input.code)
  const { provinceOfficeId, ...values } = input
  const inserted = insertBranch(ctx.db, values)
  // A branch is the district level of the organisation tree (docs/rules.md §20): its office comes with it.
  const row = { ...inserted, officeId: linkBranch(ctx.sqlite, inserted, provinceOfficeId).id }
  ctx.audit({ action: 'branch.create', entity: 'branch', entityId: row.id, after: row })
  return row
}

export function createTransactionPoint(ctx: CommandContext, input: TransactionPointInput) {
  reference(branchById(ctx.db, input.branchId), 'Branch', input.branchId)
  assertUnique(pointIdByCode(ctx.db, input.code), 'Transaction point', input.code)
  const { placeId, ...values } = input
  const inserted = insertPoint(ctx.db, values)
  const row = { ...inserted, placeId: linkPoint(ctx.sqlite, inserted, placeId).id }
  ctx.audit({ action: 'transaction_point.create', entity: 'transaction_point', entityId: row.id, after: row })
  return row
}

export function createPartner(ctx: CommandContext, input: PartnerInput) {
  reference(branchById(ctx.db, input.branchId), 'Branch', input.branchId)
  assertUnique(partnerIdByCode(ctx.db, input.code), 'Partner', input.code)
  const row = insertPartner(ctx.db, input)
  ctx.audit({ action: 'partner.create', entity: 'partner', entityId: row.id, after: row })
  return row
}

export function createGroup(ctx: CommandContext, input: GroupInput) {
  const partner = reference(partnerById(ctx.db, input.partnerId), 'Partner', input.partnerId)
  const point = reference(pointById(ctx.db, input.transactionPointId), 'Transaction point', input.transactionPointId)
  if (partner.branchId !== point.branchId) {
    throw new DomainError(
      'INVALID_STATE',
      `Partner ${partner.id} (branch ${partner.branchId}) and transaction point ${point.id} (branch ${point.branchId}) ` +
        `belong to different branches`,
    )
  }
  assertUnique(groupIdByCode(ctx.db, input.code), 'Group', input.code)
  const { placeId, ...values } = input
  const inserted = insertGroup(ctx.db, { ...values, leaderName: input.leaderName ?? null })
  const row = { ...inserted, placeId: linkGroup(ctx.sqlite, inserted, placeId).id }
  ctx.audit({ action: 'group.create', entity: 'group', entityId: row.id, after: row })
  return row
}

/** Branch ids the actor may read, or null for all. */
export function readableBranchIds(db: Db, actor: Actor): number[] | null {
  // A partner reads the branch its partner belongs to (its points and the branch itself).
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return null
  if (scope.kind === 'partner') {
    const p = partnerById(db, scope.id)
    return p ? [p.branchId] : []
  }
  return scope.kind === 'branch' ? [scope.id] : []
}

export function listBranches(db: Db, actor: Actor, afterId: number, limit: number) {
  const scope = readableBranchIds(db, actor)
  const where: SQL[] = [gt(branches.id, afterId)]
  if (scope) where.push(inArray(branches.id, scope))
  return branchesPage(db, where, limit + 1)
}

export function listTransactionPoints(db: Db, actor: Actor, q: { branchId?: number }, afterId: number, limit: number) {
  const scope = readableBranchIds(db, actor)
  const where: SQL[] = [gt(transactionPoints.id, afterId)]
  if (scope) where.push(inArray(transactionPoints.branchId, scope))
  if (q.branchId) where.push(eq(transactionPoints.branchId, q.branchId))
  return pointsPage(db, where, limit + 1)
}

export function listPartners(db: Db, actor: Actor, q: { branchId?: number }, afterId: number, limit: number) {
  const where: (SQL | undefined)[] = [
    gt(partners.id, afterId),
    scopeCondition(actor, { branch: partners.branchId, partner: partners.id }),
  ]
  if (q.branchId) where.push(eq(partners.branchId, q.branchId))
  return partnersPage(db, where, limit + 1)
}

export function listGroups(
  db: Db,
  actor: Actor,
  q: { partnerId?: number; transactionPointId?: number },
  afterId: number,
  limit: number,
) {
  const where: (SQL | undefined)[] = [
    gt(groups.id, afterId),
    scopeCondition(actor, { branch: groupBranch, partner: groups.partnerId }),
  ]
  if (q.partnerId) where.push(eq(groups.partnerId, q.partnerId))
  if (q.transactionPointId) where.push(eq(groups.transactionPointId, q.transactionPointId))
  return groupsPage(db, where, limit + 1)
}
