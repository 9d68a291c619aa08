/**
 * Repayments and reversals (docs/rules.md §7).
 *
 * repay errors: NOT_FOUND, INVALID_STATE (not active), DATE_IN_FUTURE,
 * NOT_DISBURSED / DATE_ORDER (before the first disbursement), OVERPAYMENT
 * (above the payoff on the value date; `payoffAmount` in the problem),
 * RECONCILIATION_CLOSED (the point's day is reconciled and closed).
 * reverse errors: NOT_FOUND, INVALID_STATE (already reversed, or a kind that
 * cannot be reversed, or a disbursement with repayments after it).
 */
import type { CommandContext, CommandResult } from '../../platform/commands.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { loadLoanInScope, loanView } from '../loans/service.js'
import { loanEvents, type LoanRow } from '../loans/projection.js'
import { assertNotFuture, postLoanEvent } from '../loans/posting.js'

/** What POST /v1/loans/{id}/repayments carries (structured-clonable: it may cross to the writer thread). */
export interface RepayInput {
  loanId: number
  body: { amount: number; valueDate: string; reference?: string }
}

/**
 * The repayment command as the route answers it (201): the allocation's five parts at the top level
 * (docs/api.md), then the allocation again and the loan. The writer thread only transports this.
 */
export function repayCommand(ctx: CommandContext, input: RepayInput): CommandResult<ReturnType<typeof repaymentReply>> {
  return { statusCode: 201, body: repaymentReply(repay(ctx, input.loanId, input.body)) }
}

function repaymentReply(r: ReturnType<typeof repay>) {
  return { transactionId: r.transactionId, ...r.allocation, allocation: r.allocation, loan: r.loan }
}

export function repay(
  ctx: CommandContext,
  loanId: number,
  input: { amount: number; valueDate: string; reference?: string; collectionSessionId?: number },
) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  return repayLoan(ctx, row, input)
}

export function repayLoan(
  ctx: CommandContext,
  row: LoanRow,
  input: { amount: number; valueDate: string; reference?: string; collectionSessionId?: number },
) {
  if (row.state !== 'active')
    throw new DomainError(
      row.state === 'approved' ? 'NOT_DISBURSED' : 'INVALID_STATE',
      `Loan ${row.id} is ${row.state}; only an active loan takes repayments`,
    )
  assertNotFuture(input.valueDate, ctx.businessDate)
  if (row.firstDisbursedOn && input.valueDate < row.firstDisbursedOn)
    throw new DomainError(
      'DATE_ORDER',
      `valueDate ${input.valueDate} is before the first disbursement (${row.firstDisbursedOn})`,
    )
  ctx.hooks.guardPosting(ctx, row, input.valueDate)
  const { txId, after, whole, rates } = postLoanEvent(
    ctx,
    row,
    {
      kind: 'repayment',
      valueDate: input.valueDate,
      amount: input.amount,
      reference: input.reference ?? null,
      collectionSessionId: input.collectionSessionId ?? null,
    },
    `Repayment on loan ${row.id}`,
  )
  const allocation = whole.allocations[String(txId)]!
  ctx.audit({
    action: 'loan.repay',
    entity: 'loan',
    entityId: row.id,
    after: { transactionId: txId, amount: input.amount, valueDate: input.valueDate, allocation, state: after.state },
  })
  return {
    transactionId: txId,
    allocation,
    loan: loanView(ctx.sqlite, { ...row, state: after.state }, after, row.firstDisbursedOn, rates),
  }
}

export function reverse(ctx: CommandContext, loanId: number, txId: number, reason: string) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  const tx = ctx.sqlite
    .prepare('SELECT id, kind, value_date AS valueDate, amount FROM loan_transactions WHERE id = ? AND loan_id = ?')
    .get(txId, loanId) as { id: number; kind: string; valueDate: string; amount: number } | undefined
  if (!tx) throw notFound('Transaction', txId)
  if (ctx.sqlite.prepare('SELECT 1 FROM loan_transactions WHERE reverses_id = ?').get(txId))
    throw new DomainError('INVALID_STATE', `Transaction ${txId} is already reversed`)
  if (tx.kind === 'reversal')
    throw new DomainError('INVALID_STATE', 'A reversal cannot be reversed; post the transaction again instead')
  if (tx.kind === 'write_off') throw new DomainError('INVALID_STATE', 'A write-off cannot be reversed here')
  if (tx.kind === 'disbursement' && loanEvents(ctx.sqlite, loanId).some((e) => e.kind === 'repayment')) {
    throw new DomainError('INVALID_STATE', 'Reverse the repayments before reversing a disbursement')
  }
  if (row.state === 'written_off') throw new DomainError('INVALID_STATE', `Loan ${loanId} is written off`)
  ctx.hooks.guardPosting(ctx, row, tx.valueDate)
  // A closed loan re-opens when the payment that closed it is reversed: the projection follows the replay.
  const {
    txId: reversalId,
    before,
    after,
  } = postLoanEvent(
    ctx,
    row,
    {
      kind: 'reversal',
      valueDate: tx.valueDate,
      amount: tx.amount,
      reversesId: txId,
      details: { reason, reversedKind: tx.kind },
    },
    `Reversal of transaction ${txId} on loan ${loanId}: ${reason}`,
  )
  ctx.audit({
    action: 'loan.reverse',
    entity: 'loan',
    entityId: loanId,
    before: { state: before.state, outstandingPrincipal: before.outstandingPrincipal },
    after: { reversalId, reverses: txId, reason, state: after.state, outstandingPrincipal: after.outstandingPrincipal },
  })
  return {
    transactionId: reversalId,
    reversesId: txId,
    loan: loanView(ctx.sqlite, { ...row, state: after.state }, after),
  }
}
