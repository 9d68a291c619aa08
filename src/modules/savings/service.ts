/**
 * Members' savings (docs/rules.md §9, §11). Each member household
 * has one savings account; its balance is the replay of append-only movements
 * (`savings_transactions`: deposits and withdrawals, integer VND), never
 * negative at any value date (src/domain/savings.ts).
 *
 * Ledger: members' savings are held under the CENTRAL fund (transaction points
 * have no fund of their own; the savings are the bank's liability to its
 * members, whatever programme their loans belong to). Every movement posts one
 * balanced entry in the same transaction: deposit Dr cash_at_transaction_point
 * / Cr savings_deposits (the savings liability account); withdrawal the
 * reverse. The movement row carries its entry's id (`journal_entry_id`).
 *
 * Withdrawals: up to the threshold (`savings_settings`, default 2,000,000 VND,
 * admin-editable) they are paid at once. Above it they wait as
 * `pending_approval` and RESERVE the amount (what is available = balance −
 * pending withdrawals); a different user — a branch manager of the branch or
 * an admin — approves (FOUR_EYES otherwise) and only then does money move,
 * with the approval's business date as value date (the cash leaves then); the
 * balance is checked again at approval. Rejection releases the reservation.
 *
 * Sessions: the collection session posts each line's savings through
 * `recordSessionSavings` (the account is opened when missing). The older
 * `savings_deposits` table stays the session's per-line record of what was
 * handed in (and the history from before accounts existed); the money is here.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import { type Actor, READ_ALL_ROLES, assertInScope, inScope } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { statement } from '../../platform/database.js'
import { postJournal } from '../ledger/journal.js'
import { availableToWithdraw, statementOf, type SavingsMovement } from '../../domain/savings.js'

export const SAVINGS_FUND = 'central'

export interface AccountRow {
  id: number; householdId: number; headName: string; nationalId: string; groupId: number; partnerId: number
  transactionPointId: number; branchId: number; fundingSource: string; monthlyCommitment: number; status: 'open' | 'closed'
  openedOn: string; createdBy: number; createdAt: string; balance: number; pendingWithdrawals: number
}

const ACCOUNT_SELECT = `SELECT a.id, a.household_id AS householdId, h.head_name AS headName, h.national_id AS nationalId, h.group_id AS groupId,
  g.partner_id AS partnerId, a.transaction_point_id AS transactionPointId, tp.branch_id AS branchId, a.funding_source AS fundingSource,
  a.monthly_commitment AS monthlyCommitment, a.status, a.opened_on AS openedOn, a.created_by AS createdBy, a.created_at AS createdAt,
  COALESCE((SELECT SUM(CASE t.kind WHEN 'deposit' THEN t.amount ELSE -t.amount END) FROM savings_transactions t WHERE t.account_id = a.id), 0) AS balance,
  COALESCE((SELECT SUM(w.amount) FROM savings_withdrawals w WHERE w.account_id = a.id AND w.status = 'pending_approval'), 0) AS pendingWithdrawals
  FROM savings_accounts a JOIN households h ON h.id = a.household_id JOIN groups g ON g.id = h.group_id
  JOIN transaction_points tp ON tp.id = a.transaction_point_id`

function accountView(r: AccountRow) {
  return {
    id: r.id, householdId: r.householdId, headName: r.headName, nationalId: r.nationalId, groupId: r.groupId, partnerId: r.partnerId,
    transactionPointId: r.transactionPointId, branchId: r.branchId, fundingSource: r.fundingSource, status: r.status, openedOn: r.openedOn,
    monthlyCommitment: r.monthlyCommitment, balance: r.balance, pendingWithdrawals: r.pendingWithdrawals,
    available: Math.max(0, r.balance - r.pendingWithdrawals), createdBy: r.createdBy, createdAt: r.createdAt,
  }
}
export type AccountView = ReturnType<typeof accountView>

function loadAccount(sqlite: Database.Database, actor: Actor, id: number): AccountRow {
  const row = statement(sqlite, `${ACCOUNT_SELECT} WHERE a.id = ?`).get(id) as AccountRow | undefined
  if (!row) throw notFound('Savings account', id)
  assertInScope(actor, row, 'Savings account', id)
  return row
}

export function getAccount(sqlite: Database.Database, actor: Actor, id: number): AccountView {
  return accountView(loadAccount(sqlite, actor, id))
}

export function listAccounts(sqlite: Database.Database, actor: Actor, q: { householdId?: number; transactionPointId?: number; groupId?: number }, afterId: number, limit: number): AccountView[] {
  const where = ['a.id > @after']
  if (q.householdId) where.push('a.household_id = @household')
  if (q.transactionPointId) where.push('a.transaction_point_id = @point')
  if (q.groupId) where.push('h.group_id = @group')
  if (actor.role === 'partner_officer') where.push('g.partner_id = @scope')
  else if (!READ_ALL_ROLES.includes(actor.role)) where.push('tp.branch_id = @scope')
  const rows = sqlite.prepare(`${ACCOUNT_SELECT} WHERE ${where.join(' AND ')} ORDER BY a.id LIMIT @limit`).all({
    after: afterId, household: q.householdId ?? null, point: q.transactionPointId ?? null, group: q.groupId ?? null,
    scope: (actor.role === 'partner_officer' ? actor.partnerId : actor.branchId) ?? -1, limit: limit + 1,
  }) as AccountRow[]
  return rows.map(accountView)
}

// ---------------------------------------------------------------------------
// Settings

export function savingsSettings(sqlite: Database.Database): { withdrawalApprovalThreshold: number; updatedBy: number | null; updatedAt: string | null } {
  return statement(sqlite, 'SELECT withdrawal_approval_threshold AS withdrawalApprovalThreshold, updated_by AS updatedBy, updated_at AS updatedAt FROM savings_settings WHERE id = 1').get() as never
}

/** Admin: sets the amount above which a withdrawal needs a second person's approval. */
export function updateSavingsSettings(ctx: CommandContext, input: { withdrawalApprovalThreshold: number }) {
  const before = savingsSettings(ctx.sqlite)
  ctx.sqlite.prepare('UPDATE savings_settings SET withdrawal_approval_threshold = ?, updated_by = ?, updated_at = ? WHERE id = 1')
    .run(input.withdrawalApprovalThreshold, ctx.actor.userId, new Date().toISOString())
  ctx.audit({ action: 'savings_settings.update', entity: 'savings_settings', entityId: 1, before: { withdrawalApprovalThreshold: before.withdrawalApprovalThreshold }, after: input })
  return savingsSettings(ctx.sqlite)
}

