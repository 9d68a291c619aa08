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
import type { Actor } from '../../platform/auth.js'
import { assertInScope, inScope, scopeSql } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { reconciliationQueries } from '../reconciliation/queries.js'
import { postJournal } from '../ledger/journal.js'
import { availableToWithdraw, statementOf } from '../../domain/savings.js'
import {
  accountsPage,
  insertSavingsTransaction,
  savingsPerPoint,
  savingsQueries,
  type AccountRow,
  type SettingsRow,
  type StatementMovementRow,
} from './queries.js'

export const SAVINGS_FUND = 'central'

function accountView(r: AccountRow) {
  return {
    id: r.id,
    householdId: r.householdId,
    headName: r.headName,
    nationalId: r.nationalId,
    groupId: r.groupId,
    partnerId: r.partnerId,
    transactionPointId: r.transactionPointId,
    branchId: r.branchId,
    fundingSource: r.fundingSource,
    status: r.status,
    openedOn: r.openedOn,
    monthlyCommitment: r.monthlyCommitment,
    balance: r.balance,
    pendingWithdrawals: r.pendingWithdrawals,
    available: Math.max(0, r.balance - r.pendingWithdrawals),
    createdBy: r.createdBy,
    createdAt: r.createdAt,
  }
}
export type AccountView = ReturnType<typeof accountView>

function loadAccount(sqlite: Database.Database, actor: Actor, id: number): AccountRow {
  const row = savingsQueries(sqlite).account.get(id)
  if (!row) throw notFound('Savings account', id)
  assertInScope(actor, row, 'Savings account', id)
  return row
}

export function getAccount(sqlite: Database.Database, actor: Actor, id: number): AccountView {
  return accountView(loadAccount(sqlite, actor, id))
}

export function listAccounts(
  sqlite: Database.Database,
  actor: Actor,
  q: { householdId?: number; transactionPointId?: number; groupId?: number },
  afterId: number,
  limit: number,
): AccountView[] {
  const where = ['a.id > @after']
  if (q.householdId) where.push('a.household_id = @household')
  if (q.transactionPointId) where.push('a.transaction_point_id = @point')
  if (q.groupId) where.push('h.group_id = @group')
  const scope = scopeSql(actor, { branch: 'tp.branch_id', partner: 'g.partner_id' })
  where.push(scope.sql)
  const rows = accountsPage(sqlite, where, {
    after: afterId,
    household: q.householdId ?? null,
    point: q.transactionPointId ?? null,
    group: q.groupId ?? null,
    ...scope.params,
    limit: limit + 1,
  })
  return rows.map(accountView)
}

// ---------------------------------------------------------------------------
// Settings

export function savingsSettings(sqlite: Database.Database): SettingsRow {
  return savingsQueries(sqlite).settings.get()!
}

/** Admin: sets the amount above which a withdrawal needs a second person's approval. */
export function updateSavingsSettings(ctx: CommandContext, input: { withdrawalApprovalThreshold: number }) {
  const before = savingsSettings(ctx.sqlite)
  savingsQueries(ctx.sqlite).updateSettings.run(
    input.withdrawalApprovalThreshold,
    ctx.actor.userId,
    new Date().toISOString(),
  )
  ctx.audit({
    action: 'savings_settings.update',
    entity: 'savings_settings',
    entityId: 1,
    before: { withdrawalApprovalThreshold: before.withdrawalApprovalThreshold },
    after: input,
  })
  return savingsSettings(ctx.sqlite)
}

// ---------------------------------------------------------------------------
// Opening and commitment

function insertAccount(
  ctx: CommandContext,
  householdId: number,
  transactionPointId: number,
  openedOn: string,
  monthlyCommitment: number,
): number {
  return Number(
    savingsQueries(ctx.sqlite).insertAccount.run(
      householdId,
      transactionPointId,
      SAVINGS_FUND,
      monthlyCommitment,
      openedOn,
      ctx.actor.userId,
    ).lastInsertRowid,
  )
}

/**
 * Opens the household's savings account at its group's transaction point.
 * Errors: REFERENCE_NOT_FOUND (household unknown or outside the caller's scope),
 * SAVINGS_ACCOUNT_EXISTS (409, with accountId).
 */
