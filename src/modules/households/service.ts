/**
 * Households (borrower units), their search, their changes over time and their
 * poverty-status timeline (docs/rules.md §4).
 *
 * Errors: DUPLICATE (citizen ID taken; a decision number already used for another
 * decision), REFERENCE_NOT_FOUND (group), NOT_FOUND (missing or outside the
 * caller's scope), FORBIDDEN (group outside scope), DATE_IN_FUTURE, NO_CHANGE,
 * GROUP_TRANSFER_OUT_OF_BRANCH, CHANGE_BEFORE_LATER_CHANGE, VALIDATION_ERROR.
 */
import type Database from 'better-sqlite3'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, inScope, scopeSql } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { statusOn, type PovertyRecord } from '../../domain/poverty.js'
import { foldText, isCitizenIdPrefix, searchWords } from '../../domain/text.js'
import type { HouseholdChangeInput, HouseholdInput, HouseholdQuery, PovertyRecordInput } from './schemas.js'
import {
  changesAfter,
  changesPage,
  groupOwner,
  householdById,
  householdQueries,
  householdsPage,
  insertChange,
  insertHousehold,
  insertPovertyRecord,
  insertRevocation,
  isRevoked,
  nationalIdTaken,
  povertyRecord,
  recordsWithDecision,
  updateHousehold,
  type DecisionRow,
  type HouseholdChangeRow,
  type HouseholdRow,
  type ViewRow,
} from './queries.js'

export { groupOwner } from './queries.js'

/** A decision for the pure rules (its id is its sequence: decisions are appended). */
function decision(r: DecisionRow): PovertyRecord {
  return {
    id: r.id,
    status: r.status,
    effectiveDate: r.effectiveDate,
    decisionNo: r.decisionNo,
    seq: r.id,
    revoked: r.revoked === 1,
  }
}

/** The household's poverty timeline for the pure rules (revoked decisions flagged). */
export function povertyTimeline(sqlite: Database.Database, householdId: number): PovertyRecord[] {
  return householdQueries(sqlite).decisions.all(householdId).map(decision)
}

export function timelineOf(db: Db, householdId: number): PovertyRecord[] {
  return povertyTimeline(db.$client, householdId)
}

// ---------------------------------------------------------------------------------------------
// Reading: one query per page (group, point, partner, branch and the active-loan flag joined in),
// one more for the poverty statuses of the page; no query per row.

/** Statuses on `date` of several households, from one query. */
function statusesOn(sqlite: Database.Database, ids: number[], date: string): Map<number, string> {
  const byHousehold = new Map<number, PovertyRecord[]>()
  for (const r of householdQueries(sqlite).decisionsOf.all(JSON.stringify(ids), date)) {
    const list = byHousehold.get(r.householdId) ?? []
    list.push(decision(r))
    byHousehold.set(r.householdId, list)
  }
  return new Map(ids.map((id) => [id, statusOn(byHousehold.get(id) ?? [], date)]))
}

function views(sqlite: Database.Database, rows: ViewRow[], businessDate: string) {
  const statuses = statusesOn(
    sqlite,
    rows.map((r) => r.id),
    businessDate,
  )
  return rows.map((r) => ({
    id: r.id,
    nationalId: r.nationalId,
    headName: r.headName,
    groupId: r.groupId,
    groupName: r.groupName,
    transactionPointId: r.transactionPointId,
    area: r.area,
    address: { commune: r.commune, village: r.village, line: r.line },
    branchId: r.branchId,
    partnerId: r.partnerId,
    povertyStatus: statuses.get(r.id)!,
    ethnicMinority: r.ethnicMinority === 1,
    ethnicGroup: r.ethnicGroup,
    hasActiveLoan: r.hasActiveLoan === 1,
    createdAt: r.createdAt,
  }))
}

function viewOf(sqlite: Database.Database, id: number, businessDate: string) {
  return views(sqlite, [householdQueries(sqlite).view.get(id)!], businessDate)[0]!
}

export type HouseholdView = ReturnType<typeof viewOf>

/** LIKE pattern finding `word` anywhere (its own % and _ taken literally). */
function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/**
 * Households visible to the caller (partner officer: own partner's groups; branch staff: own branch),
 * filtered, in id order. `q` of 1–12 digits is a citizen-ID prefix, otherwise name words (each a
 * LIKE on the folded key). A citizen-ID prefix is a range on the unique national_id index.
 */
