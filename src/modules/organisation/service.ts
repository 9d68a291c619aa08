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
import { treeQueries } from './tree-queries.js'

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

/**
 * A partner at its level of its own tree (docs/rules.md §21): a province union stands beside a province office and
 * has no branch; a district association runs groups at a branch; a commune chapter runs groups at a branch, for one
 * commune that branch serves. A parent is the partner of the same kind one level up, over the same ground.
 */
export function createPartner(ctx: CommandContext, input: PartnerInput) {
  const level = input.level ?? 'district'
  const bad = (field: string, message: string) =>
    new DomainError('VALIDATION_ERROR', `body/${field} ${message}`, { errors: [{ field: `body.${field}`, message }] })
  const misplaced = (detail: string) => new DomainError('TREE_LEVEL_INVALID', detail)
  const tree = treeQueries(ctx.sqlite)
  assertUnique(partnerIdByCode(ctx.db, input.code), 'Partner', input.code)
  let officeId: number
  let branchId: number | null = null
  let placeId: number | null = null
  if (level === 'province') {
    if (input.branchId !== undefined) throw bad('branchId', 'must not be set for a province-level partner')
    if (input.placeId !== undefined) throw bad('placeId', 'must not be set for a province-level partner')
    if (input.parentId !== undefined) throw bad('parentId', 'must not be set: a province union is the top of its tree')
    if (input.officeId === undefined) throw bad('officeId', 'is required for a province-level partner')
    const office = reference(tree.officeById.get(input.officeId), 'Office', input.officeId)
    if (office.level !== 'province')
      throw misplaced(`A province-level partner stands beside a province office, not a ${office.level} office`)
    officeId = office.id
  } else {
    if (input.officeId !== undefined) throw bad('officeId', "must not be set: the branch's district office is taken")
    if (input.branchId === undefined) throw bad('branchId', `is required for a ${level}-level partner`)
    const branch = reference(branchById(ctx.db, input.branchId), 'Branch', input.branchId)
    branchId = branch.id
    officeId = branch.officeId!
    if (level === 'commune') {
      if (input.placeId === undefined) throw bad('placeId', 'is required for a commune chapter (its commune)')
      const place = reference(tree.placeById.get(input.placeId), 'Place', input.placeId)
      if (place.kind !== 'commune' || place.officeId !== officeId)
        throw misplaced(`Place ${place.id} is not a commune served by branch ${branch.id}`)
      placeId = place.id
    } else if (input.placeId !== undefined) throw bad('placeId', 'is only for a commune chapter')
  }
  if (input.parentId !== undefined) {
    const parent = reference(partnerById(ctx.db, input.parentId), 'Partner', input.parentId)
    const expected = level === 'commune' ? 'district' : 'province'
    if (parent.level !== expected || parent.kind !== input.kind)
      throw misplaced(
        `A ${level}-level ${input.kind} goes under a ${expected}-level ${input.kind}, not a ${parent.level}-level ${parent.kind}`,
      )
    const sameGround =
      level === 'commune' ? parent.branchId === branchId : tree.officeById.get(officeId)?.parentId === parent.officeId
    if (!sameGround)
      throw misplaced(
        `Partner ${parent.id} works over another area than ${level === 'commune' ? `branch ${branchId}` : 'this branch'}`,
      )
  }
  const row = insertPartner(ctx.db, {
    code: input.code,
    name: input.name,
    kind: input.kind,
    level,
    branchId,
    officeId,
    placeId,
    parentId: input.parentId ?? null,
  })
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
  // A partner reads the branches its partners (its own and those under it) work at: their points and the branches.
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return null
  if (scope.kind === 'partner') {
    const branchIds = scope.ids.map((id) => partnerById(db, id)?.branchId).filter((id) => id != null)
    return [...new Set(branchIds)].sort((a, b) => a - b)
  }
  return scope.kind === 'branch' ? [...scope.ids] : []
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

export function listPartners(
  db: Db,
  actor: Actor,
  q: { branchId?: number; parentId?: number },
  afterId: number,
  limit: number,
) {
  const where: (SQL | undefined)[] = [
    gt(partners.id, afterId),
    scopeCondition(actor, { branch: partners.branchId, partner: partners.id, office: partners.officeId }),
  ]
  if (q.branchId) where.push(eq(partners.branchId, q.branchId))
  if (q.parentId) where.push(eq(partners.parentId, q.parentId))
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
