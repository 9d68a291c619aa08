/**
 * Households (borrower units) and their poverty-status timeline (RULES.md §4).
 * Errors: DUPLICATE (citizen ID taken), REFERENCE_NOT_FOUND (group), NOT_FOUND
 * (missing or outside the caller's scope), FORBIDDEN (group outside scope).
 */
import { and, asc, eq, gt, inArray, type SQL } from 'drizzle-orm'
import type Database from 'better-sqlite3'
import { households, groups, partners, povertyRecords, povertyRevocations } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import { type Actor, assertInScope, inScope } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { statusOn, type PovertyRecord } from '../../domain/poverty.js'
import { readableBranchIds } from '../organisation/service.js'
import type { HouseholdInput, PovertyRecordInput } from './schemas.js'

type HouseholdRow = typeof households.$inferSelect

/** The group's owners: which branch and partner a household of this group belongs to. */
export function groupOwner(db: Db, groupId: number): { branchId: number; partnerId: number } | undefined {
  return db.select({ branchId: partners.branchId, partnerId: groups.partnerId }).from(groups)
    .innerJoin(partners, eq(partners.id, groups.partnerId)).where(eq(groups.id, groupId)).get()
}

/** The household's poverty timeline for the pure rules (revoked decisions flagged). */
export function povertyTimeline(sqlite: Database.Database, householdId: number): PovertyRecord[] {
  const rows = sqlite.prepare(`SELECT r.id, r.status, r.effective_date AS effectiveDate, r.decision_no AS decisionNo,
      EXISTS (SELECT 1 FROM poverty_revocations v WHERE v.record_id = r.id) AS revoked
    FROM poverty_records r WHERE r.household_id = ? ORDER BY r.id`).all(householdId) as { id: number; status: PovertyRecord['status']; effectiveDate: string; decisionNo: string; revoked: number }[]
  return rows.map((r) => ({ id: r.id, status: r.status, effectiveDate: r.effectiveDate, decisionNo: r.decisionNo, seq: r.id, revoked: r.revoked === 1 }))
}

export function timelineOf(db: Db, householdId: number): PovertyRecord[] {
  return povertyTimeline(db.$client, householdId)
}

function view(db: Db, row: HouseholdRow, owner: { branchId: number; partnerId: number }, businessDate: string) {
  return {
    id: row.id, nationalId: row.nationalId, headName: row.headName, groupId: row.groupId, area: row.area,
    address: { commune: row.commune, village: row.village, line: row.address },
    branchId: owner.branchId, partnerId: owner.partnerId,
    povertyStatus: statusOn(timelineOf(db, row.id), businessDate), createdAt: row.createdAt,
  }
}

export function createHousehold(ctx: CommandContext, input: HouseholdInput) {
  const owner = groupOwner(ctx.db, input.groupId)
  if (!owner) throw new DomainError('REFERENCE_NOT_FOUND', `Group ${input.groupId} does not exist`)
  if (!inScope(ctx.actor, owner)) throw new DomainError('FORBIDDEN', `Group ${input.groupId} is outside your scope`)
  if (ctx.db.select({ id: households.id }).from(households).where(eq(households.nationalId, input.nationalId)).get()) {
    throw new DomainError('DUPLICATE', `A household with citizen ID ${input.nationalId} already exists`)
  }
  const address = typeof input.address === 'string'
    ? { commune: '', village: '', line: input.address }
    : { commune: input.address.commune, village: input.address.village, line: input.address.line ?? '' }
  const row = ctx.db.insert(households).values({
    nationalId: input.nationalId, headName: input.headName, groupId: input.groupId, area: input.area,
    commune: address.commune, village: address.village, address: address.line,
  }).returning().get()
  const out = view(ctx.db, row, owner, ctx.businessDate)
  ctx.audit({ action: 'household.create', entity: 'household', entityId: row.id, after: out })
  return out
}

/** The household, or 404 when it is missing or outside the actor's scope (existence must not leak). */
export function loadHousehold(db: Db, actor: Actor, id: number) {
  const row = db.select().from(households).where(eq(households.id, id)).get()
  if (!row) throw notFound('Household', id)
  const owner = groupOwner(db, row.groupId)!
  assertInScope(actor, owner, 'Household', id)
  return { row, owner }
}

