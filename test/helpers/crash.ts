/**
 * Setup and checks for the crash-safety test's money routes besides repayments
 * and sessions (test/reliability/crash.test.ts): members' savings (counter
 * deposits and withdrawals, session savings) and recoveries on written-off loans.
 */
import type Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import type { Actor } from '../../src/platform/auth.js'
import { createUser } from '../../src/modules/users/service.js'
import { proposeWriteOff, approveWriteOff } from '../../src/modules/risk/write-off.js'
import { openAccount, deposit, savingsSettings } from '../../src/modules/savings/service.js'

const SYSTEM: Actor = { userId: 0, name: 'test', role: 'admin', branchId: null, partnerId: null }

/** A user of the role (branch 1 for branch staff), as the actor the service functions take. */
export function actorOf(
  app: FastifyInstance,
  name: string,
  role: 'branch_officer' | 'branch_manager' | 'admin',
): Actor {
  const branchId = role === 'admin' ? null : 1
  const { body } = app.commands.runNow(
    (ctx) => ({ statusCode: 201, body: createUser(ctx, { name, role, ...(branchId ? { branchId } : {}) }) }),
    SYSTEM,
  )
  return { userId: body.id, name, role, branchId, partnerId: null }
}

export interface WrittenOff {
  loanId: number
  principal: number
  interest: number
}

/**
 * Writes off the `count` active loans of branch 1 with the most overdue principal
 * (the loans projection), each proposed by one branch manager and approved by another.
 */
export function writeOffOverdueLoans(
  app: FastifyInstance,
  proposer: Actor,
  approver: Actor,
  count: number,
): WrittenOff[] {
  const ids = app.sqlite
    .prepare(
      "SELECT id FROM loans WHERE branch_id = 1 AND state = 'active' AND overdue_principal > 0 ORDER BY " +
        'overdue_principal DESC, id LIMIT ?',
    )
    .pluck()
    .all(count) as number[]
  return ids.map((loanId, i) => {
    app.commands.runNow(
      (ctx) => ({
        statusCode: 201,
        body: proposeWriteOff(ctx, loanId, {
          decisionNo: `QD-CRASH-${i + 1}`,
          cause: 'natural_disaster',
          causeDetail: 'Lũ quét',
        }),
      }),
      proposer,
    )
    const { body } = app.commands.runNow((ctx) => ({ statusCode: 200, body: approveWriteOff(ctx, loanId) }), approver)
    return { loanId, ...body.writtenOff }
  })
}

export interface Account {
  accountId: number
  householdId: number
}

/** Opens a savings account for each household and deposits `initial` into it (value date `valueDate`). */
export function openFundedAccounts(
  app: FastifyInstance,
  officer: Actor,
  householdIds: number[],
  initial: number,
  valueDate: string,
): Account[] {
  return householdIds.map((householdId) => {
    const { body } = app.commands.runNow((ctx) => {
      const account = openAccount(ctx, { householdId })
      deposit(ctx, account.id, { amount: initial, valueDate, reference: `setup-${householdId}` })
      return { statusCode: 201, body: account }
    }, officer)
    return { accountId: body.id, householdId }
  })
}

export function withdrawalThreshold(sqlite: Database.Database): number {
  return savingsSettings(sqlite).withdrawalApprovalThreshold
}

/** reference → number of rows, for the rows whose reference starts with `prefix`. */
export function countByReference(
  sqlite: Database.Database,
  table: 'savings_transactions' | 'savings_withdrawals' | 'loan_transactions',
  kind: string | null,
  prefix: string,
): Map<string, number> {
  const rows = sqlite
    .prepare(
      `SELECT reference, COUNT(*) AS n FROM ${table} WHERE reference LIKE ? ${kind ? 'AND kind = ?' : ''}
        GROUP BY reference`,
    )
    .all(...(kind ? [`${prefix}%`, kind] : [`${prefix}%`])) as { reference: string; n: number }[]
  return new Map(rows.map((r) => [r.reference, r.n]))
}

/**
 * Each savings account: household, balance (Σ deposits − Σ withdrawals) and the lowest running balance in
 * value-date then posting order.
 */
export function savingsBalances(
  sqlite: Database.Database,
): Map<number, { accountId: number; balance: number; lowest: number }> {
  const accounts = sqlite.prepare('SELECT id, household_id AS householdId FROM savings_accounts').all() as {
    id: number
    householdId: number
  }[]
  const out = new Map<number, { accountId: number; balance: number; lowest: number }>()
  const movements = sqlite.prepare(
    'SELECT kind, amount FROM savings_transactions WHERE account_id = ? ORDER BY value_date, id',
  )
  for (const a of accounts) {
    let balance = 0
    let lowest = 0
    for (const m of movements.all(a.id) as { kind: string; amount: number }[]) {
      balance += m.kind === 'deposit' ? m.amount : -m.amount
      lowest = Math.min(lowest, balance)
    }
    out.set(a.householdId, { accountId: a.id, balance, lowest })
  }
  return out
}

/**
 * Session savings landed once: for every collection session and household, the
 * savings of its lines equal the deposits of that session in the household's
 * account (count and sum), and no session deposit lacks its line. Returns the mismatches.
 */
export function sessionSavingsMismatches(sqlite: Database.Database): string[] {
  const rows = sqlite
    .prepare(
      `
    WITH expected AS (
      SELECT l.session_id AS sessionId, ln.household_id AS householdId, COUNT(*) AS n, SUM(l.savings) AS amount
      FROM collection_session_lines l JOIN loans ln ON ln.id = l.loan_id WHERE l.savings > 0 GROUP BY l.session_id,
        ln.household_id),
    posted AS (
      SELECT t.collection_session_id AS sessionId, a.household_id AS householdId, COUNT(*) AS n, SUM(t.amount)
        AS amount
      FROM savings_transactions t JOIN savings_accounts a ON a.id = t.account_id
      WHERE t.collection_session_id IS NOT NULL GROUP BY t.collection_session_id, a.household_id)
    SELECT e.sessionId, e.householdId, e.n AS expectedN, e.amount AS expectedAmount, p.n AS postedN, p.amount
        AS postedAmount
      FROM expected e LEFT JOIN posted p ON p.sessionId = e.sessionId AND p.householdId = e.householdId
      WHERE p.n IS NULL OR p.n <> e.n OR p.amount <> e.amount
    UNION ALL
    SELECT p.sessionId, p.householdId, NULL, NULL, p.n, p.amount
      FROM posted p LEFT JOIN expected e ON e.sessionId = p.sessionId AND e.householdId = p.householdId WHERE
        e.sessionId IS NULL
    LIMIT 20`,
    )
    .all() as {
    sessionId: number
    householdId: number
    expectedN: number | null
    expectedAmount: number | null
    postedN: number | null
    postedAmount: number | null
  }[]
  return rows.map(
    (r) =>
      `session ${r.sessionId}, household ${r.householdId}: lines ${r.expectedN ?? 0} (${r.expectedAmount ?? 0} ` +
      `VND), savings deposits ${r.postedN ?? 0} (${r.postedAmount ?? 0} VND)`,
  )
}
