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
import { type Actor, READ_ALL_ROLES } from '../../platform/auth.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { postJournal, type JournalLine } from '../ledger/journal.js'
import type { LoanRow } from '../loans/projection.js'
import { savingsAtPoint } from '../savings/service.js'

export const RESULTS = ['matched', 'missing_in_statement', 'unexpected_in_statement', 'amount_mismatch'] as const
export type Result = (typeof RESULTS)[number]

export const CSV_HEADER = ['loanId', 'amount', 'reference'] as const
const MAX_REPORTED_ERRORS = 100
const MAX_ID = 2_147_483_647

export interface StatementLine { loanId: number; amount: number; reference?: string | null }
export interface StatementInput { transactionPointId: number; date: string; lines: StatementLine[] }
/** Where each statement line came from, for error messages: `csv.line 3` or `body.lines[2]`. */
export type LineLabel = (index: number, column?: 'loanId' | 'amount' | 'reference') => string

interface FieldError { field: string; message: string }

function tooMany(errors: FieldError[]): FieldError[] {
  return errors.length > MAX_REPORTED_ERRORS ? errors.slice(0, MAX_REPORTED_ERRORS) : errors
}

function describeErrors(what: string, errors: FieldError[]): string {
  const shown = errors.slice(0, 5).map((e) => `${e.field}: ${e.message}`).join('; ')
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''
  return `${what}: ${shown}${more}. Nothing was written.`
}

// ---------------------------------------------------------------------------
// CSV statement parsing (pure)

/** RFC 4180 records with the physical line each starts on (quoted newlines count as lines). */
export function csvRecords(text: string): { records: { line: number; cells: string[] }[]; error?: FieldError } {
  const records: { line: number; cells: string[] }[] = []
  let line = 1
  let start = 1
  let row: string[] = []
  let cell = ''
  let quoted = false
  let quoteLine = 0
  let wasQuoted = false
  const endRecord = () => {
    row.push(cell)
    if (!(row.length === 1 && row[0]!.trim() === '' && !wasQuoted)) records.push({ line: start, cells: row })
    row = []
    cell = ''
    wasQuoted = false
  }
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') { cell += '"'; i++ }
      else if (ch === '"') quoted = false
      else {
        if (ch === '\n' || (ch === '\r' && s[i + 1] !== '\n')) line++
        cell += ch
      }
    } else if (ch === '"' && cell.trim() === '') { quoted = true; wasQuoted = true; quoteLine = line; cell = '' }
    else if (ch === ',') { row.push(cell); cell = '' }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else cell += ch
  }
  if (quoted) return { records, error: { field: `csv.line ${quoteLine}`, message: 'a quoted field is not closed' } }
  if (cell !== '' || row.length > 0 || wasQuoted) endRecord()
  return { records }
}

function parseLoanId(raw: string): number | string {
  const v = raw.trim()
  if (v === '') return 'loanId is missing'
  if (!/^\d+$/.test(v)) return `loanId "${v}" is not a positive whole number`
  const n = Number(v)
  if (n < 1 || n > MAX_ID) return `loanId ${v} is out of range`
  return n
}

function parseAmount(raw: string): number | string {
  const v = raw.trim()
  if (v === '') return 'amount is missing'
  if (/^-\s*\d+([.,]\d*)?$/.test(v)) return `amount ${v} is negative; a statement lists cash received (≥ 0)`
  if (!/^\d+$/.test(v)) return `amount "${v}" is not a whole number of VND (no decimals, separators or currency)`
  const n = Number(v)
  if (!Number.isSafeInteger(n)) return `amount ${v} is too large`
  return n
}

/**
 * Parses a CSV statement. Throws VALIDATION_ERROR listing every bad line
 * (errors[].field = `csv.line N`, the header being line 1); nothing is looked
 * up in the database here.
 */
