/**
 * The write commands the server runs on its writer thread (src/platform/remote.ts):
 * the counter's hot path — repayments and collection sessions. Each is its module's
 * command (a plain function of the command context and a structured-clonable input,
 * answering status and body), so the same code runs in-process (tests, the CLI, a
 * server without the thread) or on the thread; the writer only transports them.
 * The reactions they trigger come with the context (`ctx.hooks`, src/modules/hooks.ts).
 */
import { repayCommand } from '../repayments/service.js'
import { collectionSessionCommand } from '../collections/service.js'

export const HOT_COMMANDS = {
  'loans.repay': repayCommand,
  'collections.session': collectionSessionCommand,
} as const

export type HotCommandName = keyof typeof HOT_COMMANDS
export type HotCommandInput<N extends HotCommandName> = Parameters<(typeof HOT_COMMANDS)[N]>[1]
