/**
 * Reconciliation (docs/rules.md §11, §9): finance compares a
 * statement of cash received at a transaction point on a date with what was
 * posted there that day.
 *
 * Statement: JSON lines `{loanId, amount, reference?}`, or CSV with the header
 * exactly `loanId,amount,reference` (the `reference` column may be left out:
 * `loanId,amount`). RFC 4180 quoting; a UTF-8 byte-order mark and blank lines
 * are ignored; cells are trimmed. Every data line needs a positive integer
 * loanId and a whole, non-negative amount of VND (no decimals, separators or
 * currency). Several statement lines for one loan are added up (two receipts
 * the same day), their references joined with "; ".
 *
 * Posted: per loan, the sum of the LIVE repayments (repayment_allocations: a
 * reversed repayment drops out) and of recoveries on written-off loans, with value date = the date, of loans whose
 * transaction point is the point — individual repayments and collection-session
 * repayments alike. Savings handed in at sessions are not loan repayments and
 * are not part of the comparison.
 * The reconciliation also shows the day's savings cash at the point (`savings`:
 * deposits, withdrawals, net — session and counter deposits alike, from the
 * savings accounts), so the cash book can be checked in full; a closed day
 * refuses savings movements too (savings/service.ts).
 *
 * Result per loan: matched (amounts equal), amount_mismatch, missing_in_statement
 * (posted, not in the statement), unexpected_in_statement (in the statement,
 * nothing posted; a zero statement line with nothing posted counts as matched).
 *
 * Suspense: the net difference statement − posted goes to suspense in ONE
 * balanced journal entry (kind 'reconciliation', reconciliationId set, value
 * date = the statement date): statement > posted → Dr cash_at_transaction_point
 * / Cr suspense; statement < posted → Dr suspense / Cr cash_at_transaction_point;
 * no entry when they are equal. The difference is taken per funding source (the
 * loans' funds; both pairs sit in the one entry) so each fund's books balance.
 *
 * Re-running: while the (point, date) is open, finance may upload a corrected
 * or later statement (e.g. after the missing repayments were posted). The new
 * reconciliation supersedes the earlier one (`supersedes` / `supersededBy`),
 * and its entry posts only the change, so the suspense balance for the
 * (point, date) always equals the LATEST reconciliation's suspenseAmount;
 * `suspensePosted` is what this reconciliation's entry moved (+ = credited to
 * suspense). Only the latest reconciliation of a (point, date) can be closed.
 *
 * Closing: after `close`, any repayment or reversal whose value date is that
 * date on a loan of that point is refused with 409 RECONCILIATION_CLOSED (the
 * posting guard below), and reconciling the (point, date) again is refused the
 * same way.
 *
 * Errors: VALIDATION_ERROR (400; a malformed CSV: header, columns, integers —
 * each bad line named in errors[].field as `csv.line N`), REFERENCE_NOT_FOUND
 * (unknown transaction point or loan), LOAN_NOT_AT_POINT (422; a loan of
 * another transaction point), DATE_IN_FUTURE, RECONCILIATION_CLOSED (409),
 * INVALID_STATE (409; closing a closed or superseded reconciliation), NOT_FOUND.
 * A rejected statement writes nothing.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { inBranchScope, scopeSql } from '../../platform/scope.js'
import { describeErrors, tooMany, type FieldError, type LineLabel, type StatementInput } from './statement.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { postJournal, type JournalLine } from '../ledger/journal.js'
import type { LoanRow } from '../loans/projection.js'
import { savingsAtPoint } from '../savings/service.js'
import { reconciliationQueries, reconciliationsPage, type ReconciliationRow, type StatementLoanRow } from './queries.js'

export const RESULTS = ['matched', 'missing_in_statement', 'unexpected_in_statement', 'amount_mismatch'] as const
export type Result = (typeof RESULTS)[number]

// The statement (CSV parsing, content negotiation) lives in statement.ts; re-exported for callers of the service.
export {
  CSV_HEADER,
  csvRecords,
  parseStatementCsv,
  type LineLabel,
  type StatementInput,
  type StatementLine,
} from './statement.js'

// ---------------------------------------------------------------------------
// Reading

function loadRow(sqlite: Database.Database, actor: Actor, id: number): ReconciliationRow {
  const row = reconciliationQueries(sqlite).byId.get(id)
  // Branch staff see reconciliations of their branch's points; admin, finance and auditor all; partners none.
  if (!row || !inBranchScope(actor, row.branchId)) throw notFound('Reconciliation', id)
  return row
}

function neighbours(sqlite: Database.Database, row: { id: number; transactionPointId: number; date: string }) {
  const q = reconciliationQueries(sqlite)
  return {
    supersedes: q.supersedes.get(row.transactionPointId, row.date, row.id) ?? null,
    supersededBy: q.supersededBy.get(row.transactionPointId, row.date, row.id) ?? null,
  }
}

function entryOf(sqlite: Database.Database, id: number): { journalEntryId: number | null; suspensePosted: number } {
  const q = reconciliationQueries(sqlite)
  const entryId = q.entry.get(id)
  if (entryId === undefined) return { journalEntryId: null, suspensePosted: 0 }
  return { journalEntryId: entryId, suspensePosted: q.suspenseOfEntry.get(entryId)! }
}

function view(sqlite: Database.Database, row: ReconciliationRow, withLines: boolean) {
  const summary = JSON.parse(row.summary) as Record<Result, number>
  const base = {
    id: row.id,
    transactionPointId: row.transactionPointId,
    branchId: row.branchId,
    date: row.date,
    status: row.status,
    summary: {
      matched: summary.matched ?? 0,
      missing_in_statement: summary.missing_in_statement ?? 0,
      unexpected_in_statement: summary.unexpected_in_statement ?? 0,
      amount_mismatch: summary.amount_mismatch ?? 0,
    },
    statementTotal: row.statementTotal,
    postedTotal: row.postedTotal,
    suspenseAmount: row.suspenseAmount,
    ...entryOf(sqlite, row.id),
    ...neighbours(sqlite, row),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    closedBy: row.closedBy,
    closedAt: row.closedAt,
    savings: savingsAtPoint(sqlite, row.transactionPointId, row.date),
  }
  if (!withLines) return base
  const lines = reconciliationQueries(sqlite).lines.all(row.id)
  return { ...base, lines: lines.map((l) => ({ ...l, difference: (l.statementAmount ?? 0) - (l.postedAmount ?? 0) })) }
}

export function getReconciliation(sqlite: Database.Database, actor: Actor, id: number) {
  return view(sqlite, loadRow(sqlite, actor, id), true)
}

export function listReconciliations(
  sqlite: Database.Database,
  actor: Actor,
  q: { transactionPointId?: number; date?: string; status?: string },
  afterId: number,
  limit: number,
) {
  const where = ['r.id > @after']
  if (q.transactionPointId) where.push('r.transaction_point_id = @point')
  if (q.date) where.push('r.date = @date')
  if (q.status) where.push('r.status = @status')
  const scope = scopeSql(actor, { branch: 'tp.branch_id' })
  where.push(scope.sql)
  const rows = reconciliationsPage(sqlite, where, {
    after: afterId,
    point: q.transactionPointId ?? null,
    date: q.date ?? null,
    status: q.status ?? null,
    ...scope.params,
    limit: limit + 1,
  })
  return rows.map((r) => view(sqlite, r, false))
}

// ---------------------------------------------------------------------------
// Commands

function closedError(pointId: number, date: string, reconciliationId: number): DomainError {
  return new DomainError(
    'RECONCILIATION_CLOSED',
    `Transaction point ${pointId} is reconciled and closed for ${date} (reconciliation ${reconciliationId}); ` +
      `nothing more can be posted into that day`,
    { reconciliationId },
  )
}

/**
 * Matches the statement, stores the reconciliation and its lines, and posts
 * the suspense entry. `label` names a statement line in errors (CSV line or body index).
 */
