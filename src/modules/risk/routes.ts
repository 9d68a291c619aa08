import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, Id, IdParams, IdempotencyHeaders, Text, Vnd, errorResponses } from '../../platform/http-schemas.js'
import { Loan } from '../loans/schemas.js'
import * as service from './service.js'

const decision = {
  decisionNo: Text(100, 'Decision number approving the measure'),
  cause: Text(500, 'Objective cause (natural disaster, epidemic, fire, serious illness, …)'),
}

export default async function riskRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const spec = (summary: string, description: string, body: Parameters<typeof Type.Object>[0], response: Parameters<typeof Type.Object>[0]) => ({
    config: { auth: ['branch_manager'] as const },
    schema: {
      tags: ['Loans'], summary, description, params: IdParams, headers: IdempotencyHeaders(false),
      body: Type.Object({ ...decision, ...body }, { additionalProperties: false }),
      response: { 201: Type.Object({ transactionId: Id(), ...response, loan: Loan }), ...errorResponses(404, 409, 422) },
    },
  })

  app.post('/loans/:id/extensions', spec('Extend an instalment',
    'Moves one instalment\'s due date (principal and that month\'s interest) for an objective cause: ≤ 12 months for short-term loans, ≤ half the original term otherwise. Paying by the new date is on time (also for the support rule). Branch manager of the loan\'s branch.',
    { instalmentNumber: Type.Integer({ minimum: 1, maximum: 240 }), newDueDate: BusinessDateSchema('New due date'), valueDate: Type.Optional(BusinessDateSchema('Decision date (default: the business date)')) }, {}),
  (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 201, body: service.extend(ctx, req.params.id, req.body as never) })))

  app.post('/loans/:id/freeze', spec('Freeze the loan',
    'No interest accrues on the frozen (outstanding) amount from fromDate to untilDate (≤ 5 years); instalments falling due in the window move to its end. Branch manager.',
    { fromDate: Type.Optional(BusinessDateSchema('Start (default: the business date)')), untilDate: BusinessDateSchema('Last frozen day') }, { frozenPrincipal: Vnd() }),
  (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 201, body: service.freeze(ctx, req.params.id, req.body as never) })))

  app.post('/loans/:id/write-off', spec('Write the loan off',
    'Closes the loan as written_off; the unpaid principal goes to write-off losses. Branch manager.',
    { valueDate: Type.Optional(BusinessDateSchema('Decision date (default: the business date)')) }, { writtenOff: Type.Object({ principal: Vnd(), interest: Vnd() }) }),
  (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 201, body: service.writeOff(ctx, req.params.id, req.body as never) })))
}
