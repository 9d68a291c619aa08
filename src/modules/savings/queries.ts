/**
 * The savings module's SQL: prepared once per connection, rows typed from the
 * drizzle schema. Savings transactions are append-only (triggers refuse UPDATE
 * and DELETE: a balance is their replay); an account is updated only in its
 * monthly commitment, a withdrawal only from pending_approval (paid or
 * rejected), the settings row only by an admin.
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type {
  groups,
  households,
  savingsAccounts,
  savingsSettings,
  savingsTransactions,
  savingsWithdrawals,
  transactionPoints,
} from '../../db/schema.js'

type Account = typeof savingsAccounts.$inferSelect
type Household = typeof households.$inferSelect
type Transaction = typeof savingsTransactions.$inferSelect
type Withdrawal = typeof savingsWithdrawals.$inferSelect

/** An account with its household, owners and the sums its view needs (balance, reserved by pending withdrawals). */
export type AccountRow = Omit<Account, 'updatedAt'> &
  Pick<Household, 'headName' | 'nationalId' | 'groupId'> & {
    partnerId: (typeof groups.$inferSelect)['partnerId']
    branchId: (typeof transactionPoints.$inferSelect)['branchId']
    balance: number
    pendingWithdrawals: number
  }
export type SettingsRow = Omit<typeof savingsSettings.$inferSelect, 'id'>
/** Where a household's account is kept and who may see it. */
export type HouseholdOwnerRow = Pick<Household, 'id' | 'groupId'> & {
  partnerId: number
  branchId: number
  transactionPointId: number
}
export type SessionAccountRow = Pick<Account, 'id' | 'fundingSource' | 'status'>
export type WithdrawalRow = Omit<Withdrawal, 'updatedAt'>
export type MovementRow = Pick<Transaction, 'id' | 'kind' | 'amount' | 'valueDate'>
export type StatementMovementRow = MovementRow & Pick<Transaction, 'reference' | 'collectionSessionId' | 'withdrawalId'>
export type PointReportRow = {
  branchId: number
  transactionPointId: number
  transactionPoint: string
  accounts: number
  deposits: number
  withdrawals: number
  balance: number
  monthlyCommitment: number
}
/** A new movement; `postedOn`, `createdBy` from the command. */
export type NewSavingsTransaction = Pick<
  Transaction,
  'accountId' | 'kind' | 'amount' | 'valueDate' | 'postedOn' | 'transactionPointId' | 'journalEntryId' | 'createdBy'
> &
  Partial<Pick<Transaction, 'collectionSessionId' | 'withdrawalId' | 'reference'>>

const ACCOUNT_SELECT = `SELECT a.id, a.household_id AS householdId, h.head_name AS headName, h.national_id
  AS nationalId, h.group_id AS groupId,
  g.partner_id AS partnerId, a.transaction_point_id AS transactionPointId, tp.branch_id AS branchId, a.funding_source
  AS fundingSource,
  a.monthly_commitment AS monthlyCommitment, a.status, a.opened_on AS openedOn, a.created_by AS createdBy,
  a.created_at AS createdAt,
  COALESCE((SELECT SUM(CASE t.kind WHEN 'deposit' THEN t.amount ELSE -t.amount END) FROM savings_transactions
  t WHERE t.account_id = a.id), 0) AS balance,
  COALESCE((SELECT SUM(w.amount) FROM savings_withdrawals w WHERE w.account_id = a.id AND w.status = 'pending_approval'),
  0) AS pendingWithdrawals
  FROM savings_accounts a JOIN households h ON h.id = a.household_id JOIN groups g ON g.id = h.group_id
  JOIN transaction_points tp ON tp.id = a.transaction_point_id`
const WITHDRAWAL_SELECT = `SELECT id, account_id AS accountId, amount, value_date AS valueDate, reference,
  status, proposed_by AS proposedBy, decided_by AS decidedBy,
  decided_on AS decidedOn, rejection_reason AS rejectionReason, created_at AS createdAt FROM savings_withdrawals`