export function openAccount(
  ctx: CommandContext,
  input: { householdId: number; monthlyCommitment?: number },
): AccountView {
  const owner = savingsQueries(ctx.sqlite).householdOwner.get(input.householdId)
  if (!owner || !inScope(ctx.actor, owner)) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Household ${input.householdId} does not exist`, {
      errors: [{ field: 'body.householdId', message: 'no such household' }],
    })
  }
  const existing = savingsQueries(ctx.sqlite).accountOfHousehold.get(input.householdId)
  if (existing !== undefined)
    throw new DomainError(
      'SAVINGS_ACCOUNT_EXISTS',
      `Household ${input.householdId} already has savings account ${existing}`,
      { accountId: existing },
    )
  const id = insertAccount(ctx, owner.id, owner.transactionPointId, ctx.businessDate, input.monthlyCommitment ?? 0)
  ctx.audit({
    action: 'savings_account.open',
    entity: 'savings_account',
    entityId: id,
    after: {
      householdId: owner.id,
      transactionPointId: owner.transactionPointId,
      monthlyCommitment: input.monthlyCommitment ?? 0,
    },
  })
  return getAccount(ctx.sqlite, ctx.actor, id)
}

/**
 * Sets the amount the member agreed to save each month (the collection sheet's "savings expected"). Errors:
 * NOT_FOUND, INVALID_STATE (closed).
 */
export function setCommitment(ctx: CommandContext, id: number, monthlyCommitment: number): AccountView {
  const row = loadAccount(ctx.sqlite, ctx.actor, id)
  if (row.status !== 'open') throw new DomainError('INVALID_STATE', `Savings account ${id} is closed`)
  savingsQueries(ctx.sqlite).setCommitment.run(monthlyCommitment, new Date().toISOString(), id)
  ctx.audit({
    action: 'savings_account.commitment',
    entity: 'savings_account',
    entityId: id,
    before: { monthlyCommitment: row.monthlyCommitment },
    after: { monthlyCommitment },
  })
  return getAccount(ctx.sqlite, ctx.actor, id)
}

/**
 * Monthly commitment of each household's open account (0 when it has none): the collection sheet's "savings
 * expected".
 */
export function expectedSavingsByHousehold(sqlite: Database.Database, householdIds: number[]): Map<number, number> {
  const out = new Map<number, number>()
  for (const id of householdIds) out.set(id, 0)
  if (householdIds.length === 0) return out
  for (const r of savingsQueries(sqlite).commitments.all(JSON.stringify(householdIds)))
    out.set(r.householdId, r.commitment)
  return out
}

// ---------------------------------------------------------------------------
// Money movements

function assertDayOpen(sqlite: Database.Database, transactionPointId: number, valueDate: string): void {
  const closed = reconciliationQueries(sqlite).closedDay.get(transactionPointId, valueDate)
  if (closed !== undefined) {
    throw new DomainError(
      'RECONCILIATION_CLOSED',
      `Transaction point ${transactionPointId} is reconciled and closed for ${valueDate} (reconciliation ${closed}); ` +
        `nothing more can be posted into that day`,
      { reconciliationId: closed },
    )
  }
}

function assertNotFuture(valueDate: string, businessDate: string): void {
  if (valueDate > businessDate)
    throw new DomainError('DATE_IN_FUTURE', `valueDate ${valueDate} is after the business date ${businessDate}`)
}

interface Movement {
  accountId: number
  householdId: number
  fundingSource: string
  kind: 'deposit' | 'withdrawal'
  amount: number
  valueDate: string
  transactionPointId: number
  collectionSessionId?: number | null
  withdrawalId?: number | null
  reference?: string | null
  description: string
}

/** Posts the movement's journal entry, then the movement carrying the entry's id. Returns the movement id. */
function postMovement(ctx: CommandContext, m: Movement): { transactionId: number; journalEntryId: number } {
  if (!Number.isSafeInteger(m.amount) || m.amount <= 0)
    throw new DomainError('INVALID_AMOUNT', 'amount must be a positive whole number of VND')
  const cash = { account: 'cash_at_transaction_point' as const, fundingSource: m.fundingSource }
  const savings = { account: 'savings_deposits' as const, fundingSource: m.fundingSource }
  const entryId = postJournal(ctx.sqlite, {
    kind: m.kind === 'deposit' ? 'savings_deposit' : 'savings_withdrawal',
    valueDate: m.valueDate,
    postedOn: ctx.businessDate,
    description: m.description,
    lines:
      m.kind === 'deposit'
        ? [
            { ...cash, debit: m.amount },
            { ...savings, credit: m.amount },
          ]
        : [
            { ...savings, debit: m.amount },
            { ...cash, credit: m.amount },
          ],
  })!
  const transactionId = insertSavingsTransaction(ctx.sqlite, {
    accountId: m.accountId,
    kind: m.kind,
    amount: m.amount,
    valueDate: m.valueDate,
    postedOn: ctx.businessDate,
    transactionPointId: m.transactionPointId,
    collectionSessionId: m.collectionSessionId,
    withdrawalId: m.withdrawalId,
    journalEntryId: entryId,
    reference: m.reference,
    createdBy: ctx.actor.userId,
  })
  return { transactionId, journalEntryId: entryId }
}

function movementsOf(sqlite: Database.Database, accountId: number) {
  return savingsQueries(sqlite).movements.all(accountId)
}

function insufficient(
  accountId: number,
  amount: number,
  available: number,
  valueDate: string,
  pending: number,
): DomainError {
  return new DomainError(
    'INSUFFICIENT_SAVINGS',
    `Savings account ${accountId} cannot pay ${amount} VND on ${valueDate}: at most ${available} VND is available` +
      (pending > 0 ? ` (${pending} VND is reserved by withdrawals awaiting approval)` : ''),
    { available, reserved: pending },
  )
}

/**
 * Called by the collection session for each line's savings (also on the writer
 * thread: plain synchronous statements on ctx.sqlite). Opens the household's
 * account at the session's point when it has none, then posts the deposit and
 * its journal entry. The session has already checked scope, dates and the
 * closed-day guard of the point.
 */
export function recordSessionSavings(
  ctx: CommandContext,
  input: {
    householdId: number
    loanId: number
    amount: number
    collectionSessionId: number
    valueDate: string
    transactionPointId: number
  },
) {
  let account = savingsQueries(ctx.sqlite).sessionAccount.get(input.householdId)
  if (!account) {
    const id = insertAccount(ctx, input.householdId, input.transactionPointId, input.valueDate, 0)
    ctx.audit({
      action: 'savings_account.open',
      entity: 'savings_account',
      entityId: id,
      after: {
        householdId: input.householdId,
        transactionPointId: input.transactionPointId,
        openedBy: `collection session ${input.collectionSessionId}`,
      },
    })
    account = { id, fundingSource: SAVINGS_FUND, status: 'open' as const }
  }
  if (account.status !== 'open')
    throw new DomainError('INVALID_STATE', `household ${input.householdId}'s savings account ${account.id} is closed`)
  return {
    accountId: account.id,
    ...postMovement(ctx, {
      accountId: account.id,
      householdId: input.householdId,
      fundingSource: account.fundingSource,
      kind: 'deposit',
      amount: input.amount,
      valueDate: input.valueDate,
      transactionPointId: input.transactionPointId,
      collectionSessionId: input.collectionSessionId,
      reference: `session ${input.collectionSessionId}`,
      description:
        `Savings of loan ${input.loanId}'s household ${input.householdId} to account ${account.id}, ` +
        `session ${input.collectionSessionId}`,
    }),
  }
}

