import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ALL_ROLES, BRANCH_ROLES, READ_ALL_ROLES } from '../../platform/auth.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import { loadHousehold } from '../households/service.js'
import {
  AreaDesignation,
  AreaDesignationEndInput,
  AreaDesignationInput,
  AreaDesignationQuery,
  HouseholdPriorityAnswer,
  OnDateQuery,
} from './schemas.js'
import * as service from './service.js'

const STAFF_READERS = [...READ_ALL_ROLES, ...BRANCH_ROLES]

/** Priority attributes (docs/rules.md §14): area designations and a household's priority on a date. */
export default async function priorityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.post(
    '/area-designations',
    {
      config: { auth: ['admin', 'branch_manager'] },
      schema: {
        tags: ['Households'],
        summary: 'Designate a commune or village remote / especially difficult',
        description:
          'Dated data: from effectiveFrom, households of the commune (the transaction point) or of the one village ' +
          'are priority households (docs/rules.md §14). Append-only: a designation is ended by POST ' +
          '/v1/area-designations/{id}/end, never edited. Branch managers designate the communes of their branch. ' +
          'Idempotency-Key optional. Errors: REFERENCE_NOT_FOUND, FORBIDDEN, DESIGNATION_OVERLAP (the same place ' +
          'already has an open or overlapping designation of the same kind).',
        headers: IdempotencyHeaders(false),
        body: AreaDesignationInput,
        response: {
          201: ref(AreaDesignation),
          ...errorResponses('REFERENCE_NOT_FOUND', 'FORBIDDEN', 'DESIGNATION_OVERLAP'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.createDesignation(ctx, req.body),
      })),
  )

  app.post(
    '/area-designations/:id/end',
    {
      config: { auth: ['admin', 'branch_manager'] },
      schema: {
        tags: ['Households'],
        summary: 'End an area designation',
        description:
          'Records the last day the designation is in force, by a decision (an end record; the designation ' +
          'itself is not edited). Idempotency-Key optional. Errors: NOT_FOUND, INVALID_STATE (already ended), ' +
          'DATE_ORDER (before its effectiveFrom).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: AreaDesignationEndInput,
        response: { 200: ref(AreaDesignation), ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'DATE_ORDER') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.endDesignation(ctx, req.params.id, req.body),
      })),
  )

  listRoute(
    app,
    '/area-designations',
    {
      tag: 'Households',
      summary: 'List area designations',
      description:
        'Designations of communes and villages (remote, especially difficult), by id; branch staff see their ' +
        "branch's communes.",
      filters: AreaDesignationQuery,
      item: ref(AreaDesignation),
      roles: STAFF_READERS,
    },
    (db, actor, q, afterId, limit) => service.listDesignations(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/area-designations/:id',
    {
      config: { auth: STAFF_READERS },
      schema: {
        tags: ['Households'],
        summary: 'One area designation',
        description: 'The designation with its end, if ended.',
        params: IdParams,
        response: { 200: ref(AreaDesignation), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getDesignation(app.sqlite, req.actor, req.params.id),
  )

  app.get(
    '/households/:id/priority',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Households'],
        summary: "A household's priority attributes on a date",
        description:
          'Ethnic minority (as recorded on the date), and whether its commune or village is designated remote ' +
          'or especially difficult on the date; priority = any of them (docs/rules.md §14).',
        params: IdParams,
        querystring: OnDateQuery,
        response: { 200: HouseholdPriorityAnswer, ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => {
      loadHousehold(app.db, req.actor, req.params.id)
      const onDate = req.query.onDate ?? businessDate()
      return { householdId: req.params.id, onDate, ...service.householdPriority(app.sqlite, req.params.id, onDate) }
    },
  )
}
