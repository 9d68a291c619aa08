/**
 * Loans: views computed by replay as of the business date, the schedule, the
 * transactions, and disbursement (RULES.md §5–§6).
 *
 * disburse errors: NOT_FOUND, INVALID_STATE (closed / written off),
 * DISBURSEMENT_ABOVE_APPROVED, DATE_IN_FUTURE, DATE_ORDER (before approval or an
 * earlier tranche), INVALID_DISBURSEMENT (no principal instalment left after it).
 */
import { and, eq, gt, type SQL } from 'drizzle-orm'
import { loans } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import { type Actor, assertInScope, READ_ALL_ROLES } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import { generateSchedule, type EveryMonths } from '../../domain/schedule.js'
import { rateOn, type RateVersion } from '../../domain/interest.js'
import type { LoanState } from '../../domain/loan-engine.js'
import type Database from 'better-sqlite3'
import { loadLoanRow, loanContract, loanEvents, loanRates, loanState, type LoanRow } from './projection.js'
import { postLoanEvent } from './posting.js'

function summary(row: LoanRow, s: Pick<LoanState, 'state' | 'classification' | 'disbursed' | 'outstandingPrincipal' | 'overduePrincipal' | 'overdueInterest' | 'interestDue' | 'nextDueDate' | 'closedOn' | 'writtenOffOn'>, firstDisbursedOn: string | null, balancesAsOf: string | null) {
  return {
    id: row.id, applicationId: row.applicationId, householdId: row.householdId, programmeCode: row.programmeCode, localPolicyCode: row.localPolicyCode,
    branchId: row.branchId, partnerId: row.partnerId, groupId: row.groupId, transactionPointId: row.transactionPointId, fundingSource: row.fundingSource,
    status: s.state, classification: s.classification, approvedAmount: row.approvedAmount, disbursedAmount: s.disbursed,
    outstandingPrincipal: s.outstandingPrincipal, overduePrincipal: s.overduePrincipal, overdueInterest: s.overdueInterest, interestDue: s.interestDue,
    nextDueDate: s.nextDueDate, termMonths: row.termMonths, principalPlan: { everyMonths: row.everyMonths, graceMonths: row.graceMonths },
    sessionDay: row.sessionDay, approvedOn: row.approvedOn, firstDisbursedOn, closedOn: s.closedOn, writtenOffOn: s.writtenOffOn, balancesAsOf,
  }
}

/** `rates`: the loan's rate versions when the caller already has them (saves a query on the repayment path). */
export function loanView(sqlite: Database.Database, row: LoanRow, state: LoanState, firstDisbursedOn?: string | null, rates: readonly RateVersion[] = loanRates(sqlite, row)) {
  const first = firstDisbursedOn !== undefined && firstDisbursedOn !== null ? firstDisbursedOn : loanEvents(sqlite, row.id).find((e) => e.kind === 'disbursement')?.valueDate ?? null
  return {
    ...summary(row, state, first, state.asOf), asOf: state.asOf, monthlyRatePpm: rateOn(rates, state.asOf < '1900-01-02' ? '1900-01-02' : state.asOf),
    overdueRatePct: row.overdueRatePct, principalDueNow: state.principalDueNow, payoffAmount: state.payoffAmount, totals: state.totals,
  }
}

/** The loan, or 404 when missing or outside the actor's scope. */
export function loadLoanInScope(sqlite: Database.Database, actor: Actor, id: number): LoanRow {
  const row = loadLoanRow(sqlite, id)
  assertInScope(actor, row, 'Loan', id)
  return row
}

export function getLoan(sqlite: Database.Database, actor: Actor, id: number, asOf: string) {
  const row = loadLoanInScope(sqlite, actor, id)
  return loanView(sqlite, row, loanState(sqlite, row, asOf))
}

