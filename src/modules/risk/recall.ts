/**
 * Recall of a loan whose capital was misused (docs/rules.md §16), with four eyes like the write-off
 * (four-eyes.ts). Branch staff of the loan's branch propose it, citing the loan's latest inspection, whose
 * finding must be `misused`; a branch manager of the branch (or an admin) other than the proposer approves
 * with the decision number and value date, which appends the `recall` loan event: from that date the whole
 * outstanding principal and the interest accrued to it are due (src/domain/loan-engine.ts). Or rejects, with a
 * reason. One pending proposal per loan.
 *
 * The value date is on or after the inspection and after no other event of the loan (a recall never re-allocates
 * money already received), and not after the business date. A recall is a loan transaction: like an extension or a
 * freeze it can be reversed (POST /v1/loans/{id}/transactions/{txId}/reverse, e.g. when the decision is annulled);
 * its proposal stays approved, as the record of the decision.
 *
 * proposeRecall errors: NOT_FOUND, INVALID_STATE (not active), LOAN_RECALLED (already recalled), DUPLICATE (a
 *   proposal is pending), REFERENCE_NOT_FOUND (no such inspection of this loan), RECALL_NOT_ALLOWED
 *   (details.reason FINDING_NOT_MISUSE | SUPERSEDED).
 * approveRecall errors: NOT_FOUND (no pending proposal), FOUR_EYES, INVALID_STATE, LOAN_RECALLED,
 *   RECALL_NOT_ALLOWED, DATE_IN_FUTURE, DATE_ORDER, LOAN_CLOSED.
 * rejectRecall errors: NOT_FOUND (no pending proposal).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import { scopeSql } from '../../platform/scope.js'
import { recallRefusal } from '../../domain/inspection.js'
import { loadLoanInScope, loanView } from '../loans/service.js'
import { loanEvents, loanState, type LoanRow } from '../loans/projection.js'
import { assertNotFuture, postLoanEvent } from '../loans/posting.js'
import { loanInspections } from '../inspections/service.js'
import { recallProposalsPage, recallQueries, type RecallProposalRow } from './queries.js'
import { assertNonePending, assertSecondPerson, pendingOrNotFound } from './four-eyes.js'

/** The loan can be recalled: active and not yet recalled (as of the business date). */
function assertRecallable(ctx: CommandContext, row: LoanRow) {
  if (row.state !== 'active')
    throw new DomainError('INVALID_STATE', `Loan ${row.id} is ${row.state}; only an active loan can be recalled`)
  const state = loanState(ctx.sqlite, row, ctx.businessDate)
  if (state.recalledOn)
    throw new DomainError('LOAN_RECALLED', `Loan ${row.id} was already recalled on ${state.recalledOn}`)
}

/** The inspection the recall rests on: one of the loan's, its latest, with a misuse finding. */
function recallInspection(sqlite: Database.Database, loanId: number, inspectionId: number) {
  const all = loanInspections(sqlite, loanId)
  const inspection = all.find((i) => i.id === inspectionId)
  if (!inspection)
    throw new DomainError('REFERENCE_NOT_FOUND', `Inspection ${inspectionId} is not an inspection of loan ${loanId}`, {
      field: 'inspectionId',
    })
  const latest = all[all.length - 1]!
  const refusal = recallRefusal(inspection, latest.id === inspection.id)
  if (refusal === 'FINDING_NOT_MISUSE')
    throw new DomainError(
      'RECALL_NOT_ALLOWED',
      `Inspection ${inspectionId} found the capital ${inspection.finding}; a recall needs a misuse finding`,
      { reason: refusal },
    )
  if (refusal === 'SUPERSEDED')
    throw new DomainError(
      'RECALL_NOT_ALLOWED',
      `Inspection ${inspectionId} is superseded by the later inspection ${latest.id} (${latest.finding})`,
      { reason: refusal, latestInspectionId: latest.id },
    )
  return inspection
}

export function proposeRecall(ctx: CommandContext, loanId: number, input: { inspectionId: number; reason: string }) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  assertRecallable(ctx, row)
  const q = recallQueries(ctx.sqlite)
  assertNonePending(q.pending.get(loanId), loanId, 'Recall')
  recallInspection(ctx.sqlite, loanId, input.inspectionId)
  const id = Number(
    q.insert.run(loanId, row.branchId, input.inspectionId, input.reason, ctx.actor.userId, ctx.businessDate)
      .lastInsertRowid,
  )
  const view = q.byId.get(id)!
  ctx.audit({ action: 'loan.recall_propose', entity: 'loan', entityId: loanId, after: view })
  return view
}

