/**
 * Priority attributes of a household on a date (docs/rules.md §14): ethnic-minority membership and the
 * dated "remote" / "especially difficult" designation of its commune or village. Eligibility, local
 * top-ups, application queues and reports read them through this one function.
 *
 * A commune is the transaction point of the household's group (one point per commune); a village is the
 * household's village as registered (exact text). Values on a past date come from the household changes:
 * the earliest change effective after the date that touched a field holds its value on the date.
 *
 * Errors: REFERENCE_NOT_FOUND (point), FORBIDDEN (point of another branch), DESIGNATION_OVERLAP, NOT_FOUND,
 * INVALID_STATE (already ended), DATE_ORDER (ends before it starts).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { inScope, scopeSql } from '../../platform/scope.js'
import { overlaps, priorityOn, type DesignationKind, type HouseholdPriority } from '../../domain/priority.js'
import { designationsPage, priorityQueries, type DesignationRow } from './queries.js'

export type { HouseholdPriority } from '../../domain/priority.js'

/** The household's priority attributes on `onDate` (throws NOT_FOUND for a missing household). */
export function householdPriority(sqlite: Database.Database, householdId: number, onDate: string): HouseholdPriority {
  const q = priorityQueries(sqlite)
  const row = q.household.get(householdId)
  if (!row) throw notFound('Household', householdId)
  let ethnicMinority: boolean | undefined
  let village: string | undefined
  let groupId: number | undefined
  for (const c of q.changesAfter.all(householdId, onDate)) {
    const before = JSON.parse(c.before) as { ethnicMinority?: boolean; address?: { village: string }; groupId?: number }
    if (ethnicMinority === undefined && before.ethnicMinority !== undefined) ethnicMinority = before.ethnicMinority
    if (village === undefined && before.address !== undefined) village = before.address.village
    if (groupId === undefined && before.groupId !== undefined) groupId = before.groupId
  }
  const point = q.pointOfGroup.get(groupId ?? row.groupId)!
  return priorityOn(
    ethnicMinority ?? row.ethnicMinority === 1,
    village ?? row.village,
    q.designationsOfPoint.all(point),
    onDate,
  )
}

function designationView(r: DesignationRow) {
  return {
    id: r.id,
    transactionPointId: r.transactionPointId,
    commune: r.commune,
    village: r.village,
    designation: r.designation,
    effectiveFrom: r.effectiveFrom,
    effectiveTo: r.effectiveTo,
    decisionNo: r.decisionNo,
    endDecisionNo: r.endDecisionNo,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  }
}
export type DesignationView = ReturnType<typeof designationView>

export interface DesignationInput {
  transactionPointId: number
  village?: string
  designation: DesignationKind
  effectiveFrom: string
  decisionNo: string
}

export function createDesignation(ctx: CommandContext, input: DesignationInput): DesignationView {
  const q = priorityQueries(ctx.sqlite)
  const point = q.point.get(input.transactionPointId)
  if (!point)
    throw new DomainError('REFERENCE_NOT_FOUND', `Transaction point ${input.transactionPointId} does not exist`, {
      errors: [{ field: 'body.transactionPointId', message: 'no such transaction point' }],
    })
  if (!inScope(ctx.actor, { branchId: point.branchId }))
    throw new DomainError('FORBIDDEN', `Transaction point ${point.id} belongs to another branch`)
  const village = input.village ?? null
  const clash = q.designationsOfPoint
    .all(point.id)
    .find(
      (d) =>
        d.designation === input.designation &&
        d.village === village &&
        overlaps(d, { effectiveFrom: input.effectiveFrom, effectiveTo: null }),
    )
  if (clash)
    throw new DomainError(
      'DESIGNATION_OVERLAP',
      `${village ?? `Commune ${point.commune}`} is already designated ${input.designation} from ${clash.effectiveFrom}` +
        `${clash.effectiveTo ? ` to ${clash.effectiveTo}` : ''} (designation ${clash.id}); end it first`,
      { designationId: clash.id },
    )
  const id = Number(
    q.insertDesignation.run(
      point.id,
      village,
      input.designation,
      input.effectiveFrom,
      input.decisionNo,
      ctx.actor.userId,
    ).lastInsertRowid,
  )
  const out = designationView(q.designation.get(id)!)
  ctx.audit({ action: 'area_designation.create', entity: 'area_designation', entityId: id, after: out })
  return out
}

function loadDesignation(sqlite: Database.Database, actor: Actor, id: number): DesignationRow {
  const row = priorityQueries(sqlite).designation.get(id)
  if (!row || !inScope(actor, { branchId: row.branchId })) throw notFound('Area designation', id)
  return row
}

export function endDesignation(
  ctx: CommandContext,
  id: number,
  input: { effectiveTo: string; decisionNo: string },
): DesignationView {
  const row = loadDesignation(ctx.sqlite, ctx.actor, id)
  if (row.effectiveTo !== null)
    throw new DomainError('INVALID_STATE', `Area designation ${id} already ended on ${row.effectiveTo}`)
  if (input.effectiveTo < row.effectiveFrom)
    throw new DomainError(
      'DATE_ORDER',
      `effectiveTo ${input.effectiveTo} is before the designation's effectiveFrom ${row.effectiveFrom}`,
      { errors: [{ field: 'body.effectiveTo', message: 'must not be before effectiveFrom' }] },
    )
  priorityQueries(ctx.sqlite).insertEnd.run(id, input.effectiveTo, input.decisionNo, ctx.actor.userId)
  const out = designationView(priorityQueries(ctx.sqlite).designation.get(id)!)
  ctx.audit({ action: 'area_designation.end', entity: 'area_designation', entityId: id, before: row, after: out })
  return out
}

export function getDesignation(sqlite: Database.Database, actor: Actor, id: number): DesignationView {
  return designationView(loadDesignation(sqlite, actor, id))
}

export function listDesignations(
  sqlite: Database.Database,
  actor: Actor,
  q: { transactionPointId?: number; village?: string; designation?: DesignationKind; onDate?: string },
  afterId: number,
  limit: number,
): DesignationView[] {
  const where = ['d.id > @after']
  if (q.transactionPointId !== undefined) where.push('d.transaction_point_id = @point')
  if (q.village !== undefined) where.push('(d.village IS NULL OR d.village = @village)')
  if (q.designation !== undefined) where.push('d.designation = @designation')
  if (q.onDate !== undefined)
    where.push('d.effective_from <= @onDate AND (e.effective_to IS NULL OR e.effective_to >= @onDate)')
  const scope = scopeSql(actor, { branch: 'tp.branch_id' })
  where.push(scope.sql)
  return designationsPage(sqlite, where, {
    after: afterId,
    point: q.transactionPointId ?? null,
    village: q.village ?? null,
    designation: q.designation ?? null,
    onDate: q.onDate ?? null,
    limit: limit + 1,
    ...scope.params,
  }).map(designationView)
}