export function listLoans(db: Db, actor: Actor, q: { status?: string; branchId?: number; partnerId?: number; householdId?: number; groupId?: number }, afterId: number, limit: number) {
  const where: SQL[] = [gt(loans.id, afterId)]
  if (q.status) where.push(eq(loans.state, q.status as LoanRow['state'] & 'approved'))
  if (q.branchId) where.push(eq(loans.branchId, q.branchId))
  if (q.partnerId) where.push(eq(loans.partnerId, q.partnerId))
  if (q.householdId) where.push(eq(loans.householdId, q.householdId))
  if (q.groupId) where.push(eq(loans.groupId, q.groupId))
  if (actor.role === 'partner_officer') where.push(eq(loans.partnerId, actor.partnerId ?? -1))
  else if (!READ_ALL_ROLES.includes(actor.role)) where.push(eq(loans.branchId, actor.branchId ?? -1))
  const rows = db.select().from(loans).where(and(...where)).orderBy(loans.id).limit(limit + 1).all()
  return rows.map((r) => ({
    ...summary({ ...r, rates: '' } as unknown as LoanRow, { state: r.state, classification: r.classification as LoanState['classification'], disbursed: r.disbursedAmount,
      outstandingPrincipal: r.outstandingPrincipal, overduePrincipal: r.overduePrincipal, overdueInterest: r.overdueInterest, interestDue: r.interestDue,
      nextDueDate: r.nextDueDate, closedOn: r.closedOn, writtenOffOn: r.writtenOffOn }, r.firstDisbursedOn, r.projectedAsOf),
  }))
}

function lineStatus(i: LoanState['instalments'][number], asOf: string): string {
  if (i.paidOffOn) return 'paid'
  if (i.effectiveDueDate < asOf) return 'overdue'
  if (i.dueDate <= asOf) return 'due'
  return 'upcoming'
}

export function getSchedule(sqlite: Database.Database, actor: Actor, id: number, asOf: string) {
  const row = loadLoanInScope(sqlite, actor, id)
  const contract = loanContract(sqlite, row)
  const events = loanEvents(sqlite, row.id)
  const tranches = events.filter((e) => e.kind === 'disbursement').map((e) => ({ valueDate: e.valueDate, amount: (e as { amount: number }).amount }))
  const indicative = tranches.length === 0
  const planned = generateSchedule({
    termMonths: row.termMonths, principalPlan: contract.principalPlan, sessionDay: row.sessionDay, rates: contract.rates,
    disbursements: indicative ? [{ valueDate: asOf, amount: row.approvedAmount }] : tranches,
  })
  if (indicative) {
    const instalments = planned.instalments.map((p) => ({
      number: p.number, dueDate: p.dueDate, effectiveDueDate: p.dueDate, principal: p.principal, interest: p.interest, principalPaid: 0,
      interestCharged: 0, interestPaid: 0, penaltyCharged: 0, penaltyPaid: 0, paidOffOn: null, overdueSince: null, extended: false, status: 'upcoming',
    }))
    return { loanId: id, asOf, indicative, instalments, totalPrincipal: planned.totalPrincipal, totalInterest: planned.totalInterest }
  }
  const state = loanState(sqlite, row, asOf)
  const instalments = state.instalments.map((i, k) => ({
    number: i.number, dueDate: i.dueDate, effectiveDueDate: i.effectiveDueDate, principal: i.principalDue, interest: planned.instalments[k]?.interest ?? 0,
    principalPaid: i.principalPaid, interestCharged: i.interestCharged, interestPaid: i.interestPaid, penaltyCharged: i.penaltyCharged,
    penaltyPaid: i.penaltyPaid, paidOffOn: i.paidOffOn, overdueSince: i.overdueSince, extended: i.extended, status: lineStatus(i, asOf),
  }))
  return { loanId: id, asOf, indicative, instalments, totalPrincipal: planned.totalPrincipal, totalInterest: planned.totalInterest }
}

interface TxRow { id: number; loanId: number; kind: string; valueDate: string; postedOn: string; amount: number; reference: string | null; reversesId: number | null; reversedById: number | null; collectionSessionId: number | null; details: string | null; createdBy: number; createdAt: string }

export function listTransactions(sqlite: Database.Database, actor: Actor, id: number) {
  const row = loadLoanInScope(sqlite, actor, id)
  const rows = sqlite.prepare(`SELECT t.id, t.loan_id AS loanId, t.kind, t.value_date AS valueDate, t.posted_on AS postedOn, t.amount, t.reference,
    t.reverses_id AS reversesId, (SELECT r.id FROM loan_transactions r WHERE r.reverses_id = t.id) AS reversedById,
    t.collection_session_id AS collectionSessionId, t.details, t.created_by AS createdBy, t.created_at AS createdAt
    FROM loan_transactions t WHERE t.loan_id = ? ORDER BY t.value_date, t.id`).all(row.id) as TxRow[]
  // Allocations are those of the current replay: a back-dated payment or a reversal re-allocates later repayments.
  const state = loanState(sqlite, row, '9999-12-31')
  return rows.map((t) => ({
    ...t, details: t.details ? JSON.parse(t.details) : null,
    allocation: t.kind === 'repayment' && !t.reversedById ? (state.allocations[String(t.id)] ?? null) : null,
  }))
}

