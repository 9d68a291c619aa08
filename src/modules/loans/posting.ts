/**
 * One way to change a loan: append its event, replay, refresh the projection,
 * let the ledger follow, call `ctx.hooks.loanChanged` (the support rule) — all
 * inside the caller's command transaction. The engine validates by replaying: if the new
 * event (or any later event re-allocated by it) breaks a rule, it throws and
 * the command's savepoint rolls everything back.
 */
import type { CommandContext } from '../../platform/commands.js'
import { DomainError } from '../../platform/errors.js'
import { replay } from '../../domain/loan-engine.js'
import {
  insertAllocation,
  loanContract,
  loanEvents,
  loanState,
  storedProjection,
  toLoanEvent,
  writeAllocations,
  writeProjection,
  type LoanRow,
} from './projection.js'
import { insertLoanTransaction } from './queries.js'
import { loanTopUp, postRepaymentEntry, syncLoanLedger } from '../ledger/loan-ledger.js'
import { assertCapitalCovers } from '../funding/service.js'

export interface LoanEventInput {
  kind: 'disbursement' | 'repayment' | 'reversal' | 'write_off' | 'extension' | 'freeze' | 'recall'
  valueDate: string
  amount: number
  reference?: string | null
  reversesId?: number | null
  collectionSessionId?: number | null
  details?: Record<string, unknown>
}

/** Refuses value dates after the business date: a bank posts what happened, not what will. */
export function assertNotFuture(valueDate: string, businessDate: string): void {
  if (valueDate > businessDate)
    throw new DomainError('DATE_IN_FUTURE', `valueDate ${valueDate} is after the business date ${businessDate}`)
}

export function postLoanEvent(ctx: CommandContext, row: LoanRow, event: LoanEventInput, description: string) {
  const before = storedProjection(ctx.sqlite, row.id)
  const contract = loanContract(ctx.sqlite, row)
  // The live events before this one (read once: the replay below appends the new event to them).
  const earlier = event.kind === 'reversal' ? null : loanEvents(ctx.sqlite, row.id)
  const txId = insertLoanTransaction(ctx.sqlite, {
    loanId: row.id,
    kind: event.kind,
    valueDate: event.valueDate,
    postedOn: ctx.businessDate,
    amount: event.amount,
    reference: event.reference ?? null,
    reversesId: event.reversesId ?? null,
    collectionSessionId: event.collectionSessionId ?? null,
    details: event.details,
    createdBy: ctx.actor.userId,
  })
  // Value dates are never after the business date, so the replay as of the business date holds every
  // event: its allocations and balances are also what the ledger must show. A reversal removes an
  // event, so its replay reads the loan's live events again.
  const after = earlier
    ? replay(
        contract,
        [...earlier, toLoanEvent(txId, event.kind, event.valueDate, event.amount, event.details ?? {})],
        ctx.businessDate,
      )
    : loanState(ctx.sqlite, row, ctx.businessDate)
  const whole = after
  writeProjection(ctx.sqlite, row.id, after, before, event.kind === 'disbursement' || event.kind === 'reversal')
  // A repayment dated on or after every earlier event cannot change their allocations: add just its own,
  // and its journal entry is exactly its allocation (no need to read the loan's posted balances).
  const entry = {
    kind: event.kind,
    valueDate: event.valueDate,
    postedOn: ctx.businessDate,
    loanTransactionId: txId,
    description,
  }
  // (Events are sorted by value date and the new one has the highest id: it replays last when its date is
  // not before the latest live event's. Reversed transactions no longer allocate anything, so they do not count.)
  const lastValueDate = earlier && earlier.length > 0 ? earlier[earlier.length - 1]!.valueDate : null
  // A loan with a top-up part splits its lines between two sources (docs/rules.md §13): the full difference.
  const topUp = loanTopUp(ctx.sqlite, row.id)
  if (event.kind === 'repayment' && !topUp && (lastValueDate === null || event.valueDate >= lastValueDate)) {
    const allocation = whole.allocations[String(txId)]!
    insertAllocation(ctx.sqlite, row.id, txId, event, allocation)
    postRepaymentEntry(ctx.sqlite, row, event.amount, allocation, entry)
  } else {
    writeAllocations(ctx.sqlite, row.id, whole)
    syncLoanLedger(ctx.sqlite, row, whole, entry)
  }
  // Only a disbursement, or a reversal (of a repayment), lends more of a source's capital (docs/rules.md §12).
  if (event.kind === 'disbursement' || event.kind === 'reversal')
    assertCapitalCovers(ctx.sqlite, topUp ? [row.fundingSource, topUp.source] : [row.fundingSource], event)
  const fresh = { ...row, state: after.state, classification: after.classification }
  ctx.hooks.loanChanged(ctx, fresh, before, after)
  return { txId, before, after, whole, rates: contract.rates }
}
