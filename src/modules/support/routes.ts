import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  Id,
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Page,
  Text,
  Vnd,
  cursorId,
  errorResponses,
  pageOf,
  component,
  ref,
} from '../../platform/http-schemas.js'
import { SUPPORT_STATUSES } from '../../db/schema.js'
import * as service from './service.js'
import { SUPPORT_OUTCOMES, SupportEvaluationItem } from './schemas.js'
import { SUPPORT_REASON_CODES } from '../../domain/support-rule.js'
import { CsvFormatQuery, wantsCsv } from '../../platform/csv.js'
import { evaluationsCsv } from './csv.js'
import { ALL_ROLES } from '../../platform/auth.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const SupportPaymentFields = Type.Object({
  id: Id(),
  householdId: Id(),
  localPolicyCode: Type.String(),
  loanId: Id(),
  branchId: Id(),
  amount: Vnd(),
  status: Type.Enum(SUPPORT_STATUSES),
  evidence: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Loan, instalment record (due, effective due, paid-off dates) and the exit decision',
  }),
  createdOn: Type.String(),
  approvedBy: Nullable(Type.Integer()),
  approvedOn: Nullable(Type.String()),
  paidBy: Nullable(Type.Integer()),
  paidOn: Nullable(Type.String()),
  payReference: Nullable(Type.String()),
  rejectedBy: Nullable(Type.Integer()),
  rejectionReason: Nullable(Type.String()),
  cancelledOn: Nullable(Type.String()),
  cancellationReason: Nullable(Type.String()),
  createdAt: Type.String(),
  recovery: Type.Optional(
    Nullable(Type.Object({ id: Id(), amount: Vnd(), reason: Type.String(), createdOn: Type.String() })),
  ),
})

export const SupportPayment = component('SupportPayment', SupportPaymentFields)

/** A list row: the payment and its household. */
export const SupportPaymentListItem = component(
  'SupportPaymentListItem',
  Type.Intersect([
    SupportPaymentFields,
    Type.Object({
      householdName: Type.String({ description: 'Name of the household head' }),
      nationalId: Type.String({ description: "The household head's 12-digit citizen ID" }),
    }),
  ]),
)

