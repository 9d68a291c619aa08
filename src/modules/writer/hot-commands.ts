/**
 * The write commands the server runs on its writer thread (src/platform/writer.ts):
 * the counter's hot path — repayments and collection sessions. Each is a plain
 * function of the command context and a structured-clonable input, so the same
 * code runs in-process (tests, CLI, a server without the thread) or on the thread.
 *
 * The imports below also register the listeners and guards these commands must
 * see wherever they run: the support rule on loan changes, and the
 * reconciliation's closed-day guard.
 */
import type { CommandContext, CommandResult } from '../../platform/commands.js'
import * as repayments from '../repayments/service.js'
import * as collections from '../collections/service.js'
import '../support/routes.js'
import '../reconciliation/routes.js'

export interface RepayInput { loanId: number; body: { amount: number; valueDate: string; reference?: string } }

export const HOT_COMMANDS = {
  'loans.repay': (ctx: CommandContext, input: RepayInput): CommandResult<unknown> => {
    const r = repayments.repay(ctx, input.loanId, input.body)
    return { statusCode: 201, body: { transactionId: r.transactionId, ...r.allocation, allocation: r.allocation, loan: r.loan } }
  },
  'collections.session': (ctx: CommandContext, input: Parameters<typeof collections.postCollectionSession>[1]): CommandResult<unknown> =>
    ({ statusCode: 201, body: collections.postCollectionSession(ctx, input) }),
} as const

export type HotCommandName = keyof typeof HOT_COMMANDS
export type HotCommandInput<N extends HotCommandName> = Parameters<(typeof HOT_COMMANDS)[N]>[1]