/** The module's prepared statements for this connection. */
export const savingsQueries = perConnection((sqlite) => ({
  account: sqlite.prepare<[number], AccountRow>(`${ACCOUNT_SELECT} WHERE a.id = ?`),
  accountOfHousehold: sqlite
    .prepare<[number], number>('SELECT id FROM savings_accounts WHERE household_id = ?')
    .pluck(),
  sessionAccount: sqlite.prepare<[number], SessionAccountRow>(
    'SELECT id, funding_source AS fundingSource, status FROM savings_accounts WHERE household_id = ?',
  ),
  householdOwner: sqlite.prepare<
    [number],
    HouseholdOwnerRow
  >(`SELECT h.id, h.group_id AS groupId, g.partner_id AS partnerId, p.branch_id AS branchId, g.transaction_point_id
    AS transactionPointId
      FROM households h JOIN groups g ON g.id = h.group_id JOIN partners p ON p.id = g.partner_id WHERE h.id
    = ?`),
  insertAccount: sqlite.prepare<
    [number, number, string, number, string, number]
  >(`INSERT INTO savings_accounts (household_id, transaction_point_id, funding_source, monthly_commitment,
    status, opened_on, created_by)
      VALUES (?, ?, ?, ?, 'open', ?, ?)`),
  setCommitment: sqlite.prepare<[number, string, number]>(
    'UPDATE savings_accounts SET monthly_commitment = ?, updated_at = ? WHERE id = ?',
  ),
  /** household ids as a JSON array */
  commitments: sqlite.prepare<[string], { householdId: number; commitment: number }>(
    'SELECT household_id AS householdId, monthly_commitment AS commitment FROM savings_accounts WHERE ' +
      "status = 'open' AND household_id IN (SELECT value FROM json_each(?))",
  ),
  settings: sqlite.prepare<[], SettingsRow>(
    'SELECT withdrawal_approval_threshold AS withdrawalApprovalThreshold, updated_by AS updatedBy, ' +
      'updated_at AS updatedAt FROM savings_settings WHERE id = 1',
  ),
  updateSettings: sqlite.prepare<[number, number, string]>(
    'UPDATE savings_settings SET withdrawal_approval_threshold = ?, updated_by = ?, updated_at = ? WHERE id = 1',
  ),
  insertTransaction: sqlite.prepare<
    [number, string, number, string, string, number, number | null, number | null, number | null, string | null, number]
  >(
    `INSERT INTO savings_transactions (account_id, kind, amount, value_date, posted_on, transaction_point_id,
      collection_session_id, withdrawal_id, journal_entry_id, reference, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  transaction: sqlite.prepare<
    [number],
    Transaction
  >(`SELECT id, account_id AS accountId, kind, amount, value_date AS valueDate, posted_on AS postedOn, transaction_point_id
    AS transactionPointId,
      collection_session_id AS collectionSessionId, withdrawal_id AS withdrawalId, journal_entry_id AS journalEntryId,
    reference, created_by AS createdBy, created_at AS createdAt
      FROM savings_transactions WHERE id = ?`),
  movements: sqlite.prepare<[number], MovementRow>(
    'SELECT id, kind, amount, value_date AS valueDate FROM savings_transactions WHERE account_id = ? ORDER ' +
      'BY value_date, id',
  ),
  statementMovements: sqlite.prepare<
    [number, string],
    StatementMovementRow
  >(`SELECT id, kind, amount, value_date AS valueDate, reference, collection_session_id AS collectionSessionId,
    withdrawal_id AS withdrawalId
      FROM savings_transactions WHERE account_id = ? AND value_date <= ? ORDER BY value_date, id`),
  /** Savings cash at a point on a date (sessions and counter alike). */
  atPoint: sqlite.prepare<
    [number, string],
    { deposits: number; withdrawals: number }
  >(`SELECT COALESCE(SUM(CASE kind WHEN 'deposit' THEN amount ELSE 0 END), 0) AS deposits,
      COALESCE(SUM(CASE kind WHEN 'withdrawal' THEN amount ELSE 0 END), 0) AS withdrawals
      FROM savings_transactions WHERE transaction_point_id = ? AND value_date = ?`),
  withdrawal: sqlite.prepare<[number], WithdrawalRow>(`${WITHDRAWAL_SELECT} WHERE id = ?`),
  withdrawalOfAccount: sqlite.prepare<[number, number], WithdrawalRow>(
    `${WITHDRAWAL_SELECT} WHERE id = ? AND account_id = ?`,
  ),
  /** `status` null: every withdrawal of the account */
  withdrawalIds: sqlite
    .prepare<[{ account: number; status: string | null }], number>(
      'SELECT id FROM savings_withdrawals WHERE account_id = @account AND (@status IS NULL OR status = ' +
        '@status) ORDER BY id',
    )
    .pluck(),
  transactionOfWithdrawal: sqlite
    .prepare<[number], number>('SELECT id FROM savings_transactions WHERE withdrawal_id = ?')
    .pluck(),
  insertWithdrawal: sqlite.prepare<
    [number, number, string, string | null, Withdrawal['status'], number, number | null, string | null]
  >(
    `INSERT INTO savings_withdrawals (account_id, amount, value_date, reference, status, proposed_by, decided_by,
      decided_on)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ),
  payWithdrawal: sqlite.prepare<[number, string, string, number]>(
    "UPDATE savings_withdrawals SET status = 'paid', decided_by = ?, decided_on = ?, updated_at = ? WHERE id = ?",
  ),
  rejectWithdrawal: sqlite.prepare<[number, string, string, string, number]>(
    "UPDATE savings_withdrawals SET status = 'rejected', decided_by = ?, decided_on = ?, rejection_reason = " +
      '?, updated_at = ? WHERE id = ?',
  ),
}))

