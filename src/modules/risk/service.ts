/**
 * Risk handling for objective causes (docs/rules.md §7, Decision 50/2010): extension
 * of an instalment and freeze of the loan (write-off, with four eyes: write-off.ts).
 * Each carries a decision number and cause and is approved by a branch manager of
 * the loan's branch (the caller); each is audited and appended as a loan event.
 * Errors: NOT_FOUND, INVALID_STATE, DATE_IN_FUTURE, EXTENSION_TOO_LONG,
 * INVALID_EXTENSION, INSTALMENT_PAID, FREEZE_TOO_LONG, INVALID_FREEZE.
 */
import type { CommandContext } from '../../platform/commands.js'
import { DomainError } from '../../platform/errors.js'
import { loadLoanInScope, loanView } from '../loans/service.js'
import { assertNotFuture, postLoanEvent } from '../loans/posting.js'

interface Decision {
  decisionNo: string
  cause: string
}

function activeLoan(ctx: CommandContext, loanId: number) {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  if (row.state !== 'active')
    throw new DomainError('INVALID_STATE', `Loan ${loanId} is ${row.state}; risk handling applies to active loans`)
  return row
}

export function extend(
  ctx: CommandContext,
  loanId: number,
  input: Decision & { instalmentNumber: number; newDueDate: string; valueDate?: string },
) {
  const row = activeLoan(ctx, loanId)
  const valueDate = input.valueDate ?? ctx.businessDate
  assertNotFuture(valueDate, ctx.businessDate)
  const details = {
    decisionNo: input.decisionNo,
    cause: input.cause,
    approvedBy: ctx.actor.userId,
    instalmentNumber: input.instalmentNumber,
    newDueDate: input.newDueDate,
  }
  const { txId, before, after } = postLoanEvent(
    ctx,
    row,
    { kind: 'extension', valueDate, amount: 0, details },
    `Extension of instalment ${input.instalmentNumber} of loan ${loanId}`,
  )
  const extended = after.instalments.find((i) => i.number === input.instalmentNumber)
  ctx.audit({
    action: 'loan.extend',
    entity: 'loan',
    entityId: loanId,
    before: { instalment: input.instalmentNumber, dueDate: extended?.dueDate, classification: before.classification },
    after: { transactionId: txId, ...details },
  })
  return { transactionId: txId, loan: loanView(ctx.sqlite, row, after) }
}

export function freeze(
  ctx: CommandContext,
  loanId: number,
  input: Decision & { fromDate?: string; untilDate: string },
) {
  const row = activeLoan(ctx, loanId)
  const fromDate = input.fromDate ?? ctx.businessDate
  assertNotFuture(fromDate, ctx.businessDate)
  const details = {
    decisionNo: input.decisionNo,
    cause: input.cause,
    approvedBy: ctx.actor.userId,
    untilDate: input.untilDate,
  }
  const { txId, before, after } = postLoanEvent(
    ctx,
    row,
    { kind: 'freeze', valueDate: fromDate, amount: 0, details },
    `Freeze of loan ${loanId}`,
  )
  ctx.audit({
    action: 'loan.freeze',
    entity: 'loan',
    entityId: loanId,
    before: { classification: before.classification, outstandingPrincipal: before.outstandingPrincipal },
    after: { transactionId: txId, fromDate, ...details },
  })
  return { transactionId: txId, frozenPrincipal: after.outstandingPrincipal, loan: loanView(ctx.sqlite, row, after) }
}