export function parseStatementCsv(text: string): { lines: StatementLine[]; lineNumbers: number[] } {
  const { records, error } = csvRecords(text)
  const errors: FieldError[] = []
  if (error) errors.push(error)
  const header = records[0]
  const expected = `${CSV_HEADER.join(',')}`
  if (!header) {
    throw new DomainError('VALIDATION_ERROR', `The statement is empty; the first line must be the header "${expected}" (reference optional)`, {
      errors: [{ field: 'csv.line 1', message: `missing header "${expected}"` }],
    })
  }
  const names = header.cells.map((c) => c.trim())
  const withReference = names.length === 3 && names[0] === 'loanId' && names[1] === 'amount' && names[2] === 'reference'
  const withoutReference = names.length === 2 && names[0] === 'loanId' && names[1] === 'amount'
  if (!withReference && !withoutReference) {
    throw new DomainError('VALIDATION_ERROR', `Line ${header.line}: the header must be exactly "${expected}" (or "loanId,amount"), got "${names.join(',')}". Nothing was written.`, {
      errors: [{ field: `csv.line ${header.line}`, message: `header must be "${expected}" (reference optional), got "${names.join(',')}"` }],
    })
  }
  const lines: StatementLine[] = []
  const lineNumbers: number[] = []
  for (const r of records.slice(1)) {
    const field = `csv.line ${r.line}`
    if (r.cells.length !== names.length && !(withReference && r.cells.length === 2)) {
      errors.push({ field, message: `expected ${names.length} columns (${names.join(',')}), got ${r.cells.length}` })
      continue
    }
    const loanId = parseLoanId(r.cells[0]!)
    const amount = parseAmount(r.cells[1]!)
    const reference = (r.cells[2] ?? '').trim()
    const problems: string[] = []
    if (typeof loanId === 'string') problems.push(loanId)
    if (typeof amount === 'string') problems.push(amount)
    if (reference.length > 100) problems.push('reference is longer than 100 characters')
    if (problems.length > 0) {
      errors.push({ field, message: problems.join('; ') })
      continue
    }
    lines.push({ loanId: loanId as number, amount: amount as number, reference: reference === '' ? null : reference })
    lineNumbers.push(r.line)
  }
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_ERROR', describeErrors('The statement CSV is invalid', errors), { errors: tooMany(errors) })
  }
  return { lines, lineNumbers }
}

// ---------------------------------------------------------------------------
// Reading

interface ReconciliationRow {
  id: number; transactionPointId: number; branchId: number; date: string; status: 'open' | 'closed'
  statementTotal: number; postedTotal: number; suspenseAmount: number; summary: string
  createdBy: number; closedBy: number | null; closedAt: string | null; createdAt: string
}
interface LineRow { id: number; loanId: number; statementAmount: number | null; postedAmount: number | null; result: Result; reference: string | null }

const SELECT = `SELECT r.id, r.transaction_point_id AS transactionPointId, tp.branch_id AS branchId, r.date, r.status,
  r.statement_total AS statementTotal, r.posted_total AS postedTotal, r.suspense_amount AS suspenseAmount, r.summary,
  r.created_by AS createdBy, r.closed_by AS closedBy, r.closed_at AS closedAt, r.created_at AS createdAt
  FROM reconciliations r JOIN transaction_points tp ON tp.id = r.transaction_point_id`

/** Branch staff see reconciliations of their branch's points; admin, finance and auditor all; partners none. */
function visible(actor: Actor, branchId: number): boolean {
  if (READ_ALL_ROLES.includes(actor.role)) return true
  return (actor.role === 'branch_officer' || actor.role === 'branch_manager') && actor.branchId === branchId
}

function loadRow(sqlite: Database.Database, actor: Actor, id: number): ReconciliationRow {
  const row = sqlite.prepare(`${SELECT} WHERE r.id = ?`).get(id) as ReconciliationRow | undefined
  if (!row || !visible(actor, row.branchId)) throw notFound('Reconciliation', id)
  return row
}

function neighbours(sqlite: Database.Database, row: { id: number; transactionPointId: number; date: string }) {
  const supersedes = sqlite.prepare('SELECT MAX(id) FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND id < ?').pluck().get(row.transactionPointId, row.date, row.id) as number | null
  const supersededBy = sqlite.prepare('SELECT MIN(id) FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND id > ?').pluck().get(row.transactionPointId, row.date, row.id) as number | null
  return { supersedes, supersededBy }
}

