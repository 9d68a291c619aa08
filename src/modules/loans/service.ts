/**
 * Loans: views computed by replay as of the business date, the schedule, the
 * transactions, disbursement and cancellation (docs/rules.md §5–§6).
 *
 * disburse errors: NOT_FOUND, INVALID_STATE (closed / written off / cancelled),
 * DISBURSEMENT_ABOVE_APPROVED, DATE_IN_FUTURE, DATE_ORDER (before approval or an
 * earlier tranche), INVALID_DISBURSEMENT (no principal instalment left after it).
 */
import { and, eq, gt, inArray, lt, not, type SQL } from 'drizzle-orm'
import { households, loans } from '../../db/schema.js'
import type { Db } from '../../platform/database.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { assertInScope, scopeCondition } from '../../platform/scope.js'
import { DomainError } from '../../platform/errors.js'
import { generateSchedule, type EveryMonths } from '../../domain/schedule.js'
import { rateOn, type RateVersion } from '../../domain/interest.js'
import type { LoanState } from '../../domain/loan-engine.js'
import type Database from 'better-sqlite3'
import { loadLoanRow, loanContract, loanEvents, loanRates, loanState, type LoanRow } from './projection.js'
import { postLoanEvent } from './posting.js'
import { insertLoanTransaction, loanQueries } from './queries.js'
import { supportVerdictOf } from '../support/service.js'
import { loanTopUp } from '../ledger/loan-ledger.js'

type SummaryFacts = Pick<
  LoanState,
  | 'disbursed'
  | 'outstandingPrincipal'
  | 'overduePrincipal'
  | 'overdueInterest'
  | 'interestDue'
  | 'nextDueDate'
  | 'closedOn'
  | 'writtenOffOn'
> & { state: string; classification: string }

function summary(
  row: Omit<LoanRow, 'rates'>,
  facts: SummaryFacts,
  firstDisbursedOn: string | null,
  balancesAsOf: string | null,
) {
  // A cancelled loan replays as never disbursed: its state is the loans row's, not the engine's.
  const s =
    row.state === 'cancelled' ? { ...facts, state: 'cancelled', classification: 'cancelled', nextDueDate: null } : facts
  return {
    id: row.id,
    applicationId: row.applicationId,
    householdId: row.householdId,
    programmeCode: row.programmeCode,
    localPolicyCode: row.localPolicyCode,
    branchId: row.branchId,
    partnerId: row.partnerId,
    groupId: row.groupId,
    transactionPointId: row.transactionPointId,
    fundingSource: row.fundingSource,
    status: s.state as (typeof loans.$inferSelect)['state'],
    classification: s.classification,
    approvedAmount: row.approvedAmount,
    disbursedAmount: s.disbursed,
    outstandingPrincipal: s.outstandingPrincipal,
    overduePrincipal: s.overduePrincipal,
    overdueInterest: s.overdueInterest,
    interestDue: s.interestDue,
    nextDueDate: s.nextDueDate,
    termMonths: row.termMonths,
    principalPlan: { everyMonths: row.everyMonths, graceMonths: row.graceMonths },
    sessionDay: row.sessionDay,
    approvedOn: row.approvedOn,
    firstDisbursedOn,
    closedOn: s.closedOn,
    writtenOffOn: s.writtenOffOn,
    balancesAsOf,
  }
}

/** `rates`: the loan's rate versions when the caller already has them (saves a query on the repayment path). */
export function loanView(
  sqlite: Database.Database,
  row: LoanRow,
  state: LoanState,
  firstDisbursedOn?: string | null,
  rates: readonly RateVersion[] = loanRates(sqlite, row),
) {
  const first =
    firstDisbursedOn !== undefined && firstDisbursedOn !== null
      ? firstDisbursedOn
      : (loanEvents(sqlite, row.id).find((e) => e.kind === 'disbursement')?.valueDate ?? null)
  return {
    ...summary(row, state, first, state.asOf),
    asOf: state.asOf,
    monthlyRatePpm: rateOn(rates, state.asOf < '1900-01-02' ? '1900-01-02' : state.asOf),
    overdueRatePct: row.overdueRatePct,
    recalledOn: state.recalledOn,
    principalDueNow: state.principalDueNow,
    payoffAmount: state.payoffAmount,
    totals: state.totals,
  }
}

/** The loan, or 404 when missing or outside the actor's scope. */
export function loadLoanInScope(sqlite: Database.Database, actor: Actor, id: number): LoanRow {
  const row = loadLoanRow(sqlite, id)
  assertInScope(actor, row, 'Loan', id)
  return row
}

