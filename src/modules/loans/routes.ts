import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READERS } from '../../platform/routes.js'
import { BusinessDateSchema, IdParams, IdempotencyHeaders, ListQuery, Page, cursorId, errorResponses, pageOf } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { LOAN_STATES } from '../../db/schema.js'
import * as s from './schemas.js'
import * as service from './service.js'

const optionalId = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }))

export default async function loansRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get('/loans', {
    config: { auth: READERS },
    schema: {
      tags: ['Loans'], summary: 'List loans', description: 'Loans visible to the caller, with balances as of the last projection (refreshed by every money event and the daily close).',
      querystring: Type.Object({
        status: Type.Optional(Type.Enum(LOAN_STATES)), branchId: optionalId('Only this branch'), partnerId: optionalId('Only this partner'),
        householdId: optionalId('Only this household'), groupId: optionalId('Only this group'), ...ListQuery,
      }),
      response: { 200: Page(s.LoanSummary), ...errorResponses() },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 50
    return pageOf(service.listLoans(app.db, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
  })

  app.get('/loans/:id', {
    config: { auth: READERS },
    schema: {
      tags: ['Loans'], summary: 'Get a loan', description: 'Status, classification, outstanding principal, interest due, overdue amounts, payoff amount and next due date, computed on the business date (or `asOf`).',
      params: IdParams, querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()) }), response: { 200: s.Loan, ...errorResponses(404) },
    },
  }, async (req) => service.getLoan(app.sqlite, req.actor, req.params.id, req.query.asOf ?? businessDate()))

  app.get('/loans/:id/schedule', {
    config: { auth: READERS },
    schema: {
      tags: ['Loans'], summary: 'Repayment schedule', description: 'One line per month: due date (and effective due date after an extension or freeze), scheduled principal, planned interest, what was charged and paid, and status.',
      params: IdParams, querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()) }), response: { 200: s.LoanSchedule, ...errorResponses(404) },
    },
  }, async (req) => service.getSchedule(app.sqlite, req.actor, req.params.id, req.query.asOf ?? businessDate()))

  app.get('/loans/:id/transactions', {
    config: { auth: READERS },
    schema: {
      tags: ['Loans'], summary: 'Loan transactions', description: 'Every disbursement, repayment, reversal and risk decision in value-date order, with the current allocation of each repayment.',
      params: IdParams, response: { 200: Type.Object({ items: Type.Array(s.LoanTransaction) }), ...errorResponses(404) },
    },
  }, async (req) => ({ items: service.listTransactions(app.sqlite, req.actor, req.params.id) }))

  app.post('/loans/:id/disbursements', {
    config: { auth: ['branch_officer', 'branch_manager'] },
    schema: {
      tags: ['Loans'], summary: 'Disburse a tranche',
      description: 'Cash handed to the borrower. Idempotency-Key required. One or more tranches up to the approved amount; the first fixes the due dates. Value date on or after approval and not after the business date. Errors: DISBURSEMENT_ABOVE_APPROVED, DATE_ORDER, DATE_IN_FUTURE, INVALID_STATE, INVALID_DISBURSEMENT.',
      params: IdParams, headers: IdempotencyHeaders(true), body: s.DisbursementInput, response: { 201: s.DisbursementResult, ...errorResponses(404, 409, 422) },
    },
  }, (req, reply) => app.commands.handle(req, reply, 'required', (ctx) => ({ statusCode: 201, body: service.disburse(ctx, req.params.id, req.body) })))

  app.post('/schedules/preview', {
    config: { auth: READERS },
    schema: {
      tags: ['Origination'], summary: 'Preview a schedule', description: 'The schedule for any terms (RULES.md §6), nothing stored, no programme caps. monthlyRatePpm 0 = interest-free.',
      body: s.PreviewInput, response: { 200: s.Preview, ...errorResponses(422) },
    },
  }, async (req) => service.previewSchedule(req.body))
}
