/**
 * The organisation tree (docs/rules.md §20): offices (head office → province → district, a district office being
 * a branch) and places (commune → village). Written by admins; read by every staff role (names of offices and
 * places are reference data). The levels are checked by the pure rule (src/domain/organisation-tree.ts); the
 * closure table office_paths is written here, with each new office.
 * Errors: DUPLICATE (code taken), REFERENCE_NOT_FOUND (parent), TREE_LEVEL_INVALID (a level under the wrong level).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import { DomainError } from '../../platform/errors.js'
import { placementProblem, type TreeLevel } from '../../domain/organisation-tree.js'
import { treeQueries, type OfficeLevel, type OfficeRow, type PlaceKind, type PlaceRow } from './tree-queries.js'

function levelError(detail: string): DomainError {
  return new DomainError('TREE_LEVEL_INVALID', detail)
}

/** Refuses a node under a parent of the wrong level (the parent must exist: looked up by the caller). */
function assertPlacement(level: TreeLevel, parentId: number | null, parent: { level: TreeLevel } | undefined): void {
  const problem = placementProblem({ level, parentId }, parent)
  if (problem?.code === 'UNKNOWN_PARENT') throw new DomainError('REFERENCE_NOT_FOUND', problem.detail)
  if (problem) throw levelError(problem.detail)
}

function insertOffice(
  sqlite: Database.Database,
  values: { code: string; name: string; level: OfficeLevel; parentId: number | null },
): OfficeRow {
  const q = treeQueries(sqlite)
  if (q.officeByCode.get(values.code)) throw new DomainError('DUPLICATE', `Office code ${values.code} already exists`)
  const id = Number(q.insertOffice.run(values).lastInsertRowid)
  q.insertPaths.run({ id, parentId: values.parentId })
  return q.officeById.get(id)!
}

export interface OfficeInput {
  code: string
  name: string
  level: OfficeLevel
  /** the parent office; a province without one goes under the head office */
  parentId?: number
}

export function createOffice(ctx: CommandContext, input: OfficeInput): OfficeRow {
  const q = treeQueries(ctx.sqlite)
  if (input.level === 'district')
    throw levelError('A district office is a branch: create it with POST /v1/branches (provinceOfficeId)')
  if (input.level === 'head_office' && q.headOffice.get())
    throw levelError('There is one head office, and it exists already')
  const parentId = input.parentId ?? (input.level === 'province' ? (q.headOffice.get()?.id ?? null) : null)
  const parent = parentId === null ? undefined : q.officeById.get(parentId)
  assertPlacement(input.level, parentId, parent)
  const row = insertOffice(ctx.sqlite, { code: input.code, name: input.name, level: input.level, parentId })
  ctx.audit({ action: 'office.create', entity: 'office', entityId: row.id, after: row })
  return row
}

/** A province office named `name` (the first one), or a new one under the head office with a free code. */
function provinceNamed(sqlite: Database.Database, name: string): OfficeRow {
  const q = treeQueries(sqlite)
  const found = q.provinceByName.get(name)
  if (found) return found
  const head = q.headOffice.get()
  if (!head) throw levelError('There is no head office to put a province under')
  let n = q.children.all(head.id).length + 1
  while (q.provinceCodeTaken.get(`PROV-${String(n).padStart(2, '0')}`)) n++
  return insertOffice(sqlite, {
    code: `PROV-${String(n).padStart(2, '0')}`,
    name,
    level: 'province',
    parentId: head.id,
  })
}

/**
 * The district office of a new branch (same code and name), under the province office given or, without one,
 * under the province office named as the branch's province (created when there is none yet).
 */
export function linkBranch(
  sqlite: Database.Database,
  branch: { id: number; code: string; name: string; province: string },
  provinceOfficeId?: number,
): OfficeRow {
  const q = treeQueries(sqlite)
  let province: OfficeRow
  if (provinceOfficeId === undefined) province = provinceNamed(sqlite, branch.province)
  else {
    const parent = q.officeById.get(provinceOfficeId)
    assertPlacement('district', provinceOfficeId, parent)
    province = parent!
  }
  const office = insertOffice(sqlite, {
    code: branch.code,
    name: branch.name,
    level: 'district',
    parentId: province.id,
  })
  q.setBranchOffice.run(office.id, branch.id)
  return q.officeById.get(office.id)!
}

/** The district office of a branch (every branch has one from migration 0020 on). */
function districtOffice(sqlite: Database.Database, branchId: number): number {
  const officeId = treeQueries(sqlite).branchOffice.get(branchId)?.officeId
  if (officeId == null) throw new DomainError('INVALID_STATE', `Branch ${branchId} has no district office`)
  return officeId
}

function insertPlace(
  sqlite: Database.Database,
  values: { code: string; name: string; kind: PlaceKind; parentId: number | null; officeId: number },
): PlaceRow {
  const q = treeQueries(sqlite)
  if (q.placeByCode.get(values.code)) throw new DomainError('DUPLICATE', `Place code ${values.code} already exists`)
  return q.placeById.get(Number(q.insertPlace.run(values).lastInsertRowid))!
}

/**
 * The commune of a new transaction point: the commune given (served by the point's branch), or a new commune place
 * with the point's code and commune name.
 */