function entryOf(sqlite: Database.Database, id: number): { journalEntryId: number | null; suspensePosted: number } {
  const entryId = sqlite.prepare('SELECT id FROM journal_entries WHERE reconciliation_id = ? ORDER BY id LIMIT 1').pluck().get(id) as number | undefined
  if (entryId === undefined) return { journalEntryId: null, suspensePosted: 0 }
  const net = sqlite.prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE entry_id = ? AND account = 'suspense'").pluck().get(entryId) as number
  return { journalEntryId: entryId, suspensePosted: net }
}

function view(sqlite: Database.Database, row: ReconciliationRow, withLines: boolean) {
  const summary = JSON.parse(row.summary) as Record<Result, number>
  const base = {
    id: row.id, transactionPointId: row.transactionPointId, branchId: row.branchId, date: row.date, status: row.status,
    summary: { matched: summary.matched ?? 0, missing_in_statement: summary.missing_in_statement ?? 0, unexpected_in_statement: summary.unexpected_in_statement ?? 0, amount_mismatch: summary.amount_mismatch ?? 0 },
    statementTotal: row.statementTotal, postedTotal: row.postedTotal, suspenseAmount: row.suspenseAmount,
    ...entryOf(sqlite, row.id), ...neighbours(sqlite, row),
    createdBy: row.createdBy, createdAt: row.createdAt, closedBy: row.closedBy, closedAt: row.closedAt,
    savings: savingsAtPoint(sqlite, row.transactionPointId, row.date),
  }
  if (!withLines) return base
  const lines = sqlite.prepare(`SELECT id, loan_id AS loanId, statement_amount AS statementAmount, posted_amount AS postedAmount, result, reference
    FROM reconciliation_lines WHERE reconciliation_id = ? ORDER BY loan_id, id`).all(row.id) as LineRow[]
  return { ...base, lines: lines.map((l) => ({ ...l, difference: (l.statementAmount ?? 0) - (l.postedAmount ?? 0) })) }
}

export function getReconciliation(sqlite: Database.Database, actor: Actor, id: number) {
  return view(sqlite, loadRow(sqlite, actor, id), true)
}