/** Appends one savings movement; returns its id. */
export function insertSavingsTransaction(sqlite: Database.Database, t: NewSavingsTransaction): number {
  return Number(
    savingsQueries(sqlite).insertTransaction.run(
      t.accountId,
      t.kind,
      t.amount,
      t.valueDate,
      t.postedOn,
      t.transactionPointId,
      t.collectionSessionId ?? null,
      t.withdrawalId ?? null,
      t.journalEntryId,
      t.reference ?? null,
      t.createdBy,
    ).lastInsertRowid,
  )
}

/**
 * One page of accounts by id; `where` are conditions on a (account), h (household), g (group) and tp (point)
 * with named parameters in `params` (filters and scope vary per call: not prepared once).
 */
export function accountsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): AccountRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], AccountRow>(
      `${ACCOUNT_SELECT} WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT @limit`,
    )
    .all(params)
}

/**
 * Savings per transaction point as of `@asOf`, within `scope` (a condition on tp and g; the scope varies per
 * caller).
 */
export function savingsPerPoint(
  sqlite: Database.Database,
  scope: string,
  params: Record<string, unknown>,
): PointReportRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], PointReportRow>(
      `SELECT tp.branch_id AS branchId, a.transaction_point_id AS transactionPointId, tp.name AS transactionPoint,
        COUNT(*) AS accounts,
      SUM(COALESCE(x.deposits, 0)) AS deposits, SUM(COALESCE(x.withdrawals, 0)) AS withdrawals, SUM(COALESCE(x.deposits,
        0) - COALESCE(x.withdrawals, 0)) AS balance,
      SUM(CASE WHEN a.status = 'open' THEN a.monthly_commitment ELSE 0 END) AS monthlyCommitment
    FROM savings_accounts a JOIN households h ON h.id = a.household_id JOIN groups g ON g.id = h.group_id
        JOIN transaction_points tp ON tp.id = a.transaction_point_id
    LEFT JOIN (SELECT account_id, SUM(CASE kind WHEN 'deposit' THEN amount ELSE 0 END) AS deposits, SUM(CASE
        kind WHEN 'withdrawal' THEN amount ELSE 0 END) AS withdrawals
      FROM savings_transactions WHERE value_date <= @asOf GROUP BY account_id) x ON x.account_id = a.id
    WHERE (a.opened_on <= @asOf OR x.account_id IS NOT NULL) AND ${scope}
    GROUP BY tp.branch_id, a.transaction_point_id ORDER BY tp.branch_id, a.transaction_point_id`,
    )
    .all(params)
}