/** Σ recoveries posted on a (written-off) loan with value date ≤ asOf. */
export function recoveredTotal(sqlite: Database.Database, loanId: number, asOf = '9999-12-31'): number {
  return loanQueries(sqlite).recovered.get(loanId, asOf) ?? 0
}

/** The detail: the view, the borrower, and what a cancellation or write-off left (not on the repayment path). */
export function getLoan(sqlite: Database.Database, actor: Actor, id: number, asOf: string) {
  const row = loadLoanInScope(sqlite, actor, id)
  const state = loanState(sqlite, row, asOf)
  const borrower = loanQueries(sqlite).borrower.get(row.householdId)!
  const cancellation = row.state === 'cancelled' ? loanQueries(sqlite).cancellation.get(row.id) : undefined
  let writeOff: { principal: number; interest: number; recovered: number; recoverable: number } | undefined
  if (state.state === 'written_off' && state.writtenOff) {
    const recovered = recoveredTotal(sqlite, row.id, asOf)
    writeOff = {
      ...state.writtenOff,
      recovered,
      recoverable: Math.max(0, state.writtenOff.principal + state.writtenOff.interest - recovered),
    }
  }
  const supportVerdict = row.localPolicyCode ? supportVerdictOf(sqlite, row.id) : null
  // docs/rules.md §13: a local top-up funds the part above the national cap from the policy's source.
  const topUp = loanTopUp(sqlite, row.id)
  const funding = [{ source: row.fundingSource, amount: row.approvedAmount - (topUp?.topUpAmount ?? 0), topUp: false }]
  if (topUp) funding.push({ source: topUp.source, amount: topUp.topUpAmount, topUp: true })
  const origination = loanQueries(sqlite).origination.get(row.id)!
  return {
    ...loanView(sqlite, row, state),
    ...borrower,
    purposeCode: origination.purposeCode,
    borrowerFacts: JSON.parse(origination.borrowerFacts) as Record<string, string | number>,
    ...(cancellation ? { cancellation } : {}),
    ...(writeOff ? { writeOff } : {}),
    ...(supportVerdict ? { supportVerdict } : {}),
    funding,
  }
}

export interface LoanFilters {
  status?: string
  classification?: string
  branchId?: number
  partnerId?: number
  householdId?: number
  groupId?: number
  transactionPointId?: number
  programmeCode?: string
  awaitingDisbursement?: boolean
}

/**
 * Loans in the actor's scope, filtered on the projection columns (each filter has an index:
 * loans_branch, loans_partner, loans_household, loans_group, loans_transaction_point,
 * loans_programme, loans_state). `classification` is the projection's, refreshed by every money
 * event and the daily close: `overdue` = something overdue (principal, interest or penalty) on it.
 */
export function listLoans(db: Db, actor: Actor, q: LoanFilters, afterId: number, limit: number) {
  const where: (SQL | undefined)[] = [gt(loans.id, afterId)]
  if (q.status) where.push(eq(loans.state, q.status as (typeof loans.$inferSelect)['state']))
  if (q.classification) where.push(eq(loans.classification, q.classification))
  if (q.branchId) where.push(eq(loans.branchId, q.branchId))
  if (q.partnerId) where.push(eq(loans.partnerId, q.partnerId))
  if (q.householdId) where.push(eq(loans.householdId, q.householdId))
  if (q.groupId) where.push(eq(loans.groupId, q.groupId))
  if (q.transactionPointId) where.push(eq(loans.transactionPointId, q.transactionPointId))
  if (q.programmeCode) where.push(eq(loans.programmeCode, q.programmeCode))
  if (q.awaitingDisbursement !== undefined) {
    const awaiting = and(inArray(loans.state, ['approved', 'active']), lt(loans.disbursedAmount, loans.approvedAmount))!
    where.push(q.awaitingDisbursement ? awaiting : not(awaiting))
  }
  where.push(scopeCondition(actor, { branch: loans.branchId, partner: loans.partnerId }))
  const rows = db
    .select({ loan: loans, householdName: households.headName, nationalId: households.nationalId })
    .from(loans)
    .innerJoin(households, eq(households.id, loans.householdId))
    .where(and(...where))
    .orderBy(loans.id)
    .limit(limit + 1)
    .all()
  return rows.map(({ loan: r, householdName, nationalId }) => ({
    ...summary(
      r,
      {
        state: r.state,
        classification: r.classification,
        disbursed: r.disbursedAmount,
        outstandingPrincipal: r.outstandingPrincipal,
        overduePrincipal: r.overduePrincipal,
        overdueInterest: r.overdueInterest,
        interestDue: r.interestDue,
        nextDueDate: r.nextDueDate,
        closedOn: r.closedOn,
        writtenOffOn: r.writtenOffOn,
      },
      r.firstDisbursedOn,
      r.projectedAsOf,
    ),
    householdName,
    nationalId,
  }))
}