export function linkPoint(
  sqlite: Database.Database,
  point: { id: number; code: string; commune: string; branchId: number },
  placeId?: number,
): PlaceRow {
  const q = treeQueries(sqlite)
  const officeId = districtOffice(sqlite, point.branchId)
  let commune: PlaceRow
  if (placeId === undefined) {
    // A commune imported beforehand under the point's code, served by the same office, is the point's commune.
    const same = q.placeByCode.get(point.code)
    commune =
      same?.kind === 'commune' && same.officeId === officeId
        ? same
        : insertPlace(sqlite, { code: point.code, name: point.commune, kind: 'commune', parentId: null, officeId })
  } else {
    const found = q.placeById.get(placeId)
    if (!found) throw new DomainError('REFERENCE_NOT_FOUND', `Place ${placeId} does not exist`)
    if (found.kind !== 'commune') throw levelError(`Place ${placeId} is a ${found.kind}: a point serves a commune`)
    if (found.officeId !== officeId)
      throw levelError(`Commune ${placeId} is served by office ${found.officeId}, not by the point's branch`)
    commune = found
  }
  q.setPointPlace.run(commune.id, point.id)
  return commune
}

/**
 * The village of a new group: the village given (of the point's commune), else the village of that name in the
 * point's commune, else a new one coded after the commune.
 */
export function linkGroup(
  sqlite: Database.Database,
  group: { id: number; village: string; transactionPointId: number },
  placeId?: number,
): PlaceRow {
  const q = treeQueries(sqlite)
  const communeId = q.pointPlace.get(group.transactionPointId)?.placeId
  if (communeId == null)
    throw new DomainError('INVALID_STATE', `Transaction point ${group.transactionPointId} has no commune`)
  const commune = q.placeById.get(communeId)!
  let village: PlaceRow | undefined
  if (placeId !== undefined) {
    village = q.placeById.get(placeId)
    if (!village) throw new DomainError('REFERENCE_NOT_FOUND', `Place ${placeId} does not exist`)
    if (village.kind !== 'village' || village.parentId !== commune.id)
      throw levelError(`Place ${placeId} is not a village of commune ${commune.id} (the point's commune)`)
  } else village = q.villageByName.get(commune.id, group.village)
  if (!village) {
    let n = 1
    while (q.placeByCode.get(`${commune.code}-${String(n).padStart(2, '0')}`)) n++
    village = insertPlace(sqlite, {
      code: `${commune.code}-${String(n).padStart(2, '0')}`,
      name: group.village,
      kind: 'village',
      parentId: commune.id,
      officeId: commune.officeId,
    })
  }
  q.setGroupPlace.run(village.id, group.id)
  return village
}

/**
 * Links into the tree every branch, transaction point and group written without it (the demo generator inserts
 * rows directly), as migration 0020 did for the data before it. Returns how many rows it linked.
 */
export function attachToTree(sqlite: Database.Database): number {
  const q = treeQueries(sqlite)
  let linked = 0
  for (const b of q.branchesOutside.all()) linked += (linkBranch(sqlite, b), 1)
  for (const p of q.pointsOutside.all()) linked += (linkPoint(sqlite, p), 1)
  for (const g of q.groupsOutside.all()) linked += (linkGroup(sqlite, g), 1)
  return linked
}

export interface PlaceInput {
  code: string
  name: string
  kind: PlaceKind
  /** a commune: the district office serving it */
  officeId?: number
  /** a village: its commune */
  parentId?: number
}

/** Checks a place against its parent and returns what to insert. */
function placeValues(sqlite: Database.Database, input: PlaceInput) {
  const q = treeQueries(sqlite)
  if (input.kind === 'commune') {
    if (input.parentId !== undefined) throw levelError('A commune has no parent place: give officeId')
    if (input.officeId === undefined) throw levelError('A commune needs officeId, its district office')
    const office = q.officeById.get(input.officeId)
    assertPlacement('commune', input.officeId, office)
    return { code: input.code, name: input.name, kind: input.kind, parentId: null, officeId: office!.id }
  }
  if (input.officeId !== undefined) throw levelError("A village takes its commune's office: give parentId only")
  if (input.parentId === undefined) throw levelError('A village needs parentId, its commune')
  const commune = q.placeById.get(input.parentId)
  assertPlacement('village', input.parentId, commune && { level: commune.kind })
  return { code: input.code, name: input.name, kind: input.kind, parentId: commune!.id, officeId: commune!.officeId }
}

export function createPlace(ctx: CommandContext, input: PlaceInput): PlaceRow {
  const row = insertPlace(ctx.sqlite, placeValues(ctx.sqlite, input))
  ctx.audit({ action: 'place.create', entity: 'place', entityId: row.id, after: row })
  return row
}

export function getOffice(sqlite: Database.Database, id: number) {
  const q = treeQueries(sqlite)
  const office = q.officeById.get(id)
  if (!office) throw new DomainError('NOT_FOUND', `Office ${id} was not found`)
  return {
    ...office,
    children: q.children.all(id),
    communes: office.level === 'district' ? q.communesOf.all(id) : [],
  }
}

export function listOffices(
  sqlite: Database.Database,
  q: { level?: OfficeLevel; parentId?: number; underId?: number },
  afterId: number,
  limit: number,
): OfficeRow[] {
  return treeQueries(sqlite).officesPage.all({
    after: afterId,
    level: q.level ?? null,
    parentId: q.parentId ?? null,
    underId: q.underId ?? null,
    limit: limit + 1,
  })
}

export function listPlaces(
  sqlite: Database.Database,
  q: { kind?: PlaceKind; parentId?: number; officeId?: number },
  afterId: number,
  limit: number,
): PlaceRow[] {
  return treeQueries(sqlite).placesPage.all({
    after: afterId,
    kind: q.kind ?? null,
    parentId: q.parentId ?? null,
    officeId: q.officeId ?? null,
    limit: limit + 1,
  })
}