export function listHouseholds(
  db: Db,
  actor: Actor,
  q: HouseholdQuery,
  afterId: number,
  limit: number,
  businessDate: string,
) {
  const where: string[] = ['h.id > ?']
  const params: unknown[] = [afterId]
  const idPrefix = (prefix: string) => {
    where.push('h.national_id >= ? AND h.national_id < ?')
    params.push(prefix, `${prefix}:`) // ':' sorts right after '9': every ID starting with the prefix, nothing else
  }
  if (q.q !== undefined) {
    if (isCitizenIdPrefix(q.q)) idPrefix(q.q.trim())
    else {
      const words = searchWords(q.q)
      // A query of spaces only finds nothing rather than everything.
      if (words.length === 0) return []
      for (const word of words) {
        where.push("h.search_name LIKE ? ESCAPE '\\'")
        params.push(containsPattern(word))
      }
    }
  }
  if (q.nationalId !== undefined) idPrefix(q.nationalId)
  if (q.village !== undefined) {
    where.push('h.village = ?')
    params.push(q.village)
  }
  if (q.groupId !== undefined) {
    where.push('h.group_id = ?')
    params.push(q.groupId)
  }
  if (q.transactionPointId !== undefined) {
    where.push('g.transaction_point_id = ?')
    params.push(q.transactionPointId)
  }
  if (q.partnerId !== undefined) {
    where.push('g.partner_id = ?')
    params.push(q.partnerId)
  }
  if (q.branchId !== undefined) {
    where.push('tp.branch_id = ?')
    params.push(q.branchId)
  }
  const scope = scopeSql(actor, { branch: 'tp.branch_id', partner: 'g.partner_id' })
  where.push(scope.sql)
  const rows = householdsPage(db.$client, where, params, limit + 1, scope.params)
  return views(db.$client, rows, businessDate)
}

/** The household, or 404 when it is missing or outside the actor's scope (existence must not leak). */
export function loadHousehold(db: Db, actor: Actor, id: number) {
  const row = householdById(db, id)
  if (!row) throw notFound('Household', id)
  const owner = groupOwner(db, row.groupId)!
  assertInScope(actor, owner, 'Household', id)
  return { row, owner }
}

export function getHousehold(db: Db, actor: Actor, id: number, businessDate: string) {
  loadHousehold(db, actor, id)
  return viewOf(db.$client, id, businessDate)
}

function addressOf(input: HouseholdInput['address']) {
  return typeof input === 'string'
    ? { commune: '', village: '', line: input }
    : { commune: input.commune, village: input.village, line: input.line ?? '' }
}

function assertNationalIdFree(db: Db, nationalId: string) {
  if (nationalIdTaken(db, nationalId)) {
    throw new DomainError('DUPLICATE', `A household with citizen ID ${nationalId} already exists`)
  }
}

export function createHousehold(ctx: CommandContext, input: HouseholdInput) {
  const owner = groupOwner(ctx.db, input.groupId)
  if (!owner) throw new DomainError('REFERENCE_NOT_FOUND', `Group ${input.groupId} does not exist`)
  if (!inScope(ctx.actor, owner)) throw new DomainError('FORBIDDEN', `Group ${input.groupId} is outside your scope`)
  assertNationalIdFree(ctx.db, input.nationalId)
  const address = addressOf(input.address)
  const id = insertHousehold(ctx.db, {
    nationalId: input.nationalId,
    headName: input.headName,
    searchName: foldText(input.headName),
    groupId: input.groupId,
    area: input.area,
    commune: address.commune,
    village: address.village,
    address: address.line,
    ethnicMinority: input.ethnicMinority ?? false,
    ethnicGroup: input.ethnicGroup ?? null,
  })
  const out = viewOf(ctx.sqlite, id, ctx.businessDate)
  ctx.audit({ action: 'household.create', entity: 'household', entityId: id, after: out })
  return out
}

// ---------------------------------------------------------------------------------------------
// Changes over time: address, head (name, citizen ID), area, group transfer.

type ChangedFields = Partial<{
  headName: string
  nationalId: string
  address: { commune: string; village: string; line: string }
  area: HouseholdRow['area']
  groupId: number
  ethnicMinority: boolean
  ethnicGroup: string | null
}>
const CHANGE_FIELDS = ['headName', 'nationalId', 'address', 'area', 'groupId', 'ethnicMinority', 'ethnicGroup'] as const

function currentFields(row: HouseholdRow): Required<ChangedFields> {
  return {
    headName: row.headName,
    nationalId: row.nationalId,
    address: { commune: row.commune, village: row.village, line: row.address },
    area: row.area,
    groupId: row.groupId,
    ethnicMinority: row.ethnicMinority,
    ethnicGroup: row.ethnicGroup,
  }
}

function changeView(row: HouseholdChangeRow) {
  return {
    id: row.id,
    householdId: row.householdId,
    effectiveDate: row.effectiveDate,
    reason: row.reason,
    before: row.before as ChangedFields,
    after: row.after as ChangedFields,
    changedBy: row.changedBy,
    createdAt: row.createdAt,
  }
}

