/**
 * What the measures decided with four eyes share (write-off, recall: docs/rules.md §7, §16): one pending
 * proposal per loan, the proposal found on the loan in the actor's scope, and an approver who is not the proposer.
 */
import type { CommandContext } from '../../platform/commands.js'
import type { Actor } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import { loadLoanInScope } from '../loans/service.js'
import type { LoanRow } from '../loans/projection.js'

export interface Proposed {
  id: number
  proposedBy: number
}

/** DUPLICATE when the loan already has a proposal of this measure waiting for approval. */
export function assertNonePending(pending: Proposed | undefined, loanId: number, measure: string): void {
  if (pending)
    throw new DomainError(
      'DUPLICATE',
      `${measure} proposal ${pending.id} of loan ${loanId} is already pending approval`,
      { proposalId: pending.id },
    )
}

/** The loan (in the actor's scope) and its pending proposal, or NOT_FOUND. */
export function pendingOrNotFound<P extends Proposed>(
  ctx: CommandContext,
  loanId: number,
  measure: string,
  pendingOf: (loanId: number) => P | undefined,
): { row: LoanRow; proposal: P } {
  const row = loadLoanInScope(ctx.sqlite, ctx.actor, loanId)
  const proposal = pendingOf(loanId)
  if (!proposal) throw new DomainError('NOT_FOUND', `Loan ${loanId} has no ${measure} proposal pending approval`)
  return { row, proposal }
}

/** FOUR_EYES when the approver is the proposer. */
export function assertSecondPerson(proposal: Proposed, actor: Actor, measure: string): void {
  if (proposal.proposedBy === actor.userId)
    throw new DomainError('FOUR_EYES', `The ${measure} must be approved by another user than the one who proposed it`)
}
