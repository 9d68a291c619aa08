import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { createRoute, READERS } from '../../platform/routes.js'
import { BusinessDateSchema, IdParams, IdempotencyHeaders, ListQuery, Page, cursorId, errorResponses, pageOf } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import * as s from './schemas.js'
import * as service from './service.js'

const WRITERS = ['admin', 'branch_officer', 'branch_manager', 'partner_officer'] as const

export default async function householdsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  createRoute(app, '/households', {
    tag: 'Households', summary: 'Register a household', description: 'A borrower household, member of one savings-and-loan group. The head\'s 12-digit citizen ID is unique. Partner officers register households of their own groups; branch staff of their branch.',
    body: s.HouseholdInput, response: s.Household, roles: WRITERS,
  }, service.createHousehold)

  app.get('/households', {
    config: { auth: READERS },
    schema: {
      tags: ['Households'], summary: 'Find households', description: 'Households visible to the caller; filter by citizen ID or group.',
      querystring: Type.Object({ nationalId: Type.Optional(s.NationalId), groupId: Type.Optional(Type.Integer({ minimum: 1 })), ...ListQuery }),
      response: { 200: Page(s.Household), ...errorResponses() },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 50
    return pageOf(service.listHouseholds(app.db, req.actor, req.query, cursorId(req.query.cursor), limit, businessDate()), limit)
  })

  app.get('/households/:id', {
    config: { auth: READERS },
    schema: { tags: ['Households'], summary: 'Get a household', description: 'One household with its poverty status on the business date.', params: IdParams, response: { 200: s.Household, ...errorResponses(404) } },
  }, async (req) => service.getHousehold(app.db, req.actor, req.params.id, businessDate()))

  app.post('/households/:id/poverty-status', {
    config: { auth: WRITERS },
    schema: {
      tags: ['Households'], summary: 'Record a poverty-status decision', description: 'Adds a commune decision to the household\'s timeline (append-only). A move from poor/near-poor to escaped/none after a disbursement is a poverty exit for the support rule.',
      params: IdParams, headers: IdempotencyHeaders(false), body: s.PovertyRecordInput, response: { 201: s.PovertyRecord, ...errorResponses(404, 422) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 201, body: service.addPovertyRecord(ctx, req.params.id, req.body) })))

  app.post('/households/:id/poverty-status/:recordId/revoke', {
    config: { auth: ['admin', 'branch_officer', 'branch_manager'] },
    schema: {
      tags: ['Households'], summary: 'Revoke a poverty-status decision', description: 'Marks a decision recorded in error as revoked (append-only). A revoked exit cancels an unpaid support payment, and a paid one gets a recovery record.',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }), recordId: Type.Integer({ minimum: 1 }) }), headers: IdempotencyHeaders(false),
      body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: s.PovertyRecord, ...errorResponses(404, 409) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 200, body: service.revokePovertyRecord(ctx, req.params.id, req.params.recordId, req.body.reason) })))

  app.get('/households/:id/poverty-status', {
    config: { auth: READERS },
    schema: {
      tags: ['Households'], summary: 'Poverty-status timeline', description: 'Every decision in effective-date order and the status on a date (default: the business date).',
      params: IdParams, querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()) }), response: { 200: s.PovertyTimeline, ...errorResponses(404) },
    },
  }, async (req) => service.getTimeline(app.db, req.actor, req.params.id, req.query.asOf ?? businessDate()))
}