/**
 * Records a change of the household with its effective date (history kept, append-only) and makes
 * the household row show the new values. A group transfer stays within the household's branch;
 * the household's loans keep their contract (their group, transaction point and partner are not
 * touched). A change back-dated before a later-effective change of the same field is refused: the
 * later one is what the household row shows.
 *
 * Errors: VALIDATION_ERROR (no field to change), NOT_FOUND, DATE_IN_FUTURE, NO_CHANGE (every value
 * given is the current one), DUPLICATE (citizen ID of another household), REFERENCE_NOT_FOUND (group),
 * GROUP_TRANSFER_OUT_OF_BRANCH, FORBIDDEN (group outside scope), CHANGE_BEFORE_LATER_CHANGE.
 */
export function changeHousehold(ctx: CommandContext, householdId: number, input: HouseholdChangeInput) {
  const given = CHANGE_FIELDS.filter((f) => input[f] !== undefined)
  if (given.length === 0) {
    throw new DomainError('VALIDATION_ERROR', 'Give at least one field to change', {
      errors: [{ field: 'body', message: `must have at least one of ${CHANGE_FIELDS.join(', ')}` }],
    })
  }
  const { row, owner } = loadHousehold(ctx.db, ctx.actor, householdId)
  if (input.effectiveDate > ctx.businessDate)
    throw new DomainError(
      'DATE_IN_FUTURE',
      `effectiveDate ${input.effectiveDate} is after the business date ${ctx.businessDate}`,
    )

  const current = currentFields(row)
  const wanted: Required<ChangedFields> = {
    ...current,
    ...(input.headName !== undefined ? { headName: input.headName } : {}),
    ...(input.nationalId !== undefined ? { nationalId: input.nationalId } : {}),
    ...(input.address !== undefined
      ? { address: { commune: input.address.commune, village: input.address.village, line: input.address.line ?? '' } }
      : {}),
    ...(input.area !== undefined ? { area: input.area } : {}),
    ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
    ...(input.ethnicMinority !== undefined ? { ethnicMinority: input.ethnicMinority } : {}),
    ...(input.ethnicGroup !== undefined ? { ethnicGroup: input.ethnicGroup } : {}),
  }
  const changed = given.filter((f) => JSON.stringify(wanted[f]) !== JSON.stringify(current[f]))
  if (changed.length === 0) throw new DomainError('NO_CHANGE', `Household ${householdId} already has these values`)

  if (changed.includes('nationalId')) assertNationalIdFree(ctx.db, wanted.nationalId)
  if (changed.includes('groupId')) {
    const target = groupOwner(ctx.db, wanted.groupId)
    if (!target) throw new DomainError('REFERENCE_NOT_FOUND', `Group ${wanted.groupId} does not exist`)
    if (target.branchId !== owner.branchId) {
      throw new DomainError(
        'GROUP_TRANSFER_OUT_OF_BRANCH',
        `Group ${wanted.groupId} belongs to another branch; a household moves only between groups of its branch`,
      )
    }
    if (!inScope(ctx.actor, target))
      throw new DomainError(
        'FORBIDDEN',
        `Group ${wanted.groupId} is outside
      your scope`,
      )
  }
  for (const c of changesAfter(ctx.db, householdId, input.effectiveDate)) {
    const clash = changed.find((f) => f in (c.after as ChangedFields))
    if (clash) {
      throw new DomainError(
        'CHANGE_BEFORE_LATER_CHANGE',
        `${clash} was changed with effect from ${c.effectiveDate} (change ${c.id}); a change effective ${input.effectiveDate} ` +
          `cannot override it`,
        { laterChangeId: c.id },
      )
    }
  }

  const before: ChangedFields = {}
  const after: ChangedFields = {}
  for (const f of changed) {
    Object.assign(before, { [f]: current[f] })
    Object.assign(after, { [f]: wanted[f] })
  }
  updateHousehold(ctx.db, householdId, {
    headName: wanted.headName,
    searchName: foldText(wanted.headName),
    nationalId: wanted.nationalId,
    area: wanted.area,
    commune: wanted.address.commune,
    village: wanted.address.village,
    address: wanted.address.line,
    groupId: wanted.groupId,
    ethnicMinority: wanted.ethnicMinority,
    ethnicGroup: wanted.ethnicGroup,
  })
  const change = insertChange(ctx.db, {
    householdId,
    effectiveDate: input.effectiveDate,
    before,
    after,
    reason: input.reason,
    changedBy: ctx.actor.userId,
  })
  const loansKeepingContract = changed.includes('groupId')
    ? householdQueries(ctx.sqlite).liveLoans.all(householdId)
    : []
  ctx.audit({
    action: 'household.change',
    entity: 'household',
    entityId: householdId,
    before,
    after: { ...after, effectiveDate: input.effectiveDate, reason: input.reason, changeId: change.id },
  })
  return {
    change: changeView(change),
    household: viewOf(ctx.sqlite, householdId, ctx.businessDate),
    loansKeepingContract,
  }
}

