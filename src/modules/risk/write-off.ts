/**
 * Write-off with four eyes, and recoveries after it (docs/rules.md §7, §9).
 *
 * A branch manager of the loan's branch proposes (decision number, objective
 * cause, value date); a different user — an admin or another branch manager of
 * the branch — approves, which appends the write_off loan event (its journal
 * entry moves the unpaid principal from loans_receivable to write_off_losses),
 * or rejects with a reason. One pending proposal per loan. The conditions
 * (src/domain/write-off.ts: active, principal overdue on the value date, not
 * on a disbursement day) are checked at the proposal and again at approval.
 *
 * Money received from the borrower (or an heir, an insurer) after the write-off
 * is a `recovery` loan transaction with its own balanced entry: Dr
 * cash_at_transaction_point / Cr write_off_recoveries. It changes no balance of
 * the loan (the replay ignores it); all recoveries together never exceed the
 * principal + interest written off.
 *
 * proposeWriteOff errors: NOT_FOUND, INVALID_STATE (not active), DATE_IN_FUTURE,
 *   DUPLICATE (a proposal is pending), WRITE_OFF_NOT_ALLOWED (details.reason
 *   NOT_OVERDUE | DISBURSEMENT_DAY), LOAN_CLOSED (an event after the value date).
 * approveWriteOff errors: NOT_FOUND (no pending proposal), FOUR_EYES (the
 *   proposer), INVALID_STATE, WRITE_OFF_NOT_ALLOWED, LOAN_CLOSED.
 * rejectWriteOff errors: NOT_FOUND (no pending proposal).
 * postRecovery errors: NOT_FOUND, INVALID_STATE (not written off), DATE_IN_FUTURE,
 *   DATE_ORDER (before the write-off), OVERPAYMENT (above what is left to recover;
 *   details.recoverable), RECONCILIATION_CLOSED.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { scopeSql } from '../../platform/scope.js'
import { DomainError } from '../../platform/errors.js'
import { recoveryRoom, writeOffRefusal, type WriteOffCause } from '../../domain/write-off.js'
import type { LoanEvent } from '../../domain/loan-engine.js'
import { loadLoanInScope, loanView, recoveredTotal } from '../loans/service.js'
import { insertLoanTransaction } from '../loans/queries.js'
import { proposalsPage, riskQueries, type ProposalRow } from './queries.js'
import { loanEvents, loanState, type LoanRow } from '../loans/projection.js'
import { assertNotFuture, postLoanEvent } from '../loans/posting.js'
import { postJournal } from '../ledger/journal.js'
import { assertNonePending, assertSecondPerson, pendingOrNotFound as pendingOfMeasure } from './four-eyes.js'

export interface WriteOffProposalInput {
  decisionNo: string
  cause: WriteOffCause
  causeDetail?: string
  valueDate?: string
}

export function proposalView<P extends ProposalRow>(p: P) {
  const { principal, interest, loanTransactionId, ...rest } = p
  return { ...rest, writtenOff: { principal, interest }, transactionId: loanTransactionId }
}

/**
 * Checks the conditions for writing the loan off on `valueDate` and returns what would be written off.
 * The trial replay (as of the business date, with the write-off added) also refuses a value date
 * before another event of the loan (LOAN_CLOSED).
 */
function checkWriteOff(ctx: CommandContext, row: LoanRow, valueDate: string) {
  if (row.state !== 'active')
    throw new DomainError('INVALID_STATE', `Loan ${row.id} is ${row.state}; only an active loan can be written off`)
  assertNotFuture(valueDate, ctx.businessDate)
  const events = loanEvents(ctx.sqlite, row.id)
  const disbursements = events.filter((e) => e.kind === 'disbursement')
  const onDate = loanState(ctx.sqlite, row, valueDate)
  const refusal = writeOffRefusal({
    overduePrincipal: onDate.overduePrincipal,
    valueDate,
    lastDisbursementDate: disbursements[disbursements.length - 1]?.valueDate ?? null,
  })
  if (refusal)
    throw new DomainError('WRITE_OFF_NOT_ALLOWED', `Loan ${row.id} cannot be written off: ${refusal.detail}`, {
      reason: refusal.reason,
    })
  const trial: LoanEvent = { kind: 'write_off', id: 'write-off-trial', seq: Number.MAX_SAFE_INTEGER, valueDate }
  const after = loanState(ctx.sqlite, row, ctx.businessDate, [trial])
  return after.writtenOff ?? { principal: 0, interest: 0 }
}

