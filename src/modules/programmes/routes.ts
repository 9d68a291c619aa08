import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { createRoute } from '../../platform/routes.js'
import { errorResponses, IdempotencyHeaders, OnePage, ref } from '../../platform/http-schemas.js'
import * as s from './schemas.js'
import * as service from './service.js'
import { ALL_ROLES } from '../../platform/auth.js'

export default async function programmesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  createRoute(
    app,
    '/programmes',
    {
      tag: 'Programmes',
      summary: 'Create a programme',
      description:
        'A loan programme with eligibility, cap, maximum term, overdue rate and its rate versions. Admin only.',
      body: s.ProgrammeInput,
      response: ref(s.Programme),
    },
    service.createProgramme,
  )

  app.get(
    '/programmes',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Programmes'],
        summary: 'List programmes',
        description: 'Every programme with its rate versions (a short list: one page).',
        response: { 200: OnePage(ref(s.Programme)), ...errorResponses() },
      },
    },
    async () => ({ items: service.listProgrammes(app.db), nextCursor: null }),
  )

  app.get(
    '/programmes/:code',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Programmes'],
        summary: 'Get a programme',
        description: 'One programme with its rate versions.',
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        response: { 200: ref(s.Programme), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getProgramme(app.db, req.params.code),
  )

  app.post(
    '/programmes/:code/rates',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Programmes'],
        summary: 'Add a rate version',
        description: 'A new monthly rate from a date on; interest periods are split at it. Admin only.',
        params: Type.Object({ code: Type.String({ maxLength: 40 }) }),
        headers: IdempotencyHeaders(false),
        body: s.RateVersion,
        response: {
          201: ref(s.Programme),
          ...errorResponses('NOT_FOUND', 'DUPLICATE', 'RATE_DATE_NOT_FUTURE', 'REFERENCE_NOT_FOUND'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.addRateVersion(ctx, req.params.code, req.body),
      })),
  )

  createRoute(
    app,
    '/local-policies',
    {
      tag: 'Programmes',
      summary: 'Create a local policy',
      description:
        "A region's layer over a programme: borrower rate override (0 = interest-free), optional support " +
        'rule and budget. Admin only.',
      body: s.LocalPolicyInput,
      response: ref(s.LocalPolicy),
    },
    service.createLocalPolicy,
  )

  app.get(
    '/local-policies',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Programmes'],
        summary: 'List local policies',
        description: 'Every local policy with its support rule and budget.',
        response: { 200: OnePage(ref(s.LocalPolicy)), ...errorResponses() },
      },
    },
    async () => ({ items: service.listLocalPolicies(app.db), nextCursor: null }),
  )
}
