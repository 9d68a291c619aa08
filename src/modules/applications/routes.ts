import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READERS } from '../../platform/routes.js'
import { Id, IdParams, IdempotencyHeaders, ListQuery, Page, cursorId, errorResponses, pageOf } from '../../platform/http-schemas.js'
import { APPLICATION_STATUSES } from '../../db/schema.js'
import * as s from './schemas.js'
import * as service from './service.js'

export default async function applicationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post('/applications', {
    config: { auth: ['partner_officer', 'branch_officer', 'admin'] },
    schema: {
      tags: ['Origination'], summary: 'Submit a loan application',
      description: 'A partner officer submits for a household of one of its groups. Eligibility is checked now (and again at approval); a failure is 422 with the reason code (ELIGIBILITY_STATUS, ESCAPED_WINDOW_EXPIRED, AREA_NOT_ELIGIBLE, AMOUNT_ABOVE_CAP, TERM_ABOVE_MAX, GRACE_NOT_BELOW_TERM, DUPLICATE_ACTIVE_LOAN). principalPlan defaults to the programme\'s.',
      headers: IdempotencyHeaders(false), body: s.ApplicationInput, response: { 201: s.Application, ...errorResponses(404, 409, 422) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 201, body: service.submitApplication(ctx, req.body) })))

  app.get('/applications', {
    config: { auth: READERS },
    schema: {
      tags: ['Origination'], summary: 'List applications',
      description: 'Applications visible to the caller (own partner / own branch), by id, with the borrower\'s name, citizen ID and group. Filters combine (AND); `groupId` is the household\'s group.',
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(APPLICATION_STATUSES)), householdId: Type.Optional(Id('Only this household')),
        groupId: Type.Optional(Id('Only households of this savings-and-loan group')), partnerId: Type.Optional(Id('Only this partner')),
        programmeCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'Only this programme (e.g. POOR)' })), ...ListQuery,
      }, { additionalProperties: false }),
      response: { 200: Page(s.ApplicationListItem), ...errorResponses() },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 50
    return pageOf(service.listApplications(app.db, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
  })

  app.get('/applications/:id', {
    config: { auth: READERS },
    schema: { tags: ['Origination'], summary: 'Get an application', description: 'One application (404 outside the caller\'s scope).', params: IdParams, response: { 200: s.Application, ...errorResponses(404) } },
  }, async (req) => service.applicationView(service.loadApplication(app.db, req.actor, req.params.id)))

  app.post('/applications/:id/certify', {
    config: { auth: ['branch_officer', 'branch_manager', 'admin'] },
    schema: {
      tags: ['Origination'], summary: 'Record the commune certification', description: "submitted → certified: the commune People's Committee confirmed residence and eligibility (decision number and date).",
      params: IdParams, headers: IdempotencyHeaders(false), body: s.CertifyInput, response: { 200: s.Application, ...errorResponses(404, 409, 422) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 200, body: service.certifyApplication(ctx, req.params.id, req.body) })))

  app.post('/applications/:id/approve', {
    config: { auth: ['branch_manager'] },
    schema: {
      tags: ['Origination'], summary: 'Approve an application (creates the loan)',
      description: 'certified → approved, by a branch manager of the household\'s branch who neither submitted nor certified it (FOUR_EYES). Eligibility is re-checked on the approval date. Returns the application with loanId.',
      params: IdParams, headers: IdempotencyHeaders(false), body: s.ApproveInput, response: { 200: s.Application, ...errorResponses(404, 409, 422) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 200, body: service.approveApplication(ctx, req.params.id, req.body ?? {}) })))

  app.post('/applications/:id/reject', {
    config: { auth: ['branch_manager', 'branch_officer', 'admin'] },
    schema: {
      tags: ['Origination'], summary: 'Reject an application', description: 'submitted|certified → rejected, with a reason.',
      params: IdParams, headers: IdempotencyHeaders(false), body: s.RejectInput, response: { 200: s.Application, ...errorResponses(404, 409) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 200, body: service.rejectApplication(ctx, req.params.id, req.body.reason) })))

  app.post('/applications/:id/withdraw', {
    config: { auth: ['partner_officer', 'branch_officer', 'branch_manager', 'admin'] },
    schema: {
      tags: ['Origination'], summary: 'Withdraw an application', description: 'submitted|certified → withdrawn (the household no longer wants the loan).',
      params: IdParams, headers: IdempotencyHeaders(false), body: s.WithdrawInput, response: { 200: s.Application, ...errorResponses(404, 409) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'optional', (ctx) => ({ statusCode: 200, body: service.withdrawApplication(ctx, req.params.id, req.body?.reason) })))
}