function pendingProposal(sqlite: Database.Database, loanId: number): ProposalRow | undefined {
  return riskQueries(sqlite).pending.get(loanId)
}

function loadProposal(sqlite: Database.Database, id: number): ProposalRow {
  return riskQueries(sqlite).byId.get(id)!
}

export function proposeWriteOff(ctx: CommandContext, loanId: number, input: WriteOffProposalInput) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  const valueDate = input.valueDate ?? ctx.businessDate
  assertNonePending(pendingProposal(ctx.sqlite, loanId), loanId, 'Write-off')
  const amounts = checkWriteOff(ctx, row, valueDate)
  const id = Number(
    riskQueries(ctx.sqlite).insert.run(
      loanId,
      row.branchId,
      input.decisionNo,
      input.cause,
      input.causeDetail ?? null,
      valueDate,
      amounts.principal,
      amounts.interest,
      ctx.actor.userId,
      ctx.businessDate,
    ).lastInsertRowid,
  )
  const view = proposalView(loadProposal(ctx.sqlite, id))
  ctx.audit({ action: 'loan.write_off_propose', entity: 'loan', entityId: loanId, after: view })
  return view
}

function pendingOrNotFound(ctx: CommandContext, loanId: number) {
  return pendingOfMeasure(ctx, loanId, 'write-off', (id) => pendingProposal(ctx.sqlite, id))
}

/** Executes the pending proposal: the write_off event, its journal entry, the proposal approved. */
export function approveWriteOff(ctx: CommandContext, loanId: number) {
  const { row, proposal } = pendingOrNotFound(ctx, loanId)
  assertSecondPerson(proposal, ctx.actor, 'write-off')
  checkWriteOff(ctx, row, proposal.valueDate)
  const details = {
    decisionNo: proposal.decisionNo,
    cause: proposal.cause,
    causeDetail: proposal.causeDetail,
    proposalId: proposal.id,
    proposedBy: proposal.proposedBy,
    approvedBy: ctx.actor.userId,
  }
  const { txId, before, after, whole } = postLoanEvent(
    ctx,
    row,
    { kind: 'write_off', valueDate: proposal.valueDate, amount: 0, details },
    `Write-off of loan ${loanId} (${proposal.cause}, ${proposal.decisionNo})`,
  )
  const writtenOff = whole.writtenOff ?? { principal: 0, interest: 0 }
  const changed = riskQueries(ctx.sqlite).approve.run(
    ctx.actor.userId,
    ctx.businessDate,
    txId,
    writtenOff.principal,
    writtenOff.interest,
    new Date().toISOString(),
    proposal.id,
  ).changes
  if (changed !== 1) throw new DomainError('INVALID_STATE', `Write-off proposal ${proposal.id} changed concurrently`)
  ctx.audit({
    action: 'loan.write_off',
    entity: 'loan',
    entityId: loanId,
    before: { state: before.state, outstandingPrincipal: before.outstandingPrincipal },
    after: { transactionId: txId, writtenOff, ...details },
  })
  return {
    proposal: proposalView(loadProposal(ctx.sqlite, proposal.id)),
    transactionId: txId,
    writtenOff,
    loan: loanView(ctx.sqlite, { ...row, state: after.state }, after),
  }
}

/** Rejects the pending proposal (the proposer may withdraw their own); nothing happens to the loan. */
export function rejectWriteOff(ctx: CommandContext, loanId: number, reason: string) {
  const { proposal } = pendingOrNotFound(ctx, loanId)
  riskQueries(ctx.sqlite).reject.run(ctx.actor.userId, ctx.businessDate, reason, new Date().toISOString(), proposal.id)
  const view = proposalView(loadProposal(ctx.sqlite, proposal.id))
  ctx.audit({
    action: 'loan.write_off_reject',
    entity: 'loan',
    entityId: loanId,
    before: { proposalId: proposal.id, status: proposal.status },
    after: { status: 'rejected', reason },
  })
  return view
}

