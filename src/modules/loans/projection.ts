/**
 * A loan's state is computed by replaying its append-only events with the pure
 * engine (src/domain/loan-engine.ts); the loans row holds a projection of that
 * state (balances, classification, next due date) for lists, reports and the
 * daily close, and repayment_allocations the current allocation of each repayment.
 */
import type Database from 'better-sqlite3'
import { replay, type Allocation, type LoanContract, type LoanEvent, type LoanState } from '../../domain/loan-engine.js'
import type { RateVersion } from '../../domain/interest.js'
import type { EveryMonths } from '../../domain/schedule.js'
import { notFound } from '../../platform/errors.js'
import { perConnection, statement } from '../../platform/database.js'

// The row shapes live with the schema (the platform's hooks name them too).
export type { LoanRow, StoredProjection } from '../../db/rows.js'
import type { LoanRow, StoredProjection } from '../../db/rows.js'

const PROJECTION_SELECT =
  `state, classification, disbursed_amount AS disbursedAmount, outstanding_principal AS outstandingPrincipal,
 ` +
  (` overdue_principal AS overduePrincipal, overdue_interest AS overdueInterest, interest_due AS interestDue, ` +
    `next_due_date `) +
  `AS nextDueDate,
  closed_on AS closedOn, written_off_on AS writtenOffOn, projected_as_of AS projectedAsOf`

interface TxRow {
  id: number
  kind: string
  valueDate: string
  amount: number
  details: string | null
  reversesId: number | null
}

