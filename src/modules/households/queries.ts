/**
 * The households module's SQL: the drizzle reads and writes of households,
 * their changes and poverty decisions, and the raw reads that join a page of
 * households with their group, point, partner and loans (prepared once per
 * connection where the text is fixed). A household row is updated in place
 * (it shows the current values); household_changes, poverty_records and
 * poverty_revocations are append-only: a change is a new row, a decision
 * recorded in error is revoked by a revocation row, never edited or deleted.
 */
import { and, eq, gt } from 'drizzle-orm'
import type Database from 'better-sqlite3'
import {
  groups,
  householdChanges,
  transactionPoints,
  households,
  povertyRecords,
  povertyRevocations,
} from '../../db/schema.js'
import { perConnection, type Db } from '../../platform/database.js'

export type HouseholdRow = typeof households.$inferSelect
type Household = HouseholdRow
type Group = typeof groups.$inferSelect
export type HouseholdChangeRow = typeof householdChanges.$inferSelect
export type PovertyRecordRow = typeof povertyRecords.$inferSelect

/** A poverty decision for the pure rules; `revoked` is SQLite's 0/1. */
export type DecisionRow = Pick<PovertyRecordRow, 'id' | 'status' | 'effectiveDate' | 'decisionNo'> & { revoked: number }
/** A household with its group, point, partner, branch and whether it has an active loan (0/1): one list item. */
export type ViewRow = Pick<
  Household,
  'id' | 'nationalId' | 'headName' | 'groupId' | 'area' | 'commune' | 'village' | 'createdAt' | 'ethnicGroup'
> & {
  ethnicMinority: number
  line: Household['address']
  groupName: Group['name']
  transactionPointId: Group['transactionPointId']
  partnerId: Group['partnerId']
  branchId: number
  hasActiveLoan: number
}
/** A decision as the timeline lists it (who recorded it stays internal). */
export type TimelineRow = Omit<PovertyRecordRow, 'recordedBy'> & { revoked: number }

const VIEW_SELECT = `SELECT h.id, h.national_id AS nationalId, h.head_name AS headName, h.group_id AS groupId,
  g.name AS groupName,
    g.transaction_point_id AS transactionPointId, h.area, h.commune, h.village, h.address AS line,
    g.partner_id AS partnerId, tp.branch_id AS branchId, h.created_at AS createdAt,
    h.ethnic_minority AS ethnicMinority, h.ethnic_group AS ethnicGroup,
    EXISTS (SELECT 1 FROM loans l WHERE l.household_id = h.id AND l.state = 'active') AS hasActiveLoan
  FROM households h JOIN groups g ON g.id = h.group_id JOIN transaction_points tp ON tp.id = g.transaction_point_id`
const DECISION_COLUMNS = `r.id, r.status, r.effective_date AS effectiveDate, r.decision_no AS decisionNo,
    EXISTS (SELECT 1 FROM poverty_revocations v WHERE v.record_id = r.id) AS revoked`

/** The module's prepared statements for this connection. */
export const householdQueries = perConnection((sqlite) => ({
  view: sqlite.prepare<[number], ViewRow>(`${VIEW_SELECT} WHERE h.id = ?`),
  decisions: sqlite.prepare<[number], DecisionRow>(
    `SELECT ${DECISION_COLUMNS} FROM poverty_records r WHERE r.household_id = ? ORDER BY r.id`,
  ),
  /** household ids as a JSON array; the decisions in force by a date */
  decisionsOf: sqlite.prepare<
    [string, string],
    DecisionRow & { householdId: number }
  >(`SELECT r.household_id AS householdId, ${DECISION_COLUMNS}
      FROM poverty_records r WHERE r.household_id IN (SELECT value FROM json_each(?)) AND r.effective_date <= ?`),
  /**
   * (household, after date, after date, after date, after id, limit): the timeline in (effective date, id) order
   * after a cursor (null date: from the start)
   */
  timeline: sqlite.prepare<[number, string | null, string | null, string | null, number, number], TimelineRow>(
    `SELECT r.id, r.household_id AS householdId, r.status, r.effective_date AS effectiveDate, r.decision_no
      AS decisionNo, r.source, r.created_at AS createdAt,
        EXISTS (SELECT 1 FROM poverty_revocations v WHERE v.record_id = r.id) AS revoked
      FROM poverty_records r WHERE r.household_id = ? AND (? IS NULL OR r.effective_date > ? OR (r.effective_date
      = ? AND r.id > ?))
      ORDER BY r.effective_date, r.id LIMIT ?`,
  ),
  /** Loans that keep their contract (group, point, partner) when the household moves. */
  liveLoans: sqlite
    .prepare<[number], number>(
      "SELECT id FROM loans WHERE household_id = ? AND state IN ('approved', 'active') ORDER BY id",
    )
    .pluck(),
}))