function lineStatus(i: LoanState['instalments'][number], asOf: string): string {
  if (i.paidOffOn) return 'paid'
  if (i.effectiveDueDate < asOf) return 'overdue'
  if (i.dueDate <= asOf || i.effectiveDueDate <= asOf) return 'due' // (a recall brings the due date forward)
  return 'upcoming'
}

export function getSchedule(sqlite: Database.Database, actor: Actor, id: number, asOf: string) {
  const row = loadLoanInScope(sqlite, actor, id)
  const contract = loanContract(sqlite, row)
  const events = loanEvents(sqlite, row.id)
  const tranches = events
    .filter((e) => e.kind === 'disbursement')
    .map((e) => ({ valueDate: e.valueDate, amount: (e as { amount: number }).amount }))
  const indicative = tranches.length === 0
  const planned = generateSchedule({
    termMonths: row.termMonths,
    principalPlan: contract.principalPlan,
    sessionDay: row.sessionDay,
    rates: contract.rates,
    disbursements: indicative ? [{ valueDate: asOf, amount: row.approvedAmount }] : tranches,
  })
  const schedule = <I>(instalments: I[]) => ({
    loanId: id,
    asOf,
    indicative,
    instalments,
    totalPrincipal: planned.totalPrincipal,
    totalInterest: planned.totalInterest,
  })
  if (indicative) {
    const instalments = planned.instalments.map((p) => ({
      number: p.number,
      dueDate: p.dueDate,
      effectiveDueDate: p.dueDate,
      principal: p.principal,
      interest: p.interest,
      principalPaid: 0,
      interestCharged: 0,
      interestPaid: 0,
      penaltyCharged: 0,
      penaltyPaid: 0,
      paidOffOn: null,
      overdueSince: null,
      extended: false,
      recalled: false,
      status: 'upcoming',
    }))
    return schedule(instalments)
  }
  const state = loanState(sqlite, row, asOf)
  const instalments = state.instalments.map((i, k) => ({
    number: i.number,
    dueDate: i.dueDate,
    effectiveDueDate: i.effectiveDueDate,
    principal: i.principalDue,
    // A recalled instalment's interest is what accrued up to the recall, not the plan's.
    interest: i.recalled ? i.interestCharged : (planned.instalments[k]?.interest ?? 0),
    principalPaid: i.principalPaid,
    interestCharged: i.interestCharged,
    interestPaid: i.interestPaid,
    penaltyCharged: i.penaltyCharged,
    penaltyPaid: i.penaltyPaid,
    paidOffOn: i.paidOffOn,
    overdueSince: i.overdueSince,
    extended: i.extended,
    recalled: i.recalled,
    status: lineStatus(i, asOf),
  }))
  return schedule(instalments)
}

export function listTransactions(sqlite: Database.Database, actor: Actor, id: number) {
  const row = loadLoanInScope(sqlite, actor, id)
  const rows = loanQueries(sqlite).transactions.all(row.id)
  // Allocations are those of the current replay: a back-dated payment or a reversal re-allocates later repayments.
  const state = loanState(sqlite, row, '9999-12-31')
  return rows.map((t) => ({
    ...t,
    details: t.details ? JSON.parse(t.details) : null,
    allocation: t.kind === 'repayment' && !t.reversedById ? (state.allocations[String(t.id)] ?? null) : null,
  }))
}

// Kept importable from here for the callers outside the module (the write-off, the demo generator).
export { insertLoanTransaction }