export function listReconciliations(sqlite: Database.Database, actor: Actor, q: { transactionPointId?: number; date?: string; status?: string }, afterId: number, limit: number) {
  const where = ['r.id > @after']
  if (q.transactionPointId) where.push('r.transaction_point_id = @point')
  if (q.date) where.push('r.date = @date')
  if (q.status) where.push('r.status = @status')
  if (!READ_ALL_ROLES.includes(actor.role)) where.push('tp.branch_id = @branch')
  const rows = sqlite.prepare(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT @limit`).all({
    after: afterId, point: q.transactionPointId ?? null, date: q.date ?? null, status: q.status ?? null, branch: actor.branchId ?? -1, limit: limit + 1,
  }) as ReconciliationRow[]
  return rows.map((r) => view(sqlite, r, false))
}

// ---------------------------------------------------------------------------
// Commands

function closedFor(sqlite: Database.Database, pointId: number, date: string): number | undefined {
  return sqlite.prepare("SELECT id FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND status = 'closed' ORDER BY id LIMIT 1").pluck().get(pointId, date) as number | undefined
}

function closedError(pointId: number, date: string, reconciliationId: number): DomainError {
  return new DomainError('RECONCILIATION_CLOSED', `Transaction point ${pointId} is reconciled and closed for ${date} (reconciliation ${reconciliationId}); nothing more can be posted into that day`, { reconciliationId })
}

/**
 * Matches the statement, stores the reconciliation and its lines, and posts
 * the suspense entry. `label` names a statement line in errors (CSV line or body index).
 */
export function createReconciliation(ctx: CommandContext, input: StatementInput, label: LineLabel, pointField = 'body.transactionPointId') {
  const { sqlite } = ctx
  const point = sqlite.prepare('SELECT id, branch_id AS branchId FROM transaction_points WHERE id = ?').get(input.transactionPointId) as { id: number; branchId: number } | undefined
  if (!point) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Transaction point ${input.transactionPointId} does not exist`, {
      errors: [{ field: pointField, message: 'no such transaction point' }],
    })
  }
  if (input.date > ctx.businessDate) throw new DomainError('DATE_IN_FUTURE', `date ${input.date} is after the business date ${ctx.businessDate}`)
  const closed = closedFor(sqlite, point.id, input.date)
  if (closed !== undefined) throw closedError(point.id, input.date, closed)

  // Every statement line must name a loan of this point.
  const loanStmt = sqlite.prepare('SELECT id, transaction_point_id AS transactionPointId, funding_source AS fundingSource FROM loans WHERE id = ?')
  const loans = new Map<number, { transactionPointId: number; fundingSource: string }>()
  const errors: FieldError[] = []
  let code: 'REFERENCE_NOT_FOUND' | 'LOAN_NOT_AT_POINT' | null = null
  input.lines.forEach((l, i) => {
    let loan = loans.get(l.loanId)
    if (!loan) {
      loan = loanStmt.get(l.loanId) as { transactionPointId: number; fundingSource: string } | undefined
      if (loan) loans.set(l.loanId, loan)
    }
    if (!loan) {
      errors.push({ field: label(i, 'loanId'), message: `loan ${l.loanId} does not exist` })
      code ??= 'REFERENCE_NOT_FOUND'
    } else if (loan.transactionPointId !== point.id) {
      errors.push({ field: label(i, 'loanId'), message: `loan ${l.loanId} belongs to transaction point ${loan.transactionPointId}, not ${point.id}` })
      code ??= 'LOAN_NOT_AT_POINT'
    }
  })
  if (code) throw new DomainError(code, describeErrors('The statement names loans that cannot be reconciled at this point', errors), { errors: tooMany(errors) })

  // Statement per loan (several receipts for one loan are added up).
  const statement = new Map<number, { amount: number; references: string[] }>()
  for (const l of input.lines) {
    const s = statement.get(l.loanId) ?? { amount: 0, references: [] }
    s.amount += l.amount
    if (l.reference) s.references.push(l.reference)
    statement.set(l.loanId, s)
  }
  // Posted per loan: live repayments at the point on the date, and cash recovered on written-off loans
  // (recoveries are money received at the counter too; they cannot be reversed).
  const posted = new Map<number, { amount: number; fundingSource: string }>()
  const postedRows = sqlite.prepare(`SELECT loanId, SUM(amount) AS amount, fundingSource FROM (
      SELECT a.loan_id AS loanId, a.amount, l.funding_source AS fundingSource
        FROM repayment_allocations a JOIN loans l ON l.id = a.loan_id WHERE a.value_date = @date AND l.transaction_point_id = @point
      UNION ALL
      SELECT t.loan_id, t.amount, l.funding_source FROM loan_transactions t JOIN loans l ON l.id = t.loan_id
        WHERE t.kind = 'recovery' AND t.value_date = @date AND l.transaction_point_id = @point
    ) GROUP BY loanId`).all({ date: input.date, point: point.id }) as { loanId: number; amount: number; fundingSource: string }[]
  for (const r of postedRows) posted.set(r.loanId, { amount: r.amount, fundingSource: r.fundingSource })

  const summary: Record<Result, number> = { matched: 0, missing_in_statement: 0, unexpected_in_statement: 0, amount_mismatch: 0 }
  const diffByFund = new Map<string, number>()
  const lines: { loanId: number; statementAmount: number | null; postedAmount: number | null; result: Result; reference: string | null }[] = []
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
    lines.push({ loanId, statementAmount: s ? s.amount : null, postedAmount: p ? p.amount : null, result, reference: s && s.references.length > 0 ? s.references.join('; ').slice(0, 1000) : null })
  }
  if (!Number.isSafeInteger(statementTotal)) throw new DomainError('INVALID_AMOUNT', 'The statement total is too large')
  const suspenseAmount = statementTotal - postedTotal

  const id = Number(sqlite.prepare(`INSERT INTO reconciliations (transaction_point_id, date, status, statement_total, posted_total, suspense_amount, summary, created_by)
    VALUES (?, ?, 'open', ?, ?, ?, ?, ?)`).run(point.id, input.date, statementTotal, postedTotal, suspenseAmount, JSON.stringify(summary), ctx.actor.userId).lastInsertRowid)
  const insertLine = sqlite.prepare('INSERT INTO reconciliation_lines (reconciliation_id, loan_id, statement_amount, posted_amount, result, reference) VALUES (?, ?, ?, ?, ?, ?)')
  for (const l of lines) insertLine.run(id, l.loanId, l.statementAmount, l.postedAmount, l.result, l.reference)

  // Suspense: bring the (point, date)'s suspense balance per fund to this statement's difference.
  const already = sqlite.prepare(`SELECT jl.funding_source AS fund, COALESCE(SUM(jl.credit) - SUM(jl.debit), 0) AS net FROM journal_lines jl
    JOIN journal_entries je ON je.id = jl.entry_id
    WHERE jl.account = 'suspense' AND je.reconciliation_id IN (SELECT id FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND id <> ?)
    GROUP BY jl.funding_source`).all(point.id, input.date, id) as { fund: string; net: number }[]
  for (const a of already) if (!diffByFund.has(a.fund)) diffByFund.set(a.fund, 0)
  const entryLines: JournalLine[] = []
  for (const [fund, diff] of [...diffByFund].sort(([a], [b]) => a.localeCompare(b))) {
    const delta = diff - (already.find((a) => a.fund === fund)?.net ?? 0)
    if (delta > 0) entryLines.push({ account: 'cash_at_transaction_point', debit: delta, fundingSource: fund }, { account: 'suspense', credit: delta, fundingSource: fund })
    else if (delta < 0) entryLines.push({ account: 'suspense', debit: -delta, fundingSource: fund }, { account: 'cash_at_transaction_point', credit: -delta, fundingSource: fund })
  }
  postJournal(sqlite, {
    kind: 'reconciliation', valueDate: input.date, postedOn: ctx.businessDate, reconciliationId: id,
    description: `Reconciliation ${id}: transaction point ${point.id} on ${input.date}, statement ${statementTotal} − posted ${postedTotal} to suspense`,
    lines: entryLines,
  })
  const result = getReconciliation(sqlite, ctx.actor, id)
  ctx.audit({
    action: 'reconciliation.create', entity: 'reconciliation', entityId: id,
    after: { transactionPointId: point.id, date: input.date, statementLines: input.lines.length, summary, statementTotal, postedTotal, suspenseAmount, suspensePosted: result.suspensePosted, supersedes: result.supersedes },
  })
  return result
}

