/**
 * SQL of entrustment contracts by level (docs/rules.md §23): contracts with their end (an end record brings the
 * last day forward; nothing is edited), the partner tree they are resolved on, prepared once per connection.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { partners } from '../../db/schema.js'

type Partner = typeof partners.$inferSelect

export interface ContractRow {
  id: number
  partnerId: number
  partnerCode: string
  partnerName: string
  level: Partner['level']
  officeId: number
  officeCode: string
  contractNo: string
  signedOn: string
  effectiveFrom: string
  /** The last day in force: the end record's, else the signed one; null: open. */
  effectiveTo: string | null
  signedEffectiveTo: string | null
  endReference: string | null
  entrustmentFeeRatePpm: number
  groupCommissionRatePpm: number
  createdBy: number
  createdAt: string
}

export const CONTRACT_SELECT = `SELECT c.id, c.partner_id AS partnerId, p.code AS partnerCode, p.name AS partnerName,
    p.level, c.office_id AS officeId, o.code AS officeCode, c.contract_no AS contractNo, c.signed_on AS signedOn,
    c.effective_from AS effectiveFrom, COALESCE(e.effective_to, c.effective_to) AS effectiveTo,
    c.effective_to AS signedEffectiveTo, e.reference AS endReference,
    c.entrustment_fee_rate_ppm AS entrustmentFeeRatePpm, c.group_commission_rate_ppm AS groupCommissionRatePpm,
    c.created_by AS createdBy, c.created_at AS createdAt
  FROM entrustment_contracts c JOIN partners p ON p.id = c.partner_id JOIN offices o ON o.id = c.office_id
  LEFT JOIN entrustment_contract_ends e ON e.contract_id = c.id`

/**
 * Every (partner, ancestor-or-self) pair of the partner tree: `@scope`-style conditions on `q` (the partner below)
 * select the ancestors whose contracts pay for the groups of the partners in scope.
 */
export const PARTNER_UP = `WITH RECURSIVE up(id, ancestor) AS (SELECT id, id FROM partners
    UNION SELECT up.id, p.parent_id FROM up JOIN partners p ON p.id = up.ancestor WHERE p.parent_id IS NOT NULL)`

export const contractQueries = perConnection((sqlite) => ({
  contract: sqlite.prepare<[number], ContractRow>(`${CONTRACT_SELECT} WHERE c.id = ?`),
  ofPartner: sqlite.prepare<[number], ContractRow>(`${CONTRACT_SELECT} WHERE c.partner_id = ? ORDER BY c.id`),
  /** Contracts in force on a date (their ends applied), any partner: what the month's fees are resolved on. */
  inForceOn: sqlite.prepare<[{ date: string }], ContractRow>(
    `${CONTRACT_SELECT} WHERE c.effective_from <= @date
      AND (COALESCE(e.effective_to, c.effective_to) IS NULL OR COALESCE(e.effective_to, c.effective_to) >= @date)
      ORDER BY c.id`,
  ),
  idByNo: sqlite.prepare<[string], number>('SELECT id FROM entrustment_contracts WHERE contract_no = ?').pluck(),
  partner: sqlite.prepare<[number], Pick<Partner, 'id' | 'code' | 'level' | 'officeId'>>(
    'SELECT id, code, level, office_id AS officeId FROM partners WHERE id = ?',
  ),
  /** The whole partner tree, child → parent (small: one row per partner). */
  parents: sqlite.prepare<[], { id: number; parentId: number | null }>(
    'SELECT id, parent_id AS parentId FROM partners',
  ),
  insert: sqlite.prepare<[number, string, string, string, string | null, number, number, number, number]>(
    'INSERT INTO entrustment_contracts (partner_id, contract_no, signed_on, effective_from, effective_to, office_id, ' +
      'entrustment_fee_rate_ppm, group_commission_rate_ppm, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  insertEnd: sqlite.prepare<[number, string, string, number]>(
    'INSERT INTO entrustment_contract_ends (contract_id, effective_to, reference, created_by) VALUES (?, ?, ?, ?)',
  ),
}))

/** One page of contracts by id; `where` with named parameters (the filters and the scope vary per call). */
export function contractsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): ContractRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], ContractRow>(
      `${CONTRACT_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT @limit`,
    )
    .all(params)
}
