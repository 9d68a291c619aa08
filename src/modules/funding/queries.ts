/**
 * The funding module's SQL (docs/rules.md §12): funding sources, capital receipts, and each source's figures read
 * from its journal lines. Capital receipts are append-only.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { capitalReceipts, fundingSources } from '../../db/schema-funding.js'

export type FundingSourceRow = typeof fundingSources.$inferSelect
export type CapitalReceiptRow = Omit<typeof capitalReceipts.$inferSelect, 'createdAt'> & { createdAt: string }

/** Net balances of one source's accounts as of a value date (debit − credit). */
export interface SourceFigures {
  capital: number
  receivable: number
  writtenOff: number
  cashAtBranch: number
  cashAtPoints: number
  /** disbursed: the branch cash paid out on loans */
  disbursed: number
}

const SOURCE_COLUMNS = `code, name, kind, region, branch_id AS branchId, capital_since AS capitalSince,
  created_at AS createdAt`
const RECEIPT_COLUMNS = `id, funding_source AS fundingSource, amount, value_date AS valueDate, decision_no AS decisionNo,
  note, journal_entry_id AS journalEntryId, created_by AS createdBy, created_at AS createdAt`

export const fundingQueries = perConnection((sqlite) => ({
  all: sqlite.prepare<[], FundingSourceRow>(`SELECT ${SOURCE_COLUMNS} FROM funding_sources ORDER BY code`),
  byCode: sqlite.prepare<[string], FundingSourceRow>(`SELECT ${SOURCE_COLUMNS} FROM funding_sources WHERE code = ?`),
  insert: sqlite.prepare<[string, string, string, string | null, number | null, string]>(
    'INSERT INTO funding_sources (code, name, kind, region, branch_id, capital_since) VALUES (?, ?, ?, ?, ?, ?)',
  ),
  // Not a money row: the date the source came under capital control, set once by its first capital receipt.
  controlFrom: sqlite.prepare<[string, string]>(
    'UPDATE funding_sources SET capital_since = ? WHERE code = ? AND capital_since IS NULL',
  ),
  insertReceipt: sqlite.prepare<[string, number, string, string, string | null, number, number]>(
    `INSERT INTO capital_receipts (funding_source, amount, value_date, decision_no, note, journal_entry_id, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ),
  receipt: sqlite.prepare<[number], CapitalReceiptRow>(`SELECT ${RECEIPT_COLUMNS} FROM capital_receipts WHERE id = ?`),
  receipts: sqlite.prepare<[string], CapitalReceiptRow>(
    `SELECT ${RECEIPT_COLUMNS} FROM capital_receipts WHERE funding_source = ? ORDER BY value_date, id`,
  ),
  figures: sqlite.prepare<[string, string], SourceFigures>(`SELECT
      COALESCE(SUM(CASE WHEN l.account = 'capital' THEN l.credit - l.debit END), 0) AS capital,
      COALESCE(SUM(CASE WHEN l.account = 'loans_receivable' THEN l.debit - l.credit END), 0) AS receivable,
      COALESCE(SUM(CASE WHEN l.account = 'write_off_losses' THEN l.debit - l.credit END), 0) AS writtenOff,
      COALESCE(SUM(CASE WHEN l.account = 'cash_at_branch' THEN l.debit - l.credit END), 0) AS cashAtBranch,
      COALESCE(SUM(CASE WHEN l.account = 'cash_at_transaction_point' THEN l.debit - l.credit END), 0) AS cashAtPoints,
      COALESCE(SUM(CASE WHEN l.account = 'cash_at_branch' AND l.loan_id IS NOT NULL THEN l.credit - l.debit END), 0)
        AS disbursed
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    WHERE l.funding_source = ? AND e.value_date <= ?`),
  policyTopUp: sqlite.prepare<
    [string],
    { capAmount: number | null; factorPct: number | null; priorityOnly: number; fundingSource: string }
  >(
    'SELECT top_up_cap_amount AS capAmount, top_up_factor_pct AS factorPct, top_up_priority_only AS priorityOnly, ' +
      'funding_source AS fundingSource FROM local_policies WHERE code = ?',
  ),
  // The guard on the disbursement path, whatever the date: capital − receivable − losses is the net credit of the
  // three accounts.
  available: sqlite
    .prepare<[string], number>(
      `SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines
      WHERE account IN ('capital', 'loans_receivable', 'write_off_losses') AND funding_source = ?`,
    )
    .pluck(),
}))

export function sourceByCode(sqlite: Database.Database, code: string): FundingSourceRow | undefined {
  return fundingQueries(sqlite).byCode.get(code)
}
