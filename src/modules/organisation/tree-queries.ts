/**
 * The organisation tree's SQL (docs/rules.md §20), raw and prepared once per connection: offices with their
 * closure (office_paths), places (communes, villages) and the links of branches, transaction points and groups
 * into the tree. Raw SQL so the demo generator, which holds only a connection, links its rows the same way.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { OFFICE_LEVELS, PLACE_KINDS } from '../../db/schema-organisation.js'

export type OfficeLevel = (typeof OFFICE_LEVELS)[number]
export type PlaceKind = (typeof PLACE_KINDS)[number]

export interface OfficeRow {
  id: number
  code: string
  name: string
  level: OfficeLevel
  parentId: number | null
  /** the branch of a district office */
  branchId: number | null
  createdAt: string
}

export interface PlaceRow {
  id: number
  code: string
  name: string
  kind: PlaceKind
  parentId: number | null
  officeId: number
  createdAt: string
}

const OFFICE = `SELECT o.id, o.code, o.name, o.level, o.parent_id AS parentId, b.id AS branchId, o.created_at AS createdAt
  FROM offices o LEFT JOIN branches b ON b.office_id = o.id`
const PLACE = `SELECT id, code, name, kind, parent_id AS parentId, office_id AS officeId, created_at AS createdAt
  FROM places`

export const treeQueries = perConnection((db: Database.Database) => ({
  officeById: db.prepare<[number], OfficeRow>(`${OFFICE} WHERE o.id = ?`),
  officeByCode: db.prepare<[string], OfficeRow>(`${OFFICE} WHERE o.code = ?`),
  headOffice: db.prepare<[], OfficeRow>(`${OFFICE} WHERE o.level = 'head_office'`),
  provinceByName: db.prepare<[string], OfficeRow>(`${OFFICE} WHERE o.level = 'province' AND o.name = ? ORDER BY o.id`),
  children: db.prepare<[number], OfficeRow>(`${OFFICE} WHERE o.parent_id = ? ORDER BY o.id`),
  insertOffice: db.prepare<{ code: string; name: string; level: OfficeLevel; parentId: number | null }>(
    'INSERT INTO offices (code, name, level, parent_id) VALUES (@code, @name, @level, @parentId)',
  ),
  /** The closure rows of a new office: its parent's ancestors one step further, and itself. */
  insertPaths: db.prepare<{ id: number; parentId: number | null }>(
    `INSERT INTO office_paths (ancestor_id, descendant_id, depth)
      SELECT ancestor_id, @id, depth + 1 FROM office_paths WHERE descendant_id = @parentId
      UNION ALL SELECT @id, @id, 0`,
  ),
  officesPage: db.prepare<
    { after: number; level: string | null; parentId: number | null; underId: number | null; limit: number },
    OfficeRow
  >(
    `${OFFICE} WHERE o.id > @after AND (@level IS NULL OR o.level = @level)
      AND (@parentId IS NULL OR o.parent_id = @parentId)
      AND (@underId IS NULL OR o.id IN (SELECT descendant_id FROM office_paths WHERE ancestor_id = @underId))
      ORDER BY o.id LIMIT @limit`,
  ),
  provinceCodeTaken: db.prepare<[string], { id: number }>('SELECT id FROM offices WHERE code = ?'),
  branchByCode: db.prepare<[string], { id: number }>('SELECT id FROM branches WHERE code = ?'),

  placeById: db.prepare<[number], PlaceRow>(`${PLACE} WHERE id = ?`),
  placeByCode: db.prepare<[string], PlaceRow>(`${PLACE} WHERE code = ?`),
  villageByName: db.prepare<[number, string], PlaceRow>(
    `${PLACE} WHERE kind = 'village' AND parent_id = ? AND name = ? ORDER BY id`,
  ),
  insertPlace: db.prepare<{ code: string; name: string; kind: PlaceKind; parentId: number | null; officeId: number }>(
    'INSERT INTO places (code, name, kind, parent_id, office_id) VALUES (@code, @name, @kind, @parentId, @officeId)',
  ),
  placesPage: db.prepare<
    { after: number; kind: string | null; parentId: number | null; officeId: number | null; limit: number },
    PlaceRow
  >(
    `${PLACE} WHERE id > @after AND (@kind IS NULL OR kind = @kind) AND (@parentId IS NULL OR parent_id = @parentId)
      AND (@officeId IS NULL OR office_id IN (SELECT descendant_id FROM office_paths WHERE ancestor_id = @officeId))
      ORDER BY id LIMIT @limit`,
  ),
  communesOf: db.prepare<[number], PlaceRow>(`${PLACE} WHERE kind = 'commune' AND office_id = ? ORDER BY id`),

  setBranchOffice: db.prepare<[number, number]>('UPDATE branches SET office_id = ? WHERE id = ?'),
  setPointPlace: db.prepare<[number, number]>('UPDATE transaction_points SET place_id = ? WHERE id = ?'),
  setGroupPlace: db.prepare<[number, number]>('UPDATE groups SET place_id = ? WHERE id = ?'),
  branchesOutside: db.prepare<[], { id: number; code: string; name: string; province: string }>(
    'SELECT id, code, name, province FROM branches WHERE office_id IS NULL ORDER BY id',
  ),
  pointsOutside: db.prepare<[], { id: number; code: string; commune: string; branchId: number }>(
    'SELECT id, code, commune, branch_id AS branchId FROM transaction_points WHERE place_id IS NULL ORDER BY id',
  ),
  groupsOutside: db.prepare<[], { id: number; village: string; transactionPointId: number }>(
    'SELECT id, village, transaction_point_id AS transactionPointId FROM groups WHERE place_id IS NULL ORDER BY id',
  ),
  branchOffice: db.prepare<[number], { officeId: number | null }>(
    'SELECT office_id AS officeId FROM branches WHERE id = ?',
  ),
  pointPlace: db.prepare<[number], { placeId: number | null }>(
    'SELECT place_id AS placeId FROM transaction_points WHERE id = ?',
  ),
}))
