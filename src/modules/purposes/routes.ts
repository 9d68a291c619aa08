import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { createRoute } from '../../platform/routes.js'
import { errorResponses, IdempotencyHeaders, OnePage, ref } from '../../platform/http-schemas.js'
import { ALL_ROLES } from '../../platform/auth.js'
import * as s from './schemas.js'
import * as service from './service.js'

/** Loan purposes per programme (docs/rules.md §15); registered under /v1 by src/app.ts. */
export default async function purposesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/purposes',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Programmes'],
        summary: 'List loan purposes',
        description:
          "Each programme's purposes (livestock, crops, clean water, study…), by programme and code; " +
          'filter by programmeCode and active. An application names one as purposeCode.',
        querystring: s.PurposeQuery,
        response: { 200: OnePage(ref(s.Purpose)), ...errorResponses() },
      },
    },
    async (req) => ({ items: service.listPurposes(app.db, req.query), nextCursor: null }),
  )

  createRoute(
    app,
    '/purposes',
    {
      tag: 'Programmes',
      summary: 'Add a loan purpose to a programme',
      description: 'A new purpose in the programme’s list, active at once. Admin only.',
      body: s.PurposeInput,
      response: ref(s.Purpose),
    },
    service.createPurpose,
  )

  app.post(
    '/purposes/:programmeCode/:code/retire',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Programmes'],
        summary: 'Retire a loan purpose',
        description:
          'New applications can no longer name it; applications and loans that carry it keep it. Admin only.',
        params: s.PurposeParams,
        headers: IdempotencyHeaders(false),
        response: { 200: ref(s.Purpose), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.retirePurpose(ctx, req.params.programmeCode, req.params.code),
      })),
  )
}