/**
 * One page of households by id; `where` are conditions on h, g (group) and p (partner) with positional
 * `params`, then the limit, then the scope's named parameters (filters and scope vary per call: not prepared once).
 */
export function householdsPage(
  sqlite: Database.Database,
  where: string[],
  params: unknown[],
  limit: number,
  named: Record<string, unknown>,
): ViewRow[] {
  return sqlite
    .prepare<unknown[], ViewRow>(`${VIEW_SELECT} WHERE ${where.join(' AND ')} ORDER BY h.id LIMIT ?`)
    .all(...params, limit, named)
}

/** The group's owners: which branch and partner a household of this group belongs to. */
export function groupOwner(db: Db, groupId: number): { branchId: number; partnerId: number } | undefined {
  return db
    .select({ branchId: transactionPoints.branchId, partnerId: groups.partnerId })
    .from(groups)
    .innerJoin(transactionPoints, eq(transactionPoints.id, groups.transactionPointId))
    .where(eq(groups.id, groupId))
    .get()
}

export function householdById(db: Db, id: number): Household | undefined {
  return db.select().from(households).where(eq(households.id, id)).get()
}

export function nationalIdTaken(db: Db, nationalId: string): boolean {
  return (
    db.select({ id: households.id }).from(households).where(eq(households.nationalId, nationalId)).get() !== undefined
  )
}

export function insertHousehold(db: Db, values: typeof households.$inferInsert): number {
  return db.insert(households).values(values).returning({ id: households.id }).get().id
}

export function updateHousehold(db: Db, id: number, values: Partial<typeof households.$inferInsert>): void {
  db.update(households).set(values).where(eq(households.id, id)).run()
}

export function insertChange(db: Db, values: typeof householdChanges.$inferInsert): HouseholdChangeRow {
  return db.insert(householdChanges).values(values).returning().get()
}

/** The household's changes effective after a date. */
export function changesAfter(db: Db, householdId: number, effectiveDate: string): HouseholdChangeRow[] {
  return db
    .select()
    .from(householdChanges)
    .where(and(eq(householdChanges.householdId, householdId), gt(householdChanges.effectiveDate, effectiveDate)))
    .all()
}

/** One page of the household's changes by id (one more than `limit`: there is a next page). */
export function changesPage(db: Db, householdId: number, afterId: number, limit: number): HouseholdChangeRow[] {
  return db
    .select()
    .from(householdChanges)
    .where(and(eq(householdChanges.householdId, householdId), gt(householdChanges.id, afterId)))
    .orderBy(householdChanges.id)
    .limit(limit + 1)
    .all()
}

/** The household's records with a decision number (revoked ones included), oldest first. */
export function recordsWithDecision(db: Db, householdId: number, decisionNo: string): PovertyRecordRow[] {
  return db
    .select()
    .from(povertyRecords)
    .where(and(eq(povertyRecords.householdId, householdId), eq(povertyRecords.decisionNo, decisionNo)))
    .orderBy(povertyRecords.id)
    .all()
}

export function povertyRecord(db: Db, id: number): PovertyRecordRow | undefined {
  return db.select().from(povertyRecords).where(eq(povertyRecords.id, id)).get()
}

export function insertPovertyRecord(db: Db, values: typeof povertyRecords.$inferInsert): PovertyRecordRow {
  return db.insert(povertyRecords).values(values).returning().get()
}

export function isRevoked(db: Db, recordId: number): boolean {
  return (
    db
      .select({ id: povertyRevocations.recordId })
      .from(povertyRevocations)
      .where(eq(povertyRevocations.recordId, recordId))
      .get() !== undefined
  )
}

export function insertRevocation(db: Db, values: typeof povertyRevocations.$inferInsert): void {
  db.insert(povertyRevocations).values(values).run()
}