export default async function supportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.get(
    '/support-payments',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Support payments'],
        summary: 'List support payments',
        description:
          'Support payments visible to the caller, by status, household, branch or policy, each with the ' +
          "household head's name and citizen ID. Each item carries its `recovery` (amount, reason, " +
          'createdOn) when the conditions stopped holding after it was paid; `hasRecovery=true` lists ' +
          'those, `false` the others.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Enum(SUPPORT_STATUSES)),
            householdId: Type.Optional(Type.Integer({ minimum: 1 })),
            branchId: Type.Optional(Type.Integer({ minimum: 1 })),
            localPolicyCode: Type.Optional(Type.String({ maxLength: 40 })),
            hasRecovery: Type.Optional(
              Type.Boolean({ description: 'true: only payments with a recovery; false: only those without' }),
            ),
            ...ListQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ref(SupportPaymentListItem)), ...errorResponses() },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(
        service.listSupport(app.sqlite, req.actor, req.query, cursorId(req.query.cursor), limit),
        limit,
      ) as never
    },
  )

  app.get(
    '/support-evaluations',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Support payments'],
        summary: 'Support verdicts: who gets the support payment, who does not yet, and why',
        description:
          'One item per loan under a local policy with a support rule (docs/rules.md §8): the current ' +
          'verdict (`eligible`, `not_yet`, `ineligible`), ' +
          ('its reason code (`CONDITIONS_MET` when eligible), one sentence in Vietnamese and one in English ' +
            'that a branch can read to the household, ') +
          ('and the evidence — the first late instalment (number, due date, paid date), the poverty-exit ' +
            'decision that counts (record id, decision number, effective date), ') +
          ("the window's end, the budget when evaluated and the household's payment if one exists. Verdicts " +
            'are kept current at every evaluation point ') +
          ('(a loan event, a poverty-status record, the daily close). Branch staff see their branch, a ' +
            'partner officer the loans of their partner, finance, auditors and admins all. ') +
          ('Ordered by loan id. With `Accept: text/csv`: every matching row from `cursor` on (at most ' +
            '`limit` when given), Vietnamese column headers, UTF-8 with BOM.'),
        querystring: Type.Object(
          {
            policyCode: Type.Optional(Type.String({ maxLength: 40, description: 'Local policy code' })),
            outcome: Type.Optional(Type.Enum(SUPPORT_OUTCOMES)),
            reason: Type.Optional(Type.Enum(SUPPORT_REASON_CODES as readonly string[])),
            branchId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
            householdId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
            ...ListQuery,
            ...CsvFormatQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(SupportEvaluationItem), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req, reply) => {
      const after = cursorId(req.query.cursor)
      if (wantsCsv(req)) {
        // A spreadsheet gets every matching row (pages of 500 read one after the other), or `limit` of them.
        const rows: ReturnType<typeof service.listSupportEvaluations> = []
        const cap = req.query.limit ?? Number.MAX_SAFE_INTEGER
        for (let from = after; ;) {
          const want = Math.min(500, cap - rows.length)
          if (want <= 0) break
          const page = service.listSupportEvaluations(app.sqlite, req.actor, req.query, from, want)
          rows.push(...page.slice(0, want))
          if (page.length <= want) break
          from = rows[rows.length - 1]!.loanId
        }
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="support-evaluations.csv"')
          .serializer((x: unknown) => x as string)
          .send(evaluationsCsv(rows) as never)
      }
      const limit = req.query.limit ?? 50
      return pageOf(service.listSupportEvaluations(app.sqlite, req.actor, req.query, after, limit), limit) as never
    },
  )

  app.get(
    '/support-payments/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Support payments'],
        summary: 'Get a support payment with its evidence',
        description:
          'The payment, its workflow, the evidence (loan, instalment record, exit decision number and date) ' +
          'and any recovery.',
        params: IdParams,
        response: { 200: ref(SupportPayment), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getSupport(app.sqlite, req.actor, req.params.id) as never,
  )

  app.post(
    '/support-payments/:id/approve',
    {
      config: { auth: ['branch_manager'] },
      schema: {
        tags: ['Support payments'],
        summary: 'Approve a support payment',
        description:
          "pending_approval → approved, by a branch manager of the household's branch. Idempotency-Key " +
          'required. Posts support expense / support payable.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        response: { 200: ref(SupportPayment), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.approveSupport(ctx, req.params.id) as never,
      })),
  )

  app.post(
    '/support-payments/:id/reject',
    {
      config: { auth: ['branch_manager'] },
      schema: {
        tags: ['Support payments'],
        summary: 'Reject a support payment',
        description: 'pending_approval|approved → rejected, with a reason. Idempotency-Key required.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: ref(SupportPayment), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.rejectSupport(ctx, req.params.id, req.body.reason) as never,
      })),
  )

  app.post(
    '/support-payments/:id/pay',
    {
      config: { auth: ['finance'] },
      schema: {
        tags: ['Support payments'],
        summary: 'Record the payment',
        description:
          'approved → paid, by finance — never the user who approved it (FOUR_EYES). Records the date and ' +
          'the channel reference. Idempotency-Key required.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: Type.Object(
          { paidOn: BusinessDateSchema('Date paid'), reference: Text(100, 'Payment channel reference') },
          { additionalProperties: false },
        ),
        response: {
          200: ref(SupportPayment),
          ...errorResponses('NOT_FOUND', 'DATE_IN_FUTURE', 'DATE_ORDER', 'FOUR_EYES', 'INVALID_STATE'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.paySupport(ctx, req.params.id, req.body) as never,
      })),
  )
}