export interface MovementInput {
  amount: number
  valueDate: string
  reference?: string
}

function transactionView(sqlite: Database.Database, id: number) {
  return savingsQueries(sqlite).transaction.get(id)!
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
    accountId,
    householdId: row.householdId,
    fundingSource: row.fundingSource,
    kind: 'deposit',
    amount: input.amount,
    valueDate: input.valueDate,
    transactionPointId: row.transactionPointId,
    reference: input.reference ?? null,
    description: `Savings deposit to account ${accountId} (household ${row.householdId})`,
  })
  ctx.audit({
    action: 'savings.deposit',
    entity: 'savings_account',
    entityId: accountId,
    after: { transactionId: posted.transactionId, ...input },
  })
  return {
    transaction: transactionView(ctx.sqlite, posted.transactionId),
    account: getAccount(ctx.sqlite, ctx.actor, accountId),
  }
}

function withdrawalView(sqlite: Database.Database, id: number) {
  const q = savingsQueries(sqlite)
  return { ...q.withdrawal.get(id)!, transactionId: q.transactionOfWithdrawal.get(id) ?? null }
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
  const available = availableToWithdraw(
    movementsOf(ctx.sqlite, accountId),
    needsApproval ? ctx.businessDate : input.valueDate,
    row.pendingWithdrawals,
  )
  if (input.amount > available)
    throw insufficient(
      accountId,
      input.amount,
      available,
      needsApproval ? ctx.businessDate : input.valueDate,
      row.pendingWithdrawals,
    )
  if (!needsApproval) assertDayOpen(ctx.sqlite, row.transactionPointId, input.valueDate)
  const withdrawalId = Number(
    savingsQueries(ctx.sqlite).insertWithdrawal.run(
      accountId,
      input.amount,
      input.valueDate,
      input.reference ?? null,
      needsApproval ? 'pending_approval' : 'paid',
      ctx.actor.userId,
      needsApproval ? null : ctx.actor.userId,
      needsApproval ? null : ctx.businessDate,
    ).lastInsertRowid,
  )
  if (!needsApproval) {
    postMovement(ctx, {
      accountId,
      householdId: row.householdId,
      fundingSource: row.fundingSource,
      kind: 'withdrawal',
      amount: input.amount,
      valueDate: input.valueDate,
      transactionPointId: row.transactionPointId,
      withdrawalId,
      reference: input.reference ?? null,
      description: `Savings withdrawal ${withdrawalId} from account ${accountId} (household ${row.householdId})`,
    })
  }
  ctx.audit({
    action: needsApproval ? 'savings.withdrawal_proposed' : 'savings.withdrawal',
    entity: 'savings_withdrawal',
    entityId: withdrawalId,
    after: { accountId, threshold, ...input },
  })
  return {
    withdrawal: withdrawalView(ctx.sqlite, withdrawalId),
    approvalThreshold: threshold,
    account: getAccount(ctx.sqlite, ctx.actor, accountId),
  }
}