export function createReconciliation(
  ctx: CommandContext,
  input: StatementInput,
  label: LineLabel,
  pointField = 'body.transactionPointId',
) {
  const { sqlite } = ctx
  const q = reconciliationQueries(sqlite)
  const point = q.point.get(input.transactionPointId)
  if (!point) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Transaction point ${input.transactionPointId} does not exist`, {
      errors: [{ field: pointField, message: 'no such transaction point' }],
    })
  }
  if (input.date > ctx.businessDate)
    throw new DomainError('DATE_IN_FUTURE', `date ${input.date} is after the business date ${ctx.businessDate}`)
  const closed = q.closedDay.get(point.id, input.date)
  if (closed !== undefined) throw closedError(point.id, input.date, closed)

  // Every statement line must name a loan of this point.
  const loans = new Map<number, StatementLoanRow>()
  const errors: FieldError[] = []
  let code: 'REFERENCE_NOT_FOUND' | 'LOAN_NOT_AT_POINT' | null = null
  input.lines.forEach((l, i) => {
    let loan = loans.get(l.loanId)
    if (!loan) {
      loan = q.loan.get(l.loanId)
      if (loan) loans.set(l.loanId, loan)
    }
    if (!loan) {
      errors.push({ field: label(i, 'loanId'), message: `loan ${l.loanId} does not exist` })
      code ??= 'REFERENCE_NOT_FOUND'
    } else if (loan.transactionPointId !== point.id) {
      errors.push({
        field: label(i, 'loanId'),
        message: `loan ${l.loanId} belongs to transaction point ${loan.transactionPointId}, not ${point.id}`,
      })
      code ??= 'LOAN_NOT_AT_POINT'
    }
  })
  if (code)
    throw new DomainError(
      code,
      describeErrors('The statement names loans that cannot be reconciled at this point', errors),
      { errors: tooMany(errors) },
    )

  // Statement per loan (several receipts for one loan are added up).
  const statement = new Map<number, { amount: number; references: string[] }>()
  for (const l of input.lines) {
    const s = statement.get(l.loanId) ?? { amount: 0, references: [] }
    s.amount += l.amount
    if (l.reference) s.references.push(l.reference)
    statement.set(l.loanId, s)
  }
  // Posted per loan: live repayments at the point on the date, and cash recovered on written-off loans.
  const posted = new Map<number, { amount: number; fundingSource: string }>()
  for (const r of q.posted.all({ date: input.date, point: point.id }))
    posted.set(r.loanId, { amount: r.amount, fundingSource: r.fundingSource })

  const summary: Record<Result, number> = {
    matched: 0,
    missing_in_statement: 0,
    unexpected_in_statement: 0,
    amount_mismatch: 0,
  }
  const diffByFund = new Map<string, number>()
  const lines: {
    loanId: number
    statementAmount: number | null
    postedAmount: number | null
    result: Result
    reference: string | null
  }[] = []
  let statementTotal = 0
  let postedTotal = 0
  const loanIds = [...new Set([...statement.keys(), ...posted.keys()])].sort((a, b) => a - b)
  for (const loanId of loanIds) {
    const s = statement.get(loanId)
    const p = posted.get(loanId)
    const fund = p?.fundingSource ?? loans.get(loanId)!.fundingSource
    let result: Result
    if (!s) result = 'missing_in_statement'
    else if (!p) result = s.amount === 0 ? 'matched' : 'unexpected_in_statement'
    else result = s.amount === p.amount ? 'matched' : 'amount_mismatch'
    summary[result]++
    statementTotal += s?.amount ?? 0
    postedTotal += p?.amount ?? 0
    diffByFund.set(fund, (diffByFund.get(fund) ?? 0) + (s?.amount ?? 0) - (p?.amount ?? 0))
    lines.push({
      loanId,
      statementAmount: s ? s.amount : null,
      postedAmount: p ? p.amount : null,
      result,
      reference: s && s.references.length > 0 ? s.references.join('; ').slice(0, 1000) : null,
    })
  }
  if (!Number.isSafeInteger(statementTotal)) throw new DomainError('INVALID_AMOUNT', 'The statement total is too large')
  const suspenseAmount = statementTotal - postedTotal

  const id = Number(
    q.insert.run(
      point.id,
      input.date,
      statementTotal,
      postedTotal,
      suspenseAmount,
      JSON.stringify(summary),
      ctx.actor.userId,
    ).lastInsertRowid,
  )
  for (const l of lines) q.insertLine.run(id, l.loanId, l.statementAmount, l.postedAmount, l.result, l.reference)

  // Suspense: bring the (point, date)'s suspense balance per fund to this statement's difference.
  const already = q.suspenseOfDay.all(point.id, input.date, id)
  for (const a of already) if (!diffByFund.has(a.fund)) diffByFund.set(a.fund, 0)
  const entryLines: JournalLine[] = []
  for (const [fund, diff] of [...diffByFund].sort(([a], [b]) => a.localeCompare(b))) {
    const delta = diff - (already.find((a) => a.fund === fund)?.net ?? 0)
    if (delta > 0)
      entryLines.push(
        { account: 'cash_at_transaction_point', debit: delta, fundingSource: fund },
        { account: 'suspense', credit: delta, fundingSource: fund },
      )
    else if (delta < 0)
      entryLines.push(
        { account: 'suspense', debit: -delta, fundingSource: fund },
        { account: 'cash_at_transaction_point', credit: -delta, fundingSource: fund },
      )
  }
  postJournal(sqlite, {
    kind: 'reconciliation',
    valueDate: input.date,
    postedOn: ctx.businessDate,
    reconciliationId: id,
    description:
      `Reconciliation ${id}: transaction point ${point.id} on ${input.date}, statement ${statementTotal} − ` +
      `posted ` +
      `${postedTotal} to suspense`,
    lines: entryLines,
  })
  const result = getReconciliation(sqlite, ctx.actor, id)
  ctx.audit({
    action: 'reconciliation.create',
    entity: 'reconciliation',
    entityId: id,
    after: {
      transactionPointId: point.id,
      date: input.date,
      statementLines: input.lines.length,
      summary,
      statementTotal,
      postedTotal,
      suspenseAmount,
      suspensePosted: result.suspensePosted,
      supersedes: result.supersedes,
    },
  })
  return result
}

export function closeReconciliation(ctx: CommandContext, id: number) {
  const row = loadRow(ctx.sqlite, ctx.actor, id)
  if (row.status === 'closed') throw new DomainError('INVALID_STATE', `Reconciliation ${id} is already closed`)
  const { supersededBy } = neighbours(ctx.sqlite, row)
  if (supersededBy !== null)
    throw new DomainError(
      'INVALID_STATE',
      `Reconciliation ${id} was superseded by reconciliation ${supersededBy}; close that one`,
    )
  reconciliationQueries(ctx.sqlite).close.run(ctx.actor.userId, new Date().toISOString(), id)
  ctx.audit({
    action: 'reconciliation.close',
    entity: 'reconciliation',
    entityId: id,
    before: { status: 'open' },
    after: { status: 'closed', transactionPointId: row.transactionPointId, date: row.date },
  })
  return getReconciliation(ctx.sqlite, ctx.actor, id)
}

// ---------------------------------------------------------------------------
// Posting guard (wired as `hooks.guardPosting` by src/modules/hooks.ts)

/** Refuses a repayment or reversal into a (transaction point, value date) whose reconciliation is closed. */
export function closedDayGuard(ctx: CommandContext, loan: LoanRow, valueDate: string): void {
  const closed = reconciliationQueries(ctx.sqlite).closedDay.get(loan.transactionPointId, valueDate)
  if (closed !== undefined) throw closedError(loan.transactionPointId, valueDate, closed)
}
