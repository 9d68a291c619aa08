import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Page,
  cursorId,
  errorResponses,
  pageOf,
  OnePage,
  ref,
} from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { LOAN_STATES } from '../../db/schema.js'
import * as s from './schemas.js'
import * as service from './service.js'
import { ALL_ROLES, BRANCH_ROLES, APPROVER_ROLES } from '../../platform/auth.js'

const optionalId = (description: string) => Type.Optional(Type.Integer({ minimum: 1, description }))

export default async function loansRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get(
    '/loans',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'List loans',
        description:
          "Loans visible to the caller (own branch / own partner), by id, with the borrower's name and " +
          'citizen ID and the balances as of the last projection (refreshed by every money event and the ' +
          'daily close; `balancesAsOf` says when). Filters combine (AND). `classification=overdue`: loans ' +
          'with principal, interest or penalty overdue on the projection.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(LOAN_STATES, { description: 'Loan state' })),
            classification: Type.Optional(
              Type.Enum(s.LOAN_CLASSIFICATIONS, { description: 'Classification on the projection' }),
            ),
            branchId: optionalId('Only this branch'),
            partnerId: optionalId('Only this partner'),
            transactionPointId: optionalId('Only this transaction point'),
            groupId: optionalId('Only this savings-and-loan group'),
            householdId: optionalId('Only this household'),
            programmeCode: Type.Optional(
              Type.String({ minLength: 1, maxLength: 40, description: 'Only this programme (e.g. POOR)' }),
            ),
            awaitingDisbursement: Type.Optional(
              Type.Boolean({
                description:
                  'true: approved or active loans with part of the approved amount still to disburse (the ' +
                  "disbursement desk's list); false: the others",
              }),
            ),
            ...ListQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ref(s.LoanListItem)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(service.listLoans(app.db, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
    },
  )

  app.get(
    '/loans/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Get a loan',
        description:
          'Status, classification, outstanding principal, interest due, overdue amounts, payoff amount and ' +
          'next due date, computed on the business date (or `asOf`).',
        params: IdParams,
        querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()) }, { additionalProperties: false }),
        response: { 200: ref(s.Loan), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getLoan(app.sqlite, req.actor, req.params.id, req.query.asOf ?? businessDate()),
  )

  app.get(
    '/loans/:id/schedule',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Repayment schedule',
        description:
          'One line per month: due date (and effective due date after an extension or freeze), scheduled ' +
          'principal, planned interest, what was charged and paid, and status.',
        params: IdParams,
        querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()) }, { additionalProperties: false }),
        response: { 200: ref(s.LoanSchedule), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getSchedule(app.sqlite, req.actor, req.params.id, req.query.asOf ?? businessDate()),
  )

  app.get(
    '/loans/:id/transactions',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Loan transactions',
        description:
          'Every disbursement, repayment, reversal, risk decision (extension, freeze, write-off) and ' +
          'recovery after a write-off, in value-date order, with the current allocation of each repayment.',
        params: IdParams,
        response: { 200: OnePage(ref(s.LoanTransaction)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({ items: service.listTransactions(app.sqlite, req.actor, req.params.id), nextCursor: null }),
  )

  app.post(
    '/loans/:id/disbursements',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Disburse a tranche',
        description:
          'Cash handed to the borrower. Idempotency-Key required. One or more tranches up to the approved ' +
          'amount; the first fixes the due dates. Value date on or after approval and not after the ' +
          'business date. Errors: DISBURSEMENT_ABOVE_APPROVED, DATE_ORDER, DATE_IN_FUTURE, INVALID_STATE, ' +
          "INVALID_DISBURSEMENT, FUNDING_EXHAUSTED (the loan's capital-controlled funding source, or its top-up's, " +
          'has not that much capital available, docs/rules.md §12).',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: s.DisbursementInput,
        response: {
          201: s.DisbursementResult,
          ...errorResponses(
            'NOT_FOUND',
            'DISBURSEMENT_ABOVE_APPROVED',
            'FUNDING_EXHAUSTED',
            'LOAN_RECALLED',
            'DATE_ORDER',
            'DATE_IN_FUTURE',
            'INVALID_STATE',
            'INVALID_DISBURSEMENT',
            'INVALID_CONTRACT',
            'INVALID_RATE',
            'INVALID_TERM',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: service.disburse(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/loans/:id/cancel',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Cancel an approved loan that was never disbursed',
        description:
          'approved → cancelled, with a reason (audited). Only a loan with no disbursement (one reversed in ' +
          'full counts as none); afterwards the household may apply again in the programme. Branch manager ' +
          "of the loan's branch, or admin. Idempotency-Key optional. Errors: INVALID_STATE (not approved, " +
          'or disbursed).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.CancelInput,
        response: { 200: ref(s.Loan), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.cancelLoan(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/schedules/preview',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Origination'],
        summary: 'Preview a schedule',
        description:
          'The schedule for any terms (docs/rules.md §6), nothing stored, no programme caps. monthlyRatePpm ' +
          '0 = interest-free.',
        body: s.PreviewInput,
        response: {
          200: s.Preview,
          ...errorResponses(
            'INVALID_AMOUNT',
            'INVALID_DATE',
            'INVALID_DISBURSEMENT',
            'INVALID_PRINCIPAL_PLAN',
            'INVALID_RATE',
            'INVALID_SESSION_DAY',
            'INVALID_TERM',
            'OUT_OF_RANGE',
          ),
        },
      },
    },
    async (req) => service.previewSchedule(req.body),
  )
}