// ---------------------------------------------------------------------------
// Opening and commitment

interface HouseholdOwner { id: number; groupId: number; partnerId: number; branchId: number; transactionPointId: number }

function householdOwner(sqlite: Database.Database, householdId: number): HouseholdOwner | undefined {
  return statement(sqlite, `SELECT h.id, h.group_id AS groupId, g.partner_id AS partnerId, p.branch_id AS branchId, g.transaction_point_id AS transactionPointId
    FROM households h JOIN groups g ON g.id = h.group_id JOIN partners p ON p.id = g.partner_id WHERE h.id = ?`).get(householdId) as HouseholdOwner | undefined
}

function insertAccount(ctx: CommandContext, householdId: number, transactionPointId: number, openedOn: string, monthlyCommitment: number): number {
  return Number(statement(ctx.sqlite, `INSERT INTO savings_accounts (household_id, transaction_point_id, funding_source, monthly_commitment, status, opened_on, created_by)
    VALUES (?, ?, ?, ?, 'open', ?, ?)`).run(householdId, transactionPointId, SAVINGS_FUND, monthlyCommitment, openedOn, ctx.actor.userId).lastInsertRowid)
}

/**
 * Opens the household's savings account at its group's transaction point.
 * Errors: REFERENCE_NOT_FOUND (household unknown or outside the caller's scope),
 * SAVINGS_ACCOUNT_EXISTS (409, with accountId).
 */
