/**
 * The priority module's SQL: area designations (append-only, an end is its own record) and what a household's
 * priority is read from. `prioritySql` renders the same rule as src/domain/priority.ts for list queries on the
 * business date (a household row shows its values on that date: changes are never dated in the future).
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { DesignationKind } from '../../domain/priority.js'

export interface DesignationRow {
  id: number
  transactionPointId: number
  branchId: number
  commune: string
  village: string | null
  designation: DesignationKind
  effectiveFrom: string
  decisionNo: string
  effectiveTo: string | null
  endDecisionNo: string | null
  createdBy: number
  createdAt: string
}

const DESIGNATION_SELECT = `SELECT d.id, d.transaction_point_id AS transactionPointId, tp.branch_id AS branchId,
    tp.commune, d.village, d.designation, d.effective_from AS effectiveFrom, d.decision_no AS decisionNo,
    e.effective_to AS effectiveTo, e.decision_no AS endDecisionNo, d.created_by AS createdBy, d.created_at AS createdAt
  FROM area_designations d JOIN transaction_points tp ON tp.id = d.transaction_point_id
  LEFT JOIN area_designation_ends e ON e.designation_id = d.id`

export const priorityQueries = perConnection((sqlite) => ({
  designation: sqlite.prepare<[number], DesignationRow>(`${DESIGNATION_SELECT} WHERE d.id = ?`),
  /** Every designation of a commune (its transaction point), any date. */
  designationsOfPoint: sqlite.prepare<[number], DesignationRow>(
    `${DESIGNATION_SELECT} WHERE d.transaction_point_id = ? ORDER BY d.id`,
  ),
  point: sqlite.prepare<[number], { id: number; branchId: number; commune: string }>(
    'SELECT id, branch_id AS branchId, commune FROM transaction_points WHERE id = ?',
  ),
  insertDesignation: sqlite.prepare<[number, string | null, string, string, string, number]>(
    'INSERT INTO area_designations (transaction_point_id, village, designation, effective_from, decision_no, ' +
      'created_by) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  insertEnd: sqlite.prepare<[number, string, string, number]>(
    'INSERT INTO area_designation_ends (designation_id, effective_to, decision_no, created_by) VALUES (?, ?, ?, ?)',
  ),
  household: sqlite.prepare<
    [number],
    { ethnicMinority: number; ethnicGroup: string | null; village: string; groupId: number }
  >(
    'SELECT ethnic_minority AS ethnicMinority, ethnic_group AS ethnicGroup, village, group_id AS groupId ' +
      'FROM households WHERE id = ?',
  ),
  /** The household's changes effective after a date, earliest first: their `before` is the value on the date. */
  changesAfter: sqlite.prepare<[number, string], { before: string }>(
    'SELECT before FROM household_changes WHERE household_id = ? AND effective_date > ? ORDER BY effective_date, id',
  ),
  pointOfGroup: sqlite.prepare<[number], number>('SELECT transaction_point_id FROM groups WHERE id = ?').pluck(),
}))

/**
 * One page of designations by id; `where` with named parameters (filters and scope vary per call: not prepared
 * once).
 */
export function designationsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): DesignationRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], DesignationRow>(
      `${DESIGNATION_SELECT} WHERE ${where.join(' AND ')} ORDER BY d.id LIMIT @limit`,
    )
    .all(params)
}

/**
 * SQL condition: the household (alias `h`, its commune's transaction point `point`) is a priority household on
 * the date given by the expression `date` (a parameter or a column).
 */
export function prioritySql(h: string, point: string, date: string): string {
  return `(${h}.ethnic_minority = 1 OR EXISTS (SELECT 1 FROM area_designations pd
    LEFT JOIN area_designation_ends pe ON pe.designation_id = pd.id
    WHERE pd.transaction_point_id = ${point} AND (pd.village IS NULL OR pd.village = ${h}.village)
      AND pd.effective_from <= ${date} AND (pe.effective_to IS NULL OR pe.effective_to >= ${date})))`
}