/** A tranche of cash to the borrower: one transaction, one journal entry, the projection refreshed. */
export function disburse(
  ctx: CommandContext,
  loanId: number,
  input: { amount: number; valueDate: string; reference?: string },
) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  if (row.state === 'closed' || row.state === 'written_off' || row.state === 'cancelled')
    throw new DomainError('INVALID_STATE', `Loan ${loanId} is ${row.state}`)
  if (input.valueDate > ctx.businessDate)
    throw new DomainError(
      'DATE_IN_FUTURE',
      `valueDate ${input.valueDate} is after the business date ${ctx.businessDate}`,
    )
  if (input.valueDate < row.approvedOn)
    throw new DomainError('DATE_ORDER', `valueDate ${input.valueDate} is before the approval date ${row.approvedOn}`)
  const previous = loanEvents(ctx.sqlite, loanId).filter((e) => e.kind === 'disbursement')
  const last = previous[previous.length - 1]
  if (last && input.valueDate < last.valueDate)
    throw new DomainError(
      'DATE_ORDER',
      `valueDate ${input.valueDate} is before the previous tranche (${last.valueDate})`,
    )
  const before = { state: row.state, disbursed: previous.reduce((a, e) => a + (e as { amount: number }).amount, 0) }
  if (before.disbursed + input.amount > row.approvedAmount) {
    throw new DomainError(
      'DISBURSEMENT_ABOVE_APPROVED',
      `Disbursing ${input.amount} would bring the total to ${before.disbursed + input.amount}, above the approved ` +
        `${row.approvedAmount}`,
    )
  }
  const { txId, after: state } = postLoanEvent(
    ctx,
    row,
    { kind: 'disbursement', valueDate: input.valueDate, amount: input.amount, reference: input.reference ?? null },
    `Disbursement of loan ${loanId}`,
  )
  ctx.audit({
    action: 'loan.disburse',
    entity: 'loan',
    entityId: loanId,
    before,
    after: {
      transactionId: txId,
      amount: input.amount,
      valueDate: input.valueDate,
      state: state.state,
      disbursed: state.disbursed,
    },
  })
  return { transactionId: txId, loan: loanView(ctx.sqlite, { ...row, state: state.state }, state) }
}

export function previewSchedule(input: {
  amount: number
  termMonths: number
  principalPlan: { everyMonths: EveryMonths; graceMonths: number }
  monthlyRatePpm: number
  disbursementDate: string
  sessionDay: number
}) {
  const s = generateSchedule({
    termMonths: input.termMonths,
    principalPlan: input.principalPlan,
    sessionDay: input.sessionDay,
    rates: [{ effectiveFrom: '1900-01-01', monthlyRatePpm: input.monthlyRatePpm }],
    disbursements: [{ valueDate: input.disbursementDate, amount: input.amount }],
  })
  return {
    instalments: s.instalments.map((i) => ({
      number: i.number,
      dueDate: i.dueDate,
      principal: i.principal,
      interest: i.interest,
      balanceAfter: i.balanceAfter,
    })),
    totalPrincipal: s.totalPrincipal,
    totalInterest: s.totalInterest,
  }
}

/**
 * Cancels an approved loan that was never disbursed (no live disbursement: one reversed in full
 * counts as none): the loans row becomes 'cancelled' (so it no longer counts as the household's
 * approved loan in the programme, and the household may apply again), the reason is kept in
 * loan_cancellations, audited. No money moved, so no journal entry.
 * Errors: NOT_FOUND, INVALID_STATE (not 'approved', or a disbursement on it).
 */
export function cancelLoan(ctx: CommandContext, loanId: number, input: { reason: string }) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  if (row.state !== 'approved')
    throw new DomainError(
      'INVALID_STATE',
      `Loan ${loanId} is ${row.state}; only an approved loan that was never disbursed can be cancelled`,
    )
  if (loanEvents(ctx.sqlite, loanId).some((e) => e.kind === 'disbursement')) {
    throw new DomainError('INVALID_STATE', `Loan ${loanId} has a disbursement; reverse it before cancelling`)
  }
  const changed = loanQueries(ctx.sqlite).cancel.run(loanId).changes
  if (changed !== 1) throw new DomainError('INVALID_STATE', `Loan ${loanId} changed concurrently`)
  loanQueries(ctx.sqlite).insertCancellation.run(loanId, ctx.businessDate, input.reason, ctx.actor.userId)
  ctx.audit({
    action: 'loan.cancel',
    entity: 'loan',
    entityId: loanId,
    before: { state: row.state, classification: row.classification },
    after: { state: 'cancelled', reason: input.reason, cancelledOn: ctx.businessDate },
  })
  const cancelled: LoanRow = { ...row, state: 'cancelled', classification: 'cancelled' }
  return {
    ...loanView(ctx.sqlite, cancelled, loanState(ctx.sqlite, cancelled, ctx.businessDate)),
    cancellation: { cancelledOn: ctx.businessDate, reason: input.reason, cancelledBy: ctx.actor.userId },
  }
}