export function closeReconciliation(ctx: CommandContext, id: number) {
  const row = loadRow(ctx.sqlite, ctx.actor, id)
  if (row.status === 'closed') throw new DomainError('INVALID_STATE', `Reconciliation ${id} is already closed`)
  const { supersededBy } = neighbours(ctx.sqlite, row)
  if (supersededBy !== null) throw new DomainError('INVALID_STATE', `Reconciliation ${id} was superseded by reconciliation ${supersededBy}; close that one`)
  ctx.sqlite.prepare("UPDATE reconciliations SET status = 'closed', closed_by = ?, closed_at = ? WHERE id = ?").run(ctx.actor.userId, new Date().toISOString(), id)
  ctx.audit({ action: 'reconciliation.close', entity: 'reconciliation', entityId: id, before: { status: 'open' }, after: { status: 'closed', transactionPointId: row.transactionPointId, date: row.date } })
  return getReconciliation(ctx.sqlite, ctx.actor, id)
}

// ---------------------------------------------------------------------------
// Posting guard (wired as `hooks.guardPosting` by src/modules/hooks.ts)

const guardStmts = new WeakMap<Database.Database, Database.Statement>()

/** Refuses a repayment or reversal into a (transaction point, value date) whose reconciliation is closed. */
export function closedDayGuard(ctx: CommandContext, loan: LoanRow, valueDate: string): void {
  let stmt = guardStmts.get(ctx.sqlite)
  if (!stmt) {
    stmt = ctx.sqlite.prepare("SELECT id FROM reconciliations WHERE transaction_point_id = ? AND date = ? AND status = 'closed' LIMIT 1").pluck()
    guardStmts.set(ctx.sqlite, stmt)
  }
  const closed = stmt.get(loan.transactionPointId, valueDate) as number | undefined
  if (closed !== undefined) throw closedError(loan.transactionPointId, valueDate, closed)
}