const insertTx = new WeakMap<Database.Database, Database.Statement>()
export function insertLoanTransaction(sqlite: Database.Database, tx: { loanId: number; kind: string; valueDate: string; postedOn: string; amount: number; reference?: string | null; reversesId?: number | null; collectionSessionId?: number | null; details?: unknown; createdBy: number }): number {
  let stmt = insertTx.get(sqlite)
  if (!stmt) {
    stmt = sqlite.prepare(`INSERT INTO loan_transactions (loan_id, kind, value_date, posted_on, amount, reference, reverses_id, collection_session_id, details, created_by)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    insertTx.set(sqlite, stmt)
  }
  return Number(stmt.run(tx.loanId, tx.kind, tx.valueDate, tx.postedOn, tx.amount, tx.reference ?? null, tx.reversesId ?? null, tx.collectionSessionId ?? null,
    tx.details === undefined ? null : JSON.stringify(tx.details), tx.createdBy).lastInsertRowid)
}

/** A tranche of cash to the borrower: one transaction, one journal entry, the projection refreshed. */
export function disburse(ctx: CommandContext, loanId: number, input: { amount: number; valueDate: string; reference?: string }) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  if (row.state === 'closed' || row.state === 'written_off') throw new DomainError('INVALID_STATE', `Loan ${loanId} is ${row.state}`)
  if (input.valueDate > ctx.businessDate) throw new DomainError('DATE_IN_FUTURE', `valueDate ${input.valueDate} is after the business date ${ctx.businessDate}`)
  if (input.valueDate < row.approvedOn) throw new DomainError('DATE_ORDER', `valueDate ${input.valueDate} is before the approval date ${row.approvedOn}`)
  const previous = loanEvents(ctx.sqlite, loanId).filter((e) => e.kind === 'disbursement')
  const last = previous[previous.length - 1]
  if (last && input.valueDate < last.valueDate) throw new DomainError('DATE_ORDER', `valueDate ${input.valueDate} is before the previous tranche (${last.valueDate})`)
  const before = { state: row.state, disbursed: previous.reduce((a, e) => a + (e as { amount: number }).amount, 0) }
  if (before.disbursed + input.amount > row.approvedAmount) {
    throw new DomainError('DISBURSEMENT_ABOVE_APPROVED', `Disbursing ${input.amount} would bring the total to ${before.disbursed + input.amount}, above the approved ${row.approvedAmount}`)
  }
  const { txId, after: state } = postLoanEvent(ctx, row, { kind: 'disbursement', valueDate: input.valueDate, amount: input.amount, reference: input.reference ?? null }, `Disbursement of loan ${loanId}`)
  ctx.audit({ action: 'loan.disburse', entity: 'loan', entityId: loanId, before, after: { transactionId: txId, amount: input.amount, valueDate: input.valueDate, state: state.state, disbursed: state.disbursed } })
  return { transactionId: txId, loan: loanView(ctx.sqlite, { ...row, state: state.state }, state) }
}

export function previewSchedule(input: { amount: number; termMonths: number; principalPlan: { everyMonths: EveryMonths; graceMonths: number }; monthlyRatePpm: number; disbursementDate: string; sessionDay: number }) {
  const s = generateSchedule({
    termMonths: input.termMonths, principalPlan: input.principalPlan, sessionDay: input.sessionDay,
    rates: [{ effectiveFrom: '1900-01-01', monthlyRatePpm: input.monthlyRatePpm }],
    disbursements: [{ valueDate: input.disbursementDate, amount: input.amount }],
  })
  return {
    instalments: s.instalments.map((i) => ({ number: i.number, dueDate: i.dueDate, principal: i.principal, interest: i.interest, balanceAfter: i.balanceAfter })),
    totalPrincipal: s.totalPrincipal, totalInterest: s.totalInterest,
  }
}
