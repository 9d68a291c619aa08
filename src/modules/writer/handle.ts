/** Route helper: answer a request with a hot command, on the writer thread when the server runs one. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CommandContext, CommandResult, IdempotencyMode } from '../../platform/commands.js'
import { HOT_COMMANDS, type HotCommandInput, type HotCommandName } from './hot-commands.js'

export function handleHot<N extends HotCommandName>(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  mode: IdempotencyMode,
  name: N,
  input: HotCommandInput<N>,
): Promise<void> {
  const fn = HOT_COMMANDS[name] as (ctx: CommandContext, input: HotCommandInput<N>) => CommandResult<unknown>
  return app.commands.handle(request, reply, mode, (ctx) => fn(ctx, input), { name, input })
}