export function openAccount(ctx: CommandContext, input: { householdId: number; monthlyCommitment?: number }): AccountView {
  const owner = householdOwner(ctx.sqlite, input.householdId)
  if (!owner || !inScope(ctx.actor, owner)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Household ${input.householdId} does not exist`, { errors: [{ field: 'body.householdId', message: 'no such household' }] })
  }
  const existing = statement(ctx.sqlite, 'SELECT id FROM savings_accounts WHERE household_id = ?').pluck().get(input.householdId) as number | undefined
  if (existing !== undefined) throw new DomainError('SAVINGS_ACCOUNT_EXISTS', `Household ${input.householdId} already has savings account ${existing}`, { accountId: existing })
  const id = insertAccount(ctx, owner.id, owner.transactionPointId, ctx.businessDate, input.monthlyCommitment ?? 0)
  ctx.audit({ action: 'savings_account.open', entity: 'savings_account', entityId: id, after: { householdId: owner.id, transactionPointId: owner.transactionPointId, monthlyCommitment: input.monthlyCommitment ?? 0 } })
  return getAccount(ctx.sqlite, ctx.actor, id)
}

/** Sets the amount the member agreed to save each month (the collection sheet's "savings expected"). Errors: NOT_FOUND, INVALID_STATE (closed). */
export function setCommitment(ctx: CommandContext, id: number, monthlyCommitment: number): AccountView {
  const row = loadAccount(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'open') throw new DomainError('INVALID_STATE', `Savings account ${id} is closed`)
  ctx.sqlite.prepare('UPDATE savings_accounts SET monthly_commitment = ?, updated_at = ? WHERE id = ?').run(monthlyCommitment, new Date().toISOString(), id)
  ctx.audit({ action: 'savings_account.commitment', entity: 'savings_account', entityId: id, before: { monthlyCommitment: row.monthlyCommitment }, after: { monthlyCommitment } })
  return getAccount(ctx.sqlite, ctx.actor, id)
}

/** Monthly commitment of each household's open account (0 when it has none): the collection sheet's "savings expected". */
export function expectedSavingsByHousehold(sqlite: Database.Database, householdIds: number[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const id of householdIds) out.set(id, 0)
  if (householdIds.length === 0) return out
  const stmt = statement(sqlite, "SELECT household_id AS householdId, monthly_commitment AS commitment FROM savings_accounts WHERE status = 'open' AND household_id IN (SELECT value FROM json_each(?))")
  for (const r of stmt.all(JSON.stringify(householdIds)) as { householdId: number; commitment: number }[]) out.set(r.householdId, r.commitment)
  return out
}

// ---------------------------------------------------------------------------
// Money movements

function assertDayOpen(sqlite: Database.Database, transactionPointId: number, valueDate: string): void {
  const closed = statement(sqlite, "SELECT id FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND status = 'closed' LIMIT 1").pluck().get(transactionPointId, valueDate) as number | undefined
  if (closed !== undefined) {
    throw new DomainError('RECONCILIATION_CLOSED', `Transaction point ${transactionPointId} is reconciled and closed for ${valueDate} (reconciliation ${closed}); nothing more can be posted into that day`, { reconciliationId: closed })
  }
}

function assertNotFuture(valueDate: string, businessDate: string): void {
  if (valueDate > businessDate) throw new DomainError('DATE_IN_FUTURE', `valueDate ${valueDate} is after the business date ${businessDate}`)
}

interface Movement { accountId: number; householdId: number; fundingSource: string; kind: 'deposit' | 'withdrawal'; amount: number; valueDate: string; transactionPointId: number; collectionSessionId?: number | null; withdrawalId?: number | null; reference?: string | null; description: string }

/** Posts the movement's journal entry, then the movement carrying the entry's id. Returns the movement id. */
function postMovement(ctx: CommandContext, m: Movement): { transactionId: number; journalEntryId: number } {
  if (!Number.isSafeInteger(m.amount) || m.amount <= 0) throw new DomainError('INVALID_AMOUNT', 'amount must be a positive whole number of VND')
  const cash = { account: 'cash_at_transaction_point' as const, fundingSource: m.fundingSource }
  const savings = { account: 'savings_deposits' as const, fundingSource: m.fundingSource }
  const entryId = postJournal(ctx.sqlite, {
    kind: m.kind === 'deposit' ? 'savings_deposit' : 'savings_withdrawal', valueDate: m.valueDate, postedOn: ctx.businessDate, description: m.description,
    lines: m.kind === 'deposit' ? [{ ...cash, debit: m.amount }, { ...savings, credit: m.amount }] : [{ ...savings, debit: m.amount }, { ...cash, credit: m.amount }],
  })!
  const transactionId = Number(statement(ctx.sqlite, `INSERT INTO savings_transactions (account_id, kind, amount, value_date, posted_on, transaction_point_id, collection_session_id, withdrawal_id, journal_entry_id, reference, created_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(m.accountId, m.kind, m.amount, m.valueDate, ctx.businessDate, m.transactionPointId, m.collectionSessionId ?? null, m.withdrawalId ?? null, entryId, m.reference ?? null, ctx.actor.userId).lastInsertRowid)
  return { transactionId, journalEntryId: entryId }
}

function movementsOf(sqlite: Database.Database, accountId: number): SavingsMovement[] {
  return statement(sqlite, 'SELECT id, kind, amount, value_date AS valueDate FROM savings_transactions WHERE account_id = ? ORDER BY value_date, id').all(accountId) as SavingsMovement[]
}

function insufficient(accountId: number, amount: number, available: number, valueDate: string, pending: number): DomainError {
  return new DomainError('INSUFFICIENT_SAVINGS', `Savings account ${accountId} cannot pay ${amount} VND on ${valueDate}: at most ${available} VND is available${pending > 0 ? ` (${pending} VND is reserved by withdrawals awaiting approval)` : ''}`, { available, reserved: pending })
}

/**
 * Called by the collection session for each line's savings (also on the writer
 * thread: plain synchronous statements on ctx.sqlite). Opens the household's
 * account at the session's point when it has none, then posts the deposit and
 * its journal entry. The session has already checked scope, dates and the
 * closed-day guard of the point.
 */
export function recordSessionSavings(ctx: CommandContext, input: { householdId: number; loanId: number; amount: number; collectionSessionId: number; valueDate: string; transactionPointId: number }) {
  let account = statement(ctx.sqlite, 'SELECT id, funding_source AS fundingSource, status FROM savings_accounts WHERE household_id = ?').get(input.householdId) as { id: number; fundingSource: string; status: string } | undefined
  if (!account) {
    const id = insertAccount(ctx, input.householdId, input.transactionPointId, input.valueDate, 0)
    ctx.audit({ action: 'savings_account.open', entity: 'savings_account', entityId: id, after: { householdId: input.householdId, transactionPointId: input.transactionPointId, openedBy: `collection session ${input.collectionSessionId}` } })
    account = { id, fundingSource: SAVINGS_FUND, status: 'open' }
  }
  if (account.status !== 'open') throw new DomainError('INVALID_STATE', `household ${input.householdId}'s savings account ${account.id} is closed`)
  return {
    accountId: account.id,
    ...postMovement(ctx, {
      accountId: account.id, householdId: input.householdId, fundingSource: account.fundingSource, kind: 'deposit', amount: input.amount, valueDate: input.valueDate,
      transactionPointId: input.transactionPointId, collectionSessionId: input.collectionSessionId, reference: `session ${input.collectionSessionId}`,
      description: `Savings of loan ${input.loanId}'s household ${input.householdId} to account ${account.id}, session ${input.collectionSessionId}`,
    }),
  }
}

export interface MovementInput { amount: number; valueDate: string; reference?: string }

function transactionView(sqlite: Database.Database, id: number) {
  return statement(sqlite, `SELECT id, account_id AS accountId, kind, amount, value_date AS valueDate, posted_on AS postedOn, transaction_point_id AS transactionPointId,
    collection_session_id AS collectionSessionId, withdrawal_id AS withdrawalId, journal_entry_id AS journalEntryId, reference, created_by AS createdBy, created_at AS createdAt
    FROM savings_transactions WHERE id = ?`).get(id) as Record<string, unknown>
}

/**
 * A single deposit (cash at the counter). Errors: NOT_FOUND, INVALID_STATE (closed account),
 * DATE_IN_FUTURE, RECONCILIATION_CLOSED (409).
 */
export function deposit(ctx: CommandContext, accountId: number, input: MovementInput) {
  const row = loadAccount(ctx.sqlite, ctx.actor, accountId)
  if (row.status !== 'open') throw new DomainError('INVALID_STATE', `Savings account ${accountId} is closed`)
  assertNotFuture(input.valueDate, ctx.businessDate)
  assertDayOpen(ctx.sqlite, row.transactionPointId, input.valueDate)
  const posted = postMovement(ctx, {
    accountId, householdId: row.householdId, fundingSource: row.fundingSource, kind: 'deposit', amount: input.amount, valueDate: input.valueDate,
    transactionPointId: row.transactionPointId, reference: input.reference ?? null, description: `Savings deposit to account ${accountId} (household ${row.householdId})`,
  })
  ctx.audit({ action: 'savings.deposit', entity: 'savings_account', entityId: accountId, after: { transactionId: posted.transactionId, ...input } })
  return { transaction: transactionView(ctx.sqlite, posted.transactionId), account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

function withdrawalView(sqlite: Database.Database, id: number) {
  const w = statement(sqlite, `SELECT id, account_id AS accountId, amount, value_date AS valueDate, reference, status, proposed_by AS proposedBy, decided_by AS decidedBy,
    decided_on AS decidedOn, rejection_reason AS rejectionReason, created_at AS createdAt FROM savings_withdrawals WHERE id = ?`).get(id) as Record<string, unknown> & { id: number }
  const tx = statement(sqlite, 'SELECT id FROM savings_transactions WHERE withdrawal_id = ?').pluck().get(id) as number | undefined
  return { ...w, transactionId: tx ?? null }
}

/**
 * A withdrawal. Up to the threshold it is paid at once (status `paid`);
 * above it, it waits as `pending_approval` and reserves the amount.
 * Errors: NOT_FOUND, INVALID_STATE (closed account), DATE_IN_FUTURE,
 * RECONCILIATION_CLOSED (409), INSUFFICIENT_SAVINGS (422; with `available`).
 */
export function withdraw(ctx: CommandContext, accountId: number, input: MovementInput) {
  const row = loadAccount(ctx.sqlite, ctx.actor, accountId)
  if (row.status !== 'open') throw new DomainError('INVALID_STATE', `Savings account ${accountId} is closed`)
  assertNotFuture(input.valueDate, ctx.businessDate)
  const threshold = savingsSettings(ctx.sqlite).withdrawalApprovalThreshold
  const needsApproval = input.amount > threshold
  // A pending withdrawal is paid on its approval day: its cover is checked for that day then.
  const available = availableToWithdraw(movementsOf(ctx.sqlite, accountId), needsApproval ? ctx.businessDate : input.valueDate, row.pendingWithdrawals)
  if (input.amount > available) throw insufficient(accountId, input.amount, available, needsApproval ? ctx.businessDate : input.valueDate, row.pendingWithdrawals)
  if (!needsApproval) assertDayOpen(ctx.sqlite, row.transactionPointId, input.valueDate)
  const withdrawalId = Number(ctx.sqlite.prepare(`INSERT INTO savings_withdrawals (account_id, amount, value_date, reference, status, proposed_by, decided_by, decided_on)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(accountId, input.amount, input.valueDate, input.reference ?? null, needsApproval ? 'pending_approval' : 'paid', ctx.actor.userId,
    needsApproval ? null : ctx.actor.userId, needsApproval ? null : ctx.businessDate).lastInsertRowid)
  if (!needsApproval) {
    postMovement(ctx, {
      accountId, householdId: row.householdId, fundingSource: row.fundingSource, kind: 'withdrawal', amount: input.amount, valueDate: input.valueDate,
      transactionPointId: row.transactionPointId, withdrawalId, reference: input.reference ?? null, description: `Savings withdrawal ${withdrawalId} from account ${accountId} (household ${row.householdId})`,
    })
  }
  ctx.audit({ action: needsApproval ? 'savings.withdrawal_proposed' : 'savings.withdrawal', entity: 'savings_withdrawal', entityId: withdrawalId, after: { accountId, threshold, ...input } })
  return { withdrawal: withdrawalView(ctx.sqlite, withdrawalId), approvalThreshold: threshold, account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

function loadWithdrawal(ctx: CommandContext, accountId: number, withdrawalId: number) {
  const row = loadAccount(ctx.sqlite, ctx.actor, accountId)
  const w = ctx.sqlite.prepare('SELECT id, amount, value_date AS valueDate, reference, status, proposed_by AS proposedBy FROM savings_withdrawals WHERE id = ? AND account_id = ?')
    .get(withdrawalId, accountId) as { id: number; amount: number; valueDate: string; reference: string | null; status: string; proposedBy: number } | undefined
  if (!w) throw notFound('Savings withdrawal', withdrawalId)
  if (w.status !== 'pending_approval') throw new DomainError('INVALID_STATE', `Withdrawal ${withdrawalId} is ${w.status}, not pending_approval`)
  return { row, w }
}

/**
 * Approves and pays a pending withdrawal: a different user than the proposer
 * (branch manager of the branch, or admin). Value date = the business date.
 * Errors: NOT_FOUND, INVALID_STATE (409; not pending), FOUR_EYES (403),
 * INSUFFICIENT_SAVINGS (422), RECONCILIATION_CLOSED (409).
 */
export function approveWithdrawal(ctx: CommandContext, accountId: number, withdrawalId: number) {
  const { row, w } = loadWithdrawal(ctx, accountId, withdrawalId)
  if (w.proposedBy === ctx.actor.userId) throw new DomainError('FOUR_EYES', `Withdrawal ${withdrawalId} was proposed by you; a different person must approve it`)
  const reservedByOthers = row.pendingWithdrawals - w.amount
  const available = availableToWithdraw(movementsOf(ctx.sqlite, accountId), ctx.businessDate, reservedByOthers)
  if (w.amount > available) throw insufficient(accountId, w.amount, available, ctx.businessDate, reservedByOthers)
  assertDayOpen(ctx.sqlite, row.transactionPointId, ctx.businessDate)
  ctx.sqlite.prepare("UPDATE savings_withdrawals SET status = 'paid', decided_by = ?, decided_on = ?, updated_at = ? WHERE id = ?").run(ctx.actor.userId, ctx.businessDate, new Date().toISOString(), withdrawalId)
  postMovement(ctx, {
    accountId, householdId: row.householdId, fundingSource: row.fundingSource, kind: 'withdrawal', amount: w.amount, valueDate: ctx.businessDate,
    transactionPointId: row.transactionPointId, withdrawalId, reference: w.reference, description: `Savings withdrawal ${withdrawalId} from account ${accountId} (household ${row.householdId}), approved`,
  })
  ctx.audit({ action: 'savings.withdrawal_approved', entity: 'savings_withdrawal', entityId: withdrawalId, before: { status: 'pending_approval' }, after: { status: 'paid', valueDate: ctx.businessDate } })
  return { withdrawal: withdrawalView(ctx.sqlite, withdrawalId), account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

/** Rejects a pending withdrawal (releases its reservation; no money moves). Errors: NOT_FOUND, INVALID_STATE (409). */
export function rejectWithdrawal(ctx: CommandContext, accountId: number, withdrawalId: number, reason: string) {
  loadWithdrawal(ctx, accountId, withdrawalId)
  ctx.sqlite.prepare("UPDATE savings_withdrawals SET status = 'rejected', decided_by = ?, decided_on = ?, rejection_reason = ?, updated_at = ? WHERE id = ?")
    .run(ctx.actor.userId, ctx.businessDate, reason, new Date().toISOString(), withdrawalId)
  ctx.audit({ action: 'savings.withdrawal_rejected', entity: 'savings_withdrawal', entityId: withdrawalId, before: { status: 'pending_approval' }, after: { status: 'rejected', reason } })
  return { withdrawal: withdrawalView(ctx.sqlite, withdrawalId), account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

export function listWithdrawals(sqlite: Database.Database, actor: Actor, accountId: number, status: string | undefined) {
  loadAccount(sqlite, actor, accountId)
  const ids = sqlite.prepare(`SELECT id FROM savings_withdrawals WHERE account_id = ? ${status ? 'AND status = ?' : ''} ORDER BY id`).pluck().all(...(status ? [accountId, status] : [accountId])) as number[]
  return ids.map((id) => withdrawalView(sqlite, id))
}

// ---------------------------------------------------------------------------
// Statement

interface StatementMovement extends SavingsMovement { reference: string | null; collectionSessionId: number | null; withdrawalId: number | null }

/** Vietnamese description of a movement, for the printed statement. */
function describe(m: StatementMovement): string {
  if (m.kind === 'deposit') return m.collectionSessionId ? `Gửi tiết kiệm tại buổi giao dịch ${m.collectionSessionId}` : 'Gửi tiết kiệm tại quầy'
  return `Rút tiết kiệm${m.withdrawalId ? ` (lệnh rút ${m.withdrawalId})` : ''}`
}

export function accountStatement(sqlite: Database.Database, actor: Actor, accountId: number, from: string | undefined, to: string) {
  const row = loadAccount(sqlite, actor, accountId)
  const start = from ?? row.openedOn
  const movements = statement(sqlite, `SELECT id, kind, amount, value_date AS valueDate, reference, collection_session_id AS collectionSessionId, withdrawal_id AS withdrawalId
    FROM savings_transactions WHERE account_id = ? AND value_date <= ? ORDER BY value_date, id`).all(accountId, to) as StatementMovement[]
  const s = statementOf(movements, start, to)
  return {
    accountId, householdId: row.householdId, headName: row.headName, nationalId: row.nationalId, from: start, to,
    openingBalance: s.openingBalance, totalDeposits: s.totalDeposits, totalWithdrawals: s.totalWithdrawals, closingBalance: s.closingBalance,
    lines: s.lines.map((l) => ({
      transactionId: l.id, valueDate: l.valueDate, kind: l.kind, description: describe(l), reference: l.reference,
      deposit: l.kind === 'deposit' ? l.amount : 0, withdrawal: l.kind === 'withdrawal' ? l.amount : 0, balance: l.balance,
    })),
  }
}

// ---------------------------------------------------------------------------
// Reports

/** Savings per transaction point as of a date: accounts, balance total, deposits and withdrawals to date. */
export function savingsReport(sqlite: Database.Database, actor: Actor, asOf: string) {
  const scope = actor.role === 'partner_officer' ? 'AND g.partner_id = @scope' : READ_ALL_ROLES.includes(actor.role) ? '' : 'AND tp.branch_id = @scope'
  const items = sqlite.prepare(`SELECT tp.branch_id AS branchId, a.transaction_point_id AS transactionPointId, tp.name AS transactionPoint, COUNT(*) AS accounts,
      SUM(COALESCE(x.deposits, 0)) AS deposits, SUM(COALESCE(x.withdrawals, 0)) AS withdrawals, SUM(COALESCE(x.deposits, 0) - COALESCE(x.withdrawals, 0)) AS balance,
      SUM(CASE WHEN a.status = 'open' THEN a.monthly_commitment ELSE 0 END) AS monthlyCommitment
    FROM savings_accounts a JOIN households h ON h.id = a.household_id JOIN groups g ON g.id = h.group_id JOIN transaction_points tp ON tp.id = a.transaction_point_id
    LEFT JOIN (SELECT account_id, SUM(CASE kind WHEN 'deposit' THEN amount ELSE 0 END) AS deposits, SUM(CASE kind WHEN 'withdrawal' THEN amount ELSE 0 END) AS withdrawals
      FROM savings_transactions WHERE value_date <= @asOf GROUP BY account_id) x ON x.account_id = a.id
    WHERE (a.opened_on <= @asOf OR x.account_id IS NOT NULL) ${scope}
    GROUP BY tp.branch_id, a.transaction_point_id ORDER BY tp.branch_id, a.transaction_point_id`).all({ asOf, scope: (actor.role === 'partner_officer' ? actor.partnerId : actor.branchId) ?? -1 }) as
    { branchId: number; transactionPointId: number; transactionPoint: string; accounts: number; deposits: number; withdrawals: number; balance: number; monthlyCommitment: number }[]
  const sum = (f: 'accounts' | 'deposits' | 'withdrawals' | 'balance' | 'monthlyCommitment') => items.reduce((a, r) => a + r[f], 0)
  return { asOf, items, totals: { accounts: sum('accounts'), deposits: sum('deposits'), withdrawals: sum('withdrawals'), balance: sum('balance'), monthlyCommitment: sum('monthlyCommitment') } }
}

/** Savings moved in cash at a transaction point on a date (sessions and counter alike), for reconciliation. */
export function savingsAtPoint(sqlite: Database.Database, transactionPointId: number, date: string): { deposits: number; withdrawals: number; net: number } {
  const r = statement(sqlite, `SELECT COALESCE(SUM(CASE kind WHEN 'deposit' THEN amount ELSE 0 END), 0) AS deposits, COALESCE(SUM(CASE kind WHEN 'withdrawal' THEN amount ELSE 0 END), 0) AS withdrawals
    FROM savings_transactions WHERE transaction_point_id = ? AND value_date = ?`).get(transactionPointId, date) as { deposits: number; withdrawals: number }
  return { ...r, net: r.deposits - r.withdrawals }
}