/** The household's changes, oldest first. */
export function listChanges(db: Db, actor: Actor, householdId: number, afterId: number, limit: number) {
  loadHousehold(db, actor, householdId)
  return changesPage(db, householdId, afterId, limit).map(changeView)
}

// ---------------------------------------------------------------------------------------------
// Poverty-status decisions.

/**
 * Records a commune decision. A decision number identifies one decision of the household: posting
 * the same decision again (same number, status and effective date) answers its first record and
 * writes nothing; the same number with another status or date is a DUPLICATE. A revoked record
 * (recorded in error) no longer holds its number.
 *
 * Errors: NOT_FOUND, DUPLICATE.
 */
export function addPovertyRecord(ctx: CommandContext, householdId: number, input: PovertyRecordInput) {
  loadHousehold(ctx.db, ctx.actor, householdId)
  const sameNumber = recordsWithDecision(ctx.db, householdId, input.decisionNo).filter((r) => !isRevoked(ctx.db, r.id))
  if (sameNumber.length > 0) {
    const first = sameNumber.find((r) => r.status === input.status && r.effectiveDate === input.effectiveDate)
    if (!first) {
      const other = sameNumber[0]!
      throw new DomainError(
        'DUPLICATE',
        `Decision ${input.decisionNo} is already recorded for household ${householdId} as ${other.status} effective ` +
          `${other.effectiveDate} (record ${other.id})`,
        { existingRecordId: other.id },
      )
    }
    const { recordedBy: _r, ...out } = first
    return { ...out, revoked: false, alreadyRecorded: true }
  }
  const before = statusOn(timelineOf(ctx.db, householdId), input.effectiveDate)
  const row = insertPovertyRecord(ctx.db, {
    householdId,
    status: input.status,
    effectiveDate: input.effectiveDate,
    decisionNo: input.decisionNo,
    source: input.source ?? 'commune decision',
    recordedBy: ctx.actor.userId,
  })
  ctx.audit({
    action: 'household.poverty_status',
    entity: 'household',
    entityId: householdId,
    before: { status: before, on: input.effectiveDate },
    after: row,
  })
  ctx.hooks.povertyRecorded(ctx, householdId)
  const { recordedBy: _r, ...out } = row
  return { ...out, revoked: false, alreadyRecorded: false }
}

/** Revokes a decision recorded in error (append-only: a revocation row; the record stays visible as revoked). */
export function revokePovertyRecord(ctx: CommandContext, householdId: number, recordId: number, reason: string) {
  loadHousehold(ctx.db, ctx.actor, householdId)
  const record = povertyRecord(ctx.db, recordId)
  if (!record || record.householdId !== householdId) throw notFound('Poverty record', recordId)
  if (isRevoked(ctx.db, recordId))
    throw new DomainError('INVALID_STATE', `Poverty record ${recordId} is already revoked`)
  insertRevocation(ctx.db, { recordId, reason, revokedBy: ctx.actor.userId })
  ctx.audit({
    action: 'household.poverty_status_revoke',
    entity: 'household',
    entityId: householdId,
    before: { recordId, status: record.status },
    after: { revoked: true, reason },
  })
  ctx.hooks.povertyRecorded(ctx, householdId)
  const { recordedBy: _r, ...out } = record
  return { ...out, revoked: true }
}

/** Cursor of the timeline: its order is (effective date, id), so the cursor carries both. */
function timelineCursor(cursor: string | undefined): { date: string; id: number } | null {
  if (cursor === undefined) return null
  const m = /^(\d{4}-\d{2}-\d{2})\.(\d{1,10})$/.exec(cursor)
  if (!m)
    throw new DomainError('VALIDATION_ERROR', 'cursor is not valid', {
      errors: [{ field: 'querystring.cursor', message: 'is not a cursor returned by this list' }],
    })
  return { date: m[1]!, id: Number(m[2]) }
}

/** The timeline page by page in effective-date order, with the status on `asOf` from the whole timeline. */
export function getTimeline(
  db: Db,
  actor: Actor,
  householdId: number,
  asOf: string,
  cursor: string | undefined,
  limit: number,
) {
  loadHousehold(db, actor, householdId)
  const after = timelineCursor(cursor)
  const rows = householdQueries(db.$client).timeline.all(
    householdId,
    after?.date ?? null,
    after?.date ?? null,
    after?.date ?? null,
    after?.id ?? 0,
    limit + 1,
  )
  const items = rows.slice(0, limit).map((r) => ({ ...r, revoked: r.revoked === 1 }))
  const last = items[items.length - 1]
  const nextCursor = rows.length > limit && last ? `${last.effectiveDate}.${last.id}` : null
  return { householdId, asOf, statusOnAsOf: statusOn(timelineOf(db, householdId), asOf), items, nextCursor }
}
