/**
 * One way to change a loan: append its event, replay, refresh the projection,
 * let the ledger follow, tell listeners (the support rule) — all inside the
 * caller's command transaction. The engine validates by replaying: if the new
 * event (or any later event re-allocated by it) breaks a rule, it throws and
 * the command's savepoint rolls everything back.
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from '../../platform/commands.js'
import type { LoanState } from '../../domain/loan-engine.js'
import { DomainError } from '../../platform/errors.js'
import { loadLoanRow, loanState, writeAllocations, writeProjection, type LoanRow } from './projection.js'
import { allEvents, insertLoanTransaction } from './service.js'
import { syncLoanLedger } from '../ledger/loan-ledger.js'

export interface LoanEventInput {
  kind: 'repayment' | 'reversal' | 'write_off' | 'extension' | 'freeze'
  valueDate: string
  amount: number
  reference?: string | null
  reversesId?: number | null
  collectionSessionId?: number | null
  details?: Record<string, unknown>
}

export type LoanChangeListener = (ctx: CommandContext, loan: LoanRow, before: LoanState, after: LoanState) => void
/** Capabilities that react to loan changes (e.g. the support rule on closure) register here. */
export const loanChangeListeners: LoanChangeListener[] = []

/** Refuses value dates after the business date: a bank posts what happened, not what will. */
export function assertNotFuture(valueDate: string, businessDate: string): void {
  if (valueDate > businessDate) throw new DomainError('DATE_IN_FUTURE', `valueDate ${valueDate} is after the business date ${businessDate}`)
}

export function postLoanEvent(ctx: CommandContext, row: LoanRow, event: LoanEventInput, description: string) {
  const before = loanState(ctx.sqlite, row, ctx.businessDate)
  const txId = insertLoanTransaction(ctx.sqlite, {
    loanId: row.id, kind: event.kind, valueDate: event.valueDate, postedOn: ctx.businessDate, amount: event.amount,
    reference: event.reference ?? null, reversesId: event.reversesId ?? null, collectionSessionId: event.collectionSessionId ?? null,
    details: event.details, createdBy: ctx.actor.userId,
  })
  const whole = allEvents(ctx.sqlite, row)
  const after = loanState(ctx.sqlite, row, ctx.businessDate)
  writeProjection(ctx.sqlite, row.id, after)
  writeAllocations(ctx.sqlite, row.id, whole)
  syncLoanLedger(ctx.sqlite, row, whole, { kind: event.kind, valueDate: event.valueDate, postedOn: ctx.businessDate, loanTransactionId: txId, description })
  const fresh = loadLoanRow(ctx.sqlite, row.id)
  for (const listener of loanChangeListeners) listener(ctx, fresh, before, after)
  return { txId, before, after, whole }
}

export function reloadLoan(sqlite: Database.Database, id: number): LoanRow {
  return loadLoanRow(sqlite, id)
}
