import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READ_ALL_ROLES, BRANCH_ROLES, type Role } from '../../platform/auth.js'
import { BusinessDateSchema, IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { CreateQuery, CsvStatementBody, JsonStatementBody, Reconciliation, ReconciliationSummary } from './schemas.js'
import * as service from './service.js'
import { receivedStatement } from './statement.js'
import { listRoute } from '../../platform/routes.js'

/** Branch staff read their own branch's reconciliations; partners never. */
const RECONCILIATION_READERS: readonly Role[] = [...READ_ALL_ROLES, ...BRANCH_ROLES]
const CSV_BODY_LIMIT = 1_048_576

export default async function reconciliationRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  // Statements may be uploaded as CSV (scoped to this plugin).
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  )

  app.post(
    '/reconciliations',
    {
      config: { auth: ['finance'] },
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['Finance'],
        summary: 'Reconcile a statement of cash received',
        description:
          'Finance uploads the statement of cash received at a transaction point on a date — JSON ' +
          '`{transactionPointId, date, lines:[{loanId, amount, reference?}]}`, ' +
          ('or `Content-Type: text/csv` with the header exactly `loanId,amount,reference` (reference ' +
            'optional) and `?transactionPointId=&date=`. ') +
          ('Per loan it is matched against the live repayments posted at that point with that value date ' +
            '(individual and collection-session repayments): ') +
          ('matched, missing_in_statement, unexpected_in_statement, amount_mismatch. The net difference ' +
            '(statement − posted) goes to suspense in one balanced journal entry ') +
          ('(statement > posted: Dr cash at transaction point / Cr suspense; otherwise the reverse; none ' +
            'when equal). ') +
          ('A later reconciliation of the same open (point, date) supersedes the earlier one and posts only ' +
            'the change. Idempotency-Key optional. ') +
          ('A bad statement (wrong header, non-integer or negative amounts, unknown loan, loan of another ' +
            'point) is refused naming each line (errors[].field = `csv.line N` or `body.lines[i]`) and ' +
            'nothing is written. ') +
          ('Errors: VALIDATION_ERROR, REFERENCE_NOT_FOUND, LOAN_NOT_AT_POINT, DATE_IN_FUTURE, ' +
            'RECONCILIATION_CLOSED (the point and date are reconciled and closed).'),
        headers: IdempotencyHeaders(false),
        querystring: CreateQuery,
        body: {
          content: { 'application/json': { schema: JsonStatementBody }, 'text/csv': { schema: CsvStatementBody } },
        } as unknown as typeof JsonStatementBody,
        response: {
          201: ref(Reconciliation),
          ...errorResponses(
            'REFERENCE_NOT_FOUND',
            'LOAN_NOT_AT_POINT',
            'DATE_IN_FUTURE',
            'RECONCILIATION_CLOSED',
            'INVALID_AMOUNT',
            'NOT_FOUND',
          ),
        },
      },
    },
    async (req, reply) => {
      const { input, label, pointField } = receivedStatement(req.headers['content-type'], req.body, req.query)
      // The idempotency fingerprint is taken from the body: make it the whole statement (CSV: incl. the query's
      // point and date).
      ;(req as { body: unknown }).body = input
      return app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.createReconciliation(ctx, input, label, pointField) as never,
      }))
    },
  )

  listRoute(
    app,
    '/reconciliations',
    {
      tag: 'Finance',
      summary: 'List reconciliations',
      description:
        "Reconciliations visible to the caller (branch staff: their branch's points), without lines, by " +
        'transaction point, date or status.',
      filters: {
        transactionPointId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
        date: Type.Optional(BusinessDateSchema('Statement date')),
        status: Type.Optional(Type.Enum(['open', 'closed'] as const)),
      },
      item: ref(ReconciliationSummary),
      roles: RECONCILIATION_READERS,
    },
    (db, actor, q, afterId, limit) => service.listReconciliations(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/reconciliations/:id',
    {
      config: { auth: RECONCILIATION_READERS },
      schema: {
        tags: ['Finance'],
        summary: 'Get a reconciliation with its lines',
        description:
          'The reconciliation, its summary, totals, suspense amount and entry, and one line per loan with ' +
          "the statement and posted amounts and the result. Branch staff see their branch's only (others: " +
          '404).',
        params: IdParams,
        response: { 200: ref(Reconciliation), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getReconciliation(app.sqlite, req.actor, req.params.id) as never,
  )

  app.post(
    '/reconciliations/:id/close',
    {
      config: { auth: ['finance'] },
      schema: {
        tags: ['Finance'],
        summary: 'Close a reconciliation',
        description:
          'open → closed (finance). Afterwards any repayment or reversal with that value date on a loan of ' +
          'that transaction point, and any new reconciliation of the (point, date), is refused with 409 ' +
          'RECONCILIATION_CLOSED. ' +
          ('Only the latest reconciliation of a (point, date) can be closed (INVALID_STATE otherwise, or ' +
            'when already closed). Idempotency-Key optional.'),
        params: IdParams,
        headers: IdempotencyHeaders(false),
        response: {
          200: ref(Reconciliation),
          ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'RECONCILIATION_CLOSED'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.closeReconciliation(ctx, req.params.id) as never,
      })),
  )
}
