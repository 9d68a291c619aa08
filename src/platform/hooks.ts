/**
 * The reactions between modules, as one typed set passed to every command context
 * (`ctx.hooks`) and to the daily close. A module that changes something another
 * module reacts to calls its hook; the set itself is built in one place,
 * `src/modules/hooks.ts` (`buildHooks()`), used alike by the server, the writer
 * thread, the CLI and tests.
 *
 * Every member is required: a set without, say, the support rule on loan changes
 * does not type-check, so a reaction cannot go missing silently (as it could when
 * listeners were pushed into module-level arrays by importing a routes file).
 */
import type Database from 'better-sqlite3'
import type { CommandContext } from './commands.js'
import type { LoanState } from '../domain/loan-engine.js'
import type { LoanRow, StoredProjection } from '../db/rows.js'

export interface Hooks {
  /**
   * After a loan event (disbursement, repayment, reversal, write-off, extension, freeze) is posted, inside the
   * command's transaction: the support rule.
   */
  loanChanged(ctx: CommandContext, loan: LoanRow, before: StoredProjection, after: LoanState): void
  /** After a poverty-status decision is recorded or revoked, inside the command's transaction: the support rule. */
  povertyRecorded(ctx: CommandContext, householdId: number): void
  /**
   * When the daily close finishes `closedDay`, in the transaction that moves the business date to `nextDay`: the
   * support rule's windows.
   */
  dayClosed(sqlite: Database.Database, closedDay: string, nextDay: string): void
  /**
   * Before a repayment, reversal, collection line or write-off is posted on `valueDate`: throws (a DomainError) to
   * refuse it — a reconciled and closed day.
   */
  guardPosting(ctx: CommandContext, loan: LoanRow, valueDate: string): void
}