/** The proposals of one loan, newest first. */
export function loanProposals(sqlite: Database.Database, actor: Actor, loanId: number) {
  loadLoanInScope(sqlite, actor, loanId)
  return riskQueries(sqlite).ofLoan.all(loanId).map(proposalView)
}

/** Proposals in the actor's scope (the approver's queue: ?status=pending_approval), by id. */
export function listProposals(
  sqlite: Database.Database,
  actor: Actor,
  q: { status?: string; branchId?: number; loanId?: number },
  afterId: number,
  limit: number,
) {
  const where = ['p.id > @afterId']
  const params: Record<string, unknown> = { afterId, limit: limit + 1 }
  if (q.status) {
    where.push('p.status = @status')
    params.status = q.status
  }
  if (q.branchId) {
    where.push('p.branch_id = @branchId')
    params.branchId = q.branchId
  }
  if (q.loanId) {
    where.push('p.loan_id = @loanId')
    params.loanId = q.loanId
  }
  const scope = scopeSql(actor, { branch: 'p.branch_id', partner: 'l.partner_id' })
  where.push(scope.sql)
  Object.assign(params, scope.params)
  // The borrower comes along (the approvers' queue names who is being written off without one call per row).
  return proposalsPage(sqlite, where, params).map(proposalView)
}

/**
 * Money received on a written-off loan: a recovery transaction and its entry (Dr cash at the point / Cr
 * write_off_recoveries).
 */
export function postRecovery(
  ctx: CommandContext,
  loanId: number,
  input: { amount: number; valueDate: string; reference?: string },
) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  if (row.state !== 'written_off')
    throw new DomainError(
      'INVALID_STATE',
      `Loan ${loanId} is ${row.state}; recoveries are posted on written-off loans (repayments otherwise)`,
    )
  assertNotFuture(input.valueDate, ctx.businessDate)
  const state = loanState(ctx.sqlite, row, ctx.businessDate)
  const writtenOff = state.writtenOff ?? { principal: 0, interest: 0 }
  if (state.writtenOffOn && input.valueDate < state.writtenOffOn) {
    throw new DomainError('DATE_ORDER', `valueDate ${input.valueDate} is before the write-off (${state.writtenOffOn})`)
  }
  const recovered = recoveredTotal(ctx.sqlite, loanId)
  const recoverable = recoveryRoom(writtenOff, recovered)
  if (input.amount > recoverable) {
    throw new DomainError(
      'OVERPAYMENT',
      `Recovery ${input.amount} exceeds what is left to recover (${recoverable}: written off ${writtenOff.principal} ` +
        `+ ${writtenOff.interest}, recovered ${recovered})`,
      { recoverable, amount: input.amount },
    )
  }
  ctx.hooks.guardPosting(ctx, row, input.valueDate)
  const txId = insertLoanTransaction(ctx.sqlite, {
    loanId,
    kind: 'recovery',
    valueDate: input.valueDate,
    postedOn: ctx.businessDate,
    amount: input.amount,
    reference: input.reference ?? null,
    details: { writtenOff, recoveredBefore: recovered },
    createdBy: ctx.actor.userId,
  })
  const line = { loanId, fundingSource: row.fundingSource }
  postJournal(ctx.sqlite, {
    kind: 'recovery',
    valueDate: input.valueDate,
    postedOn: ctx.businessDate,
    loanTransactionId: txId,
    description: `Recovery on written-off loan ${loanId}`,
    lines: [
      { account: 'cash_at_transaction_point', debit: input.amount, ...line },
      { account: 'write_off_recoveries', credit: input.amount, ...line },
    ],
  })
  const result = {
    transactionId: txId,
    loanId,
    amount: input.amount,
    valueDate: input.valueDate,
    reference: input.reference ?? null,
    writtenOff,
    recovered: recovered + input.amount,
    recoverable: recoverable - input.amount,
  }
  ctx.audit({ action: 'loan.recovery', entity: 'loan', entityId: loanId, before: { recovered }, after: result })
  return result
}