const stmts = perConnection((sqlite) => ({
  loan: sqlite.prepare<
    [number],
    LoanRow
  >(`SELECT id, application_id AS applicationId, household_id AS householdId, programme_code AS programmeCode,
      local_policy_code AS localPolicyCode, branch_id AS branchId, partner_id AS partnerId, group_id AS groupId,
      transaction_point_id AS transactionPointId, funding_source AS fundingSource, approved_amount AS approvedAmount,
      term_months AS termMonths, every_months AS everyMonths, grace_months AS graceMonths, session_day AS
    sessionDay,
      overdue_rate_pct AS overdueRatePct, rates, approved_on AS approvedOn, approved_by AS approvedBy, state,
    classification,
      first_disbursed_on AS firstDisbursedOn, disbursed_amount AS disbursedAmount, closed_on AS closedOn,
    written_off_on AS writtenOffOn
      FROM loans WHERE id = ?`),
  programmeRates: sqlite.prepare(
    'SELECT effective_from AS effectiveFrom, monthly_rate_ppm AS monthlyRatePpm FROM programme_rates WHERE ' +
      'programme_code = ? ORDER BY effective_from',
  ),
  // Reversed transactions (and the reversals themselves) are left out of the replay, and so are recoveries:
  // money received after a write-off changes no balance of the loan (its ledger entry stands alone).
  events: sqlite.prepare(`SELECT t.id, t.kind, t.value_date AS valueDate, t.amount, t.details, t.reverses_id AS
      reversesId FROM loan_transactions t
      WHERE t.loan_id = ? AND t.kind NOT IN ('reversal', 'recovery') AND NOT EXISTS (SELECT 1 FROM loan_transactions
      r WHERE r.reverses_id = t.id)
      ORDER BY t.value_date, t.id`),
  projection: sqlite.prepare(`SELECT ${PROJECTION_SELECT} FROM loans WHERE id = ?`),
  deleteAllocations: sqlite.prepare('DELETE FROM repayment_allocations WHERE loan_id = ?'),
  liveRepayments:
    sqlite.prepare(`SELECT t.id, t.value_date AS valueDate, t.amount, t.collection_session_id AS collectionSessionId
      FROM loan_transactions t
      WHERE t.loan_id = ? AND t.kind = 'repayment' AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE
      r.reverses_id = t.id)`),
  insertAllocation:
    sqlite.prepare(`INSERT INTO repayment_allocations (transaction_id, loan_id, value_date, amount, overdue_interest,
      overdue_principal, interest, principal, prepaid, collection_session_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
}))

export function loadLoanRow(sqlite: Database.Database, loanId: number): LoanRow {
  const row = stmts(sqlite).loan.get(loanId)
  if (!row) throw notFound('Loan', loanId)
  return row
}

/** The loan's borrower rates: a fixed override (local policy) or the programme's versions. */
export function loanRates(sqlite: Database.Database, loan: LoanRow): RateVersion[] {
  const fixed = JSON.parse(loan.rates) as RateVersion[]
  if (fixed.length > 0) return fixed
  return stmts(sqlite).programmeRates.all(loan.programmeCode) as RateVersion[]
}

export function loanContract(sqlite: Database.Database, loan: LoanRow): LoanContract {
  return {
    approvedAmount: loan.approvedAmount,
    termMonths: loan.termMonths,
    principalPlan: { everyMonths: loan.everyMonths as EveryMonths, graceMonths: loan.graceMonths },
    sessionDay: loan.sessionDay,
    rates: loanRates(sqlite, loan),
    overdueRatePct: loan.overdueRatePct,
  }
}

export function loanEvents(sqlite: Database.Database, loanId: number): LoanEvent[] {
  return (stmts(sqlite).events.all(loanId) as TxRow[]).map((r) =>
    toLoanEvent(
      r.id,
      r.kind,
      r.valueDate,
      r.amount,
      r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {},
    ),
  )
}

/** A stored loan transaction as an engine event (reversals are not events: they remove one). */
export function toLoanEvent(
  id: number,
  kind: string,
  valueDate: string,
  amount: number,
  d: Record<string, unknown>,
): LoanEvent {
  const base = { id: String(id), seq: id, valueDate }
  switch (kind) {
    case 'disbursement':
      return { ...base, kind: 'disbursement', amount }
    case 'repayment':
      return { ...base, kind: 'repayment', amount }
    case 'extension':
      return {
        ...base,
        kind: 'extension',
        instalmentNumber: d.instalmentNumber as number,
        newDueDate: d.newDueDate as string,
      }
    case 'freeze':
      return { ...base, kind: 'freeze', untilDate: d.untilDate as string }
    case 'write_off':
      return { ...base, kind: 'write_off' }
    case 'recall':
      return { ...base, kind: 'recall' }
    default:
      throw new Error(`unknown loan transaction kind ${kind}`)
  }
}

/** Replays the loan as of `asOf` (extra events, e.g. a payment being tried, may be added). */
export function loanState(sqlite: Database.Database, loan: LoanRow, asOf: string, extra: LoanEvent[] = []): LoanState {
  return replay(loanContract(sqlite, loan), [...loanEvents(sqlite, loan.id), ...extra], asOf)
}

export function insertAllocation(
  sqlite: Database.Database,
  loanId: number,
  txId: number,
  event: { valueDate: string; amount: number; collectionSessionId?: number | null },
  a: Allocation,
): void {
  stmts(sqlite).insertAllocation.run(
    txId,
    loanId,
    event.valueDate,
    event.amount,
    a.overdueInterest,
    a.overduePrincipal,
    a.interest,
    a.principal,
    a.prepaid,
    event.collectionSessionId ?? null,
  )
}

/** Rewrites the loan's rows in repayment_allocations from a replay over all its events. */
export function writeAllocations(sqlite: Database.Database, loanId: number, whole: LoanState): void {
  const s = stmts(sqlite)
  s.deleteAllocations.run(loanId)
  for (const r of s.liveRepayments.all(loanId) as {
    id: number
    valueDate: string
    amount: number
    collectionSessionId: number | null
  }[]) {
    const a = whole.allocations[String(r.id)]
    if (!a) continue
    s.insertAllocation.run(
      r.id,
      loanId,
      r.valueDate,
      r.amount,
      a.overdueInterest,
      a.overduePrincipal,
      a.interest,
      a.principal,
      a.prepaid,
      r.collectionSessionId,
    )
  }
}

/** The stored projection of a loan, read fresh (inside the command's transaction). */
export function storedProjection(sqlite: Database.Database, loanId: number): StoredProjection {
  const row = stmts(sqlite).projection.get(loanId) as StoredProjection | undefined
  if (!row) throw notFound('Loan', loanId)
  return row
}

/** Column ← value of the replayed state, in a fixed order (the order names the cached statement). */
function projectionValues(state: LoanState): [keyof StoredProjection, string, string | number | null][] {
  return [
    ['state', 'state', state.state],
    ['classification', 'classification', state.classification],
    ['disbursedAmount', 'disbursed_amount', state.disbursed],
    ['outstandingPrincipal', 'outstanding_principal', state.outstandingPrincipal],
    ['overduePrincipal', 'overdue_principal', state.overduePrincipal],
    ['overdueInterest', 'overdue_interest', state.overdueInterest],
    ['interestDue', 'interest_due', state.interestDue],
    ['nextDueDate', 'next_due_date', state.nextDueDate],
    ['closedOn', 'closed_on', state.closedOn],
    ['writtenOffOn', 'written_off_on', state.writtenOffOn],
    ['projectedAsOf', 'projected_as_of', state.asOf],
  ]
}

const FIRST_DISBURSED =
  `first_disbursed_on = (SELECT MIN(t.value_date) FROM loan_transactions t WHERE t.loan_id = ? AND t.kind = ` +
  `'disbursement'
 ` +
  ` AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id))`

/**
 * Writes the replayed state into the loans row (balances, classification, next
 * due date). Only the columns whose value differs from `stored` are SET: the
 * loans table carries covering indexes for the reports, and SQLite rewrites an
 * index entry whenever one of its columns is in the SET list, so an unchanged
 * column left out saves random index-page writes (and WAL bytes to fsync) on
 * every repayment. Without `stored`, every column is written.
 * `refreshFirstDisbursed` recomputes first_disbursed_on (disbursements, reversals).
 *
 * Instalment detail is not stored: GET /v1/loans/{id}/schedule replays it
 * exactly, and a per-instalment table would cost tens of rows per loan at
 * national scale for nothing the service decides on.
 */
export function writeProjection(
  sqlite: Database.Database,
  loanId: number,
  state: LoanState,
  stored?: StoredProjection,
  refreshFirstDisbursed = stored === undefined,
): void {
  const sets: string[] = []
  const values: (string | number | null)[] = []
  for (const [field, column, value] of projectionValues(state)) {
    if (stored && stored[field] === value) continue
    values.push(value)
    sets.push(`${column} = ?`)
  }
  if (refreshFirstDisbursed) {
    sets.push(FIRST_DISBURSED)
    values.push(loanId)
  }
  sets.push('version = version + 1')
  statement(sqlite, `UPDATE loans SET ${sets.join(', ')} WHERE id = ?`).run(...values, loanId)
}
