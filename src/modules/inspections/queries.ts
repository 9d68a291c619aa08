/**
 * The inspections module's SQL: prepared once per connection, rows typed from the drizzle schema. Inspections and
 * their outcomes are append-only (triggers refuse UPDATE and DELETE).
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { inspections } from '../../db/schema-inspections.js'
import type { OutcomeKind } from '../../domain/inspection.js'

export type InspectionRow = typeof inspections.$inferSelect
export type OutcomeRow = { inspectionId: number; outcome: OutcomeKind; quantity: number }

const COLUMNS = `i.id, i.loan_id AS loanId, i.branch_id AS branchId, i.partner_id AS partnerId,
  i.inspected_on AS inspectedOn, i.inspector, i.finding, i.evidence, i.recorded_by AS recordedBy,
  i.recorded_on AS recordedOn, i.created_at AS createdAt`

export const inspectionQueries = perConnection((sqlite) => ({
  insert: sqlite.prepare<[number, number, number, string, string, string, string, number, string]>(
    `INSERT INTO inspections (loan_id, branch_id, partner_id, inspected_on, inspector, finding, evidence, recorded_by,
      recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  insertOutcome: sqlite.prepare<[number, string, number]>(
    'INSERT INTO inspection_outcomes (inspection_id, outcome, quantity) VALUES (?, ?, ?)',
  ),
  byId: sqlite.prepare<[number], InspectionRow>(`SELECT ${COLUMNS} FROM inspections i WHERE i.id = ?`),
  ofLoan: sqlite.prepare<[number], InspectionRow>(
    `SELECT ${COLUMNS} FROM inspections i WHERE i.loan_id = ? ORDER BY i.inspected_on, i.id`,
  ),
  outcomesOf: sqlite.prepare<[number], OutcomeRow>(
    `SELECT inspection_id AS inspectionId, outcome, quantity FROM inspection_outcomes WHERE inspection_id = ?`,
  ),
  firstDisbursedOn: sqlite
    .prepare<[number], string | null>(
      `SELECT MIN(t.value_date) FROM loan_transactions t WHERE t.loan_id = ? AND t.kind = 'disbursement'
        AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id)`,
    )
    .pluck(),
}))

/** One page of inspections by id; `where` are conditions on i with named parameters (filters and scope vary). */
export function inspectionsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): InspectionRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], InspectionRow>(
      `SELECT ${COLUMNS} FROM inspections i WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT @limit`,
    )
    .all(params)
}

/** The outcomes of several inspections at once (a page), grouped by inspection. */
export function outcomesOfMany(sqlite: Database.Database, ids: number[]): Map<number, OutcomeRow[]> {
  const out = new Map<number, OutcomeRow[]>()
  if (ids.length === 0) return out
  const rows = sqlite
    .prepare<number[], OutcomeRow>(
      `SELECT inspection_id AS inspectionId, outcome, quantity FROM inspection_outcomes
        WHERE inspection_id IN (${ids.map(() => '?').join(', ')})`,
    )
    .all(...ids)
  for (const r of rows) out.set(r.inspectionId, [...(out.get(r.inspectionId) ?? []), r])
  return out
}
