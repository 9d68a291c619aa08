import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, Id, IdempotencyHeaders, Vnd, errorResponses } from '../../platform/http-schemas.js'
import { Allocation } from '../loans/schemas.js'
import { handleHot } from '../writer/handle.js'

export default async function collectionsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post('/collection-sessions', {
    config: { auth: ['branch_officer', 'branch_manager'] },
    schema: {
      tags: ['Collections'], summary: 'Post a collection session',
      description: 'One group\'s hand-in at its transaction point on a session date: per loan the interest, principal and savings collected. Idempotency-Key required. All lines are posted or none; a bad line rejects the whole session and the problem names it (errors[].field = body.lines[i]). Each line\'s interest + principal is one repayment, allocated by the standard order.',
      headers: IdempotencyHeaders(true),
      body: Type.Object({
        transactionPointId: Id(), groupId: Id(), sessionDate: BusinessDateSchema('Session date (not after the business date)'),
        lines: Type.Array(Type.Object({
          loanId: Id(), interest: Vnd('Interest collected'), principal: Vnd('Principal collected'), savings: Vnd('Savings collected'),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 200 }),
      }, { additionalProperties: false }),
      response: {
        201: Type.Object({
          id: Id(), transactionPointId: Id(), groupId: Id(), sessionDate: Type.String(), totalInterest: Vnd(), totalPrincipal: Vnd(), totalSavings: Vnd(),
          lines: Type.Array(Type.Object({
            lineIndex: Type.Integer(), loanId: Id(), status: Type.Literal('posted'), transactionId: Type.Union([Type.Integer(), Type.Null()]),
            allocation: Type.Union([Allocation, Type.Null()]), savings: Vnd(), loanStatus: Type.String(),
          })),
        }),
        ...errorResponses(404, 409, 422),
      },
    },
  }, (req, reply) => handleHot(app, req, reply, 'required', 'collections.session', req.body))
}