/** Executes the pending proposal: the recall event on the value date, the proposal approved. */
export function approveRecall(ctx: CommandContext, loanId: number, input: { decisionNo: string; valueDate?: string }) {
  const q = recallQueries(ctx.sqlite)
  const { row, proposal } = pendingOrNotFound<RecallProposalRow>(ctx, loanId, 'recall', (id) => q.pending.get(id))
  assertSecondPerson(proposal, ctx.actor, 'recall')
  assertRecallable(ctx, row)
  const inspection = recallInspection(ctx.sqlite, loanId, proposal.inspectionId)
  const valueDate = input.valueDate ?? ctx.businessDate
  assertNotFuture(valueDate, ctx.businessDate)
  if (valueDate < inspection.inspectedOn)
    throw new DomainError('DATE_ORDER', `valueDate ${valueDate} is before the inspection (${inspection.inspectedOn})`)
  const events = loanEvents(ctx.sqlite, loanId)
  const last = events[events.length - 1]
  if (last && valueDate < last.valueDate)
    throw new DomainError(
      'DATE_ORDER',
      `valueDate ${valueDate} is before the loan's latest transaction (${last.valueDate}); a recall does not ` +
        're-allocate money already received',
    )
  const details = {
    decisionNo: input.decisionNo,
    proposalId: proposal.id,
    inspectionId: proposal.inspectionId,
    reason: proposal.reason,
    proposedBy: proposal.proposedBy,
    approvedBy: ctx.actor.userId,
  }
  const { txId, before, after } = postLoanEvent(
    ctx,
    row,
    { kind: 'recall', valueDate, amount: 0, reference: input.decisionNo, details },
    `Recall of loan ${loanId} (${input.decisionNo})`,
  )
  const changed = q.approve.run(
    input.decisionNo,
    valueDate,
    ctx.actor.userId,
    ctx.businessDate,
    txId,
    new Date().toISOString(),
    proposal.id,
  ).changes
  if (changed !== 1) throw new DomainError('INVALID_STATE', `Recall proposal ${proposal.id} changed concurrently`)
  const onDate = after.asOf === valueDate ? after : loanState(ctx.sqlite, row, valueDate)
  const due = { principal: onDate.outstandingPrincipal, total: onDate.payoffAmount }
  ctx.audit({
    action: 'loan.recall',
    entity: 'loan',
    entityId: loanId,
    before: { classification: before.classification, outstandingPrincipal: before.outstandingPrincipal },
    after: { transactionId: txId, valueDate, due, ...details },
  })
  return {
    proposal: q.byId.get(proposal.id)!,
    transactionId: txId,
    due,
    loan: loanView(ctx.sqlite, { ...row, state: after.state }, after),
  }
}

/** Rejects the pending proposal (the proposer may withdraw their own); nothing happens to the loan. */
export function rejectRecall(ctx: CommandContext, loanId: number, reason: string) {
  const q = recallQueries(ctx.sqlite)
  const { proposal } = pendingOrNotFound<RecallProposalRow>(ctx, loanId, 'recall', (id) => q.pending.get(id))
  q.reject.run(ctx.actor.userId, ctx.businessDate, reason, new Date().toISOString(), proposal.id)
  const view = q.byId.get(proposal.id)!
  ctx.audit({
    action: 'loan.recall_reject',
    entity: 'loan',
    entityId: loanId,
    before: { proposalId: proposal.id, status: proposal.status },
    after: { status: 'rejected', reason },
  })
  return view
}

/** The recall proposals of one loan, newest first. */
export function loanRecallProposals(sqlite: Database.Database, actor: Actor, loanId: number) {
  loadLoanInScope(sqlite, actor, loanId)
  return recallQueries(sqlite).ofLoan.all(loanId)
}

/** Recall proposals in the actor's scope (the approvers' queue: ?status=pending_approval), by id. */
export function listRecallProposals(
  sqlite: Database.Database,
  actor: Actor,
  q: { status?: string; loanId?: number },
  afterId: number,
  limit: number,
) {
  const where = ['r.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.status) {
    where.push('r.status = @status')
    params.status = q.status
  }
  if (q.loanId) {
    where.push('r.loan_id = @loanId')
    params.loanId = q.loanId
  }
  const scope = scopeSql(actor, { branch: 'r.branch_id', partner: 'l.partner_id' })
  where.push(scope.sql)
  Object.assign(params, scope.params)
  return recallProposalsPage(sqlite, where, params)
}