export function getHousehold(db: Db, actor: Actor, id: number, businessDate: string) {
  const { row, owner } = loadHousehold(db, actor, id)
  return view(db, row, owner, businessDate)
}

export function listHouseholds(db: Db, actor: Actor, q: { nationalId?: string; groupId?: number }, afterId: number, limit: number, businessDate: string) {
  const where: SQL[] = [gt(households.id, afterId)]
  if (q.nationalId) where.push(eq(households.nationalId, q.nationalId))
  if (q.groupId) where.push(eq(households.groupId, q.groupId))
  if (actor.role === 'partner_officer') {
    where.push(inArray(households.groupId, db.select({ id: groups.id }).from(groups).where(eq(groups.partnerId, actor.partnerId ?? -1))))
  } else {
    const scope = readableBranchIds(db, actor)
    if (scope) {
      where.push(inArray(households.groupId, db.select({ id: groups.id }).from(groups)
        .innerJoin(partners, eq(partners.id, groups.partnerId)).where(inArray(partners.branchId, scope))))
    }
  }
  const rows = db.select().from(households).where(and(...where)).orderBy(households.id).limit(limit + 1).all()
  return rows.map((r) => view(db, r, groupOwner(db, r.groupId)!, businessDate))
}

/** Hooks other capabilities register to react to a new poverty record (the support rule). */
export const povertyRecordListeners: ((ctx: CommandContext, householdId: number) => void)[] = []

export function addPovertyRecord(ctx: CommandContext, householdId: number, input: PovertyRecordInput) {
  loadHousehold(ctx.db, ctx.actor, householdId)
  const before = statusOn(timelineOf(ctx.db, householdId), input.effectiveDate)
  const row = ctx.db.insert(povertyRecords).values({
    householdId, status: input.status, effectiveDate: input.effectiveDate, decisionNo: input.decisionNo,
    source: input.source ?? 'commune decision', recordedBy: ctx.actor.userId,
  }).returning().get()
  ctx.audit({ action: 'household.poverty_status', entity: 'household', entityId: householdId, before: { status: before, on: input.effectiveDate }, after: row })
  for (const listener of povertyRecordListeners) listener(ctx, householdId)
  const { recordedBy: _r, ...out } = row
  return { ...out, revoked: false }
}

/** Revokes a decision recorded in error (append-only: a revocation row; the record stays visible as revoked). */
export function revokePovertyRecord(ctx: CommandContext, householdId: number, recordId: number, reason: string) {
  loadHousehold(ctx.db, ctx.actor, householdId)
  const record = ctx.db.select().from(povertyRecords).where(eq(povertyRecords.id, recordId)).get()
  if (!record || record.householdId !== householdId) throw notFound('Poverty record', recordId)
  if (ctx.db.select().from(povertyRevocations).where(eq(povertyRevocations.recordId, recordId)).get()) {
    throw new DomainError('INVALID_STATE', `Poverty record ${recordId} is already revoked`)
  }
  ctx.db.insert(povertyRevocations).values({ recordId, reason, revokedBy: ctx.actor.userId }).run()
  ctx.audit({ action: 'household.poverty_status_revoke', entity: 'household', entityId: householdId, before: { recordId, status: record.status }, after: { revoked: true, reason } })
  for (const listener of povertyRecordListeners) listener(ctx, householdId)
  const { recordedBy: _r, ...out } = record
  return { ...out, revoked: true }
}

export function getTimeline(db: Db, actor: Actor, householdId: number, asOf: string) {
  loadHousehold(db, actor, householdId)
  const revoked = new Set(timelineOf(db, householdId).filter((r) => r.revoked).map((r) => r.id))
  const records = db.select().from(povertyRecords).where(eq(povertyRecords.householdId, householdId)).orderBy(asc(povertyRecords.effectiveDate), asc(povertyRecords.id)).all()
    .map(({ recordedBy: _r, ...r }) => ({ ...r, revoked: revoked.has(r.id) }))
  return { householdId, asOf, statusOnAsOf: statusOn(timelineOf(db, householdId), asOf), records }
}
