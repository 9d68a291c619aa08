import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  Id,
  IdempotencyHeaders,
  PositiveVnd,
  Text,
  errorResponses,
  ref,
} from '../../platform/http-schemas.js'
import { Allocation, Loan } from '../loans/schemas.js'
import * as service from './service.js'
import { handleHot } from '../writer/handle.js'
import { BRANCH_ROLES } from '../../platform/auth.js'

const LoanIdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })

export default async function repaymentsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/loans/:id/repayments',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Post a repayment',
        description:
          'Cash received from the borrower on a value date. Idempotency-Key required. Allocated overdue ' +
          'interest → overdue principal (oldest first) → interest due → principal due → prepayment (last ' +
          'instalments first). The loan closes when principal and all interest are paid. Errors: ' +
          'OVERPAYMENT (with payoffAmount), DATE_IN_FUTURE, DATE_ORDER, INVALID_STATE, NOT_DISBURSED, ' +
          'RECONCILIATION_CLOSED.',
        params: LoanIdParams,
        headers: IdempotencyHeaders(true),
        body: Type.Object(
          {
            amount: PositiveVnd('Cash received in VND'),
            valueDate: BusinessDateSchema('Date the cash was received (not after the business date)'),
            reference: Type.Optional(Text(100, 'Receipt number or channel reference')),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            transactionId: Id(),
            overdueInterest: Type.Integer(),
            overduePrincipal: Type.Integer(),
            interest: Type.Integer(),
            principal: Type.Integer(),
            prepaid: Type.Integer(),
            allocation: ref(Allocation),
            loan: ref(Loan),
          }),
          ...errorResponses(
            'NOT_FOUND',
            'OVERPAYMENT',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'INVALID_STATE',
            'NOT_DISBURSED',
            'RECONCILIATION_CLOSED',
            'INVALID_CONTRACT',
            'INVALID_RATE',
            'INVALID_TERM',
            'LOAN_CLOSED',
          ),
        },
      },
    },
    (req, reply) => handleHot(app, req, reply, 'required', 'loans.repay', { loanId: req.params.id, body: req.body }),
  )

  app.post(
    '/loans/:id/transactions/:txId/reverse',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Reverse a transaction',
        description:
          'Adds a correcting transaction (nothing is deleted or edited); later repayments are re-allocated ' +
          "by replaying in value-date order and the loan's state (incl. closure) is recomputed. The ledger " +
          'posts the difference. Errors: INVALID_STATE (already reversed, not reversible), ' +
          'RECONCILIATION_CLOSED, FUNDING_EXHAUSTED (reversing a repayment lends its principal again: refused when ' +
          'its capital-controlled funding source has not that much available).',
        params: Type.Object({
          id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
          txId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        }),
        headers: IdempotencyHeaders(false),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ transactionId: Id(), reversesId: Id(), loan: ref(Loan) }),
          ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'RECONCILIATION_CLOSED', 'FUNDING_EXHAUSTED'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.reverse(ctx, req.params.id, req.params.txId, req.body.reason),
      })),
  )
}