function loadWithdrawal(ctx: CommandContext, accountId: number, withdrawalId: number) {
  const row = loadAccount(ctx.sqlite, ctx.actor, accountId)
  const w = savingsQueries(ctx.sqlite).withdrawalOfAccount.get(withdrawalId, accountId)
  if (!w) throw notFound('Savings withdrawal', withdrawalId)
  if (w.status !== 'pending_approval')
    throw new DomainError('INVALID_STATE', `Withdrawal ${withdrawalId} is ${w.status}, not pending_approval`)
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
  if (w.proposedBy === ctx.actor.userId)
    throw new DomainError(
      'FOUR_EYES',
      `Withdrawal ${withdrawalId} was proposed by you; a different person must approve it`,
    )
  const reservedByOthers = row.pendingWithdrawals - w.amount
  const available = availableToWithdraw(movementsOf(ctx.sqlite, accountId), ctx.businessDate, reservedByOthers)
  if (w.amount > available) throw insufficient(accountId, w.amount, available, ctx.businessDate, reservedByOthers)
  assertDayOpen(ctx.sqlite, row.transactionPointId, ctx.businessDate)
  savingsQueries(ctx.sqlite).payWithdrawal.run(
    ctx.actor.userId,
    ctx.businessDate,
    new Date().toISOString(),
    withdrawalId,
  )
  postMovement(ctx, {
    accountId,
    householdId: row.householdId,
    fundingSource: row.fundingSource,
    kind: 'withdrawal',
    amount: w.amount,
    valueDate: ctx.businessDate,
    transactionPointId: row.transactionPointId,
    withdrawalId,
    reference: w.reference,
    description: `Savings withdrawal ${withdrawalId} from account ${accountId} (household ${row.householdId}), approved`,
  })
  ctx.audit({
    action: 'savings.withdrawal_approved',
    entity: 'savings_withdrawal',
    entityId: withdrawalId,
    before: { status: 'pending_approval' },
    after: { status: 'paid', valueDate: ctx.businessDate },
  })
  return { withdrawal: withdrawalView(ctx.sqlite, withdrawalId), account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

/**
 * Rejects a pending withdrawal (releases its reservation; no money moves). Errors: NOT_FOUND, INVALID_STATE (409).
 */
export function rejectWithdrawal(ctx: CommandContext, accountId: number, withdrawalId: number, reason: string) {
  loadWithdrawal(ctx, accountId, withdrawalId)
  savingsQueries(ctx.sqlite).rejectWithdrawal.run(
    ctx.actor.userId,
    ctx.businessDate,
    reason,
    new Date().toISOString(),
    withdrawalId,
  )
  ctx.audit({
    action: 'savings.withdrawal_rejected',
    entity: 'savings_withdrawal',
    entityId: withdrawalId,
    before: { status: 'pending_approval' },
    after: { status: 'rejected', reason },
  })
  return { withdrawal: withdrawalView(ctx.sqlite, withdrawalId), account: getAccount(ctx.sqlite, ctx.actor, accountId) }
}

export function listWithdrawals(
  sqlite: Database.Database,
  actor: Actor,
  accountId: number,
  status: string | undefined,
) {
  loadAccount(sqlite, actor, accountId)
  return savingsQueries(sqlite)
    .withdrawalIds.all({ account: accountId, status: status || null })
    .map((id) => withdrawalView(sqlite, id))
}

// ---------------------------------------------------------------------------
// Statement

/** Vietnamese description of a movement, for the printed statement. */
function describe(m: StatementMovementRow): string {
  if (m.kind === 'deposit')
    return m.collectionSessionId
      ? `Gửi tiết kiệm tại buổi giao dịch ${m.collectionSessionId}`
      : 'Gửi tiết kiệm tại quầy'
  return `Rút tiết kiệm${m.withdrawalId ? ` (lệnh rút ${m.withdrawalId})` : ''}`
}

export function accountStatement(
  sqlite: Database.Database,
  actor: Actor,
  accountId: number,
  from: string | undefined,
  to: string,
) {
  const row = loadAccount(sqlite, actor, accountId)
  const start = from ?? row.openedOn
  const s = statementOf(savingsQueries(sqlite).statementMovements.all(accountId, to), start, to)
  return {
    accountId,
    householdId: row.householdId,
    headName: row.headName,
    nationalId: row.nationalId,
    from: start,
    to,
    openingBalance: s.openingBalance,
    totalDeposits: s.totalDeposits,
    totalWithdrawals: s.totalWithdrawals,
    closingBalance: s.closingBalance,
    lines: s.lines.map((l) => ({
      transactionId: l.id,
      valueDate: l.valueDate,
      kind: l.kind,
      description: describe(l),
      reference: l.reference,
      deposit: l.kind === 'deposit' ? l.amount : 0,
      withdrawal: l.kind === 'withdrawal' ? l.amount : 0,
      balance: l.balance,
    })),
  }
}

// ---------------------------------------------------------------------------
// Reports

/** Savings per transaction point as of a date: accounts, balance total, deposits and withdrawals to date. */
export function savingsReport(sqlite: Database.Database, actor: Actor, asOf: string) {
  const scope = scopeSql(actor, { branch: 'tp.branch_id', partner: 'g.partner_id' })
  const items = savingsPerPoint(sqlite, scope.sql, { asOf, ...scope.params })
  const sum = (f: 'accounts' | 'deposits' | 'withdrawals' | 'balance' | 'monthlyCommitment') =>
    items.reduce((a, r) => a + r[f], 0)
  return {
    asOf,
    items,
    totals: {
      accounts: sum('accounts'),
      deposits: sum('deposits'),
      withdrawals: sum('withdrawals'),
      balance: sum('balance'),
      monthlyCommitment: sum('monthlyCommitment'),
    },
  }
}

/** Savings moved in cash at a transaction point on a date (sessions and counter alike), for reconciliation. */
export function savingsAtPoint(
  sqlite: Database.Database,
  transactionPointId: number,
  date: string,
): { deposits: number; withdrawals: number; net: number } {
  const r = savingsQueries(sqlite).atPoint.get(transactionPointId, date)!
  return { ...r, net: r.deposits - r.withdrawals }
}
