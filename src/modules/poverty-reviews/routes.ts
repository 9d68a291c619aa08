import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BRANCH_STAFF_ROLES, READ_ALL_ROLES, type Role } from '../../platform/auth.js'
import { IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { sendReport, type CsvColumn } from '../../platform/csv.js'
import { listRoute } from '../../platform/routes.js'
import {
  CreateReviewQuery,
  CsvReviewBody,
  JsonReviewBody,
  ListReviewsQuery,
  MovementsQuery,
  PovertyMovements,
  PovertyReview,
  PovertyReviewSummary,
} from './schemas.js'
import { receivedReview } from './file.js'
import * as service from './service.js'

/** Branch staff read and apply their branch's reviews; finance and auditors read all; partners never. */
const REVIEW_READERS: readonly Role[] = [...new Set([...READ_ALL_ROLES, ...BRANCH_STAFF_ROLES])]
const CSV_BODY_LIMIT = 1_048_576

const MOVEMENTS_CSV: CsvColumn[] = [
  ['period', 'Kỳ'],
  ['key', 'Mã'],
  ['name', 'Tên'],
  ['escaped', 'Số hộ thoát nghèo'],
  ['fellBack', 'Số hộ tái nghèo'],
  ['newlyListed', 'Số hộ mới vào danh sách'],
]

/** Routes of the annual poverty review (docs/rules.md §17); registered under /v1 by src/app.ts. */
export default async function povertyReviewsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  // Reviewed lists may be uploaded as CSV (scoped to this plugin).
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  )

  app.post(
    '/poverty-reviews',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['Households'],
        summary: "Upload a commune's reviewed poverty list (dry run)",
        description:
          "The commune's annual list, as `text/csv` with `?transactionPointId=&year=` or as JSON " +
          '`{transactionPointId, year, lines}`, is stored as a draft and answered with its dry run: each line is ' +
          'a change (from → to), no change, an unknown citizen ID, a household of another commune, or a conflict ' +
          '(bad value, the same citizen ID twice, a date after the business date, a later decision already ' +
          'recorded, the decision number already used), each with a code, and totals. Nothing changes on any ' +
          "household until the review is applied. Branch staff of the commune's branch. Errors: " +
          'VALIDATION_ERROR (header, size, query), REFERENCE_NOT_FOUND (transaction point), UNSUPPORTED_MEDIA_TYPE.',
        headers: IdempotencyHeaders(false),
        querystring: CreateReviewQuery,
        body: {
          content: { 'application/json': { schema: JsonReviewBody }, 'text/csv': { schema: CsvReviewBody } },
        } as unknown as typeof JsonReviewBody,
        response: { 201: ref(PovertyReview), ...errorResponses('REFERENCE_NOT_FOUND') },
      },
    },
    async (req, reply) => {
      const input = receivedReview(req.headers['content-type'], req.body, req.query)
      // The idempotency fingerprint is the whole list, however it was sent.
      ;(req as { body: unknown }).body = input
      return app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.createReview(ctx, input) as never,
      }))
    },
  )

  listRoute(
    app,
    '/poverty-reviews',
    {
      tag: 'Households',
      summary: 'List poverty reviews',
      description: "Reviews in the caller's scope (branch staff: their branch), without lines, by id.",
      filters: ListReviewsQuery,
      item: ref(PovertyReviewSummary),
      roles: REVIEW_READERS,
    },
    (db, actor, q, afterId, limit) => service.listReviews(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/poverty-reviews/:id',
    {
      config: { auth: REVIEW_READERS },
      schema: {
        tags: ['Households'],
        summary: 'Get a poverty review with its lines',
        description:
          'The review, its totals and every line with its dry-run outcome and, once applied, what applying did.',
        params: IdParams,
        response: { 200: ref(PovertyReview), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getReview(app.sqlite, req.actor, req.params.id),
  )

  app.post(
    '/poverty-reviews/:id/apply',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Apply a poverty review',
        description:
          'In one command: every line is classified again against the timelines as they are now; each change is ' +
          'recorded as a poverty-status decision (source `annual_review`, its decision number and effective ' +
          "date), which re-evaluates the household's support rule as a single decision does; conflicts and every " +
          'other line are skipped and listed with their code. Applying an applied review answers it again and ' +
          'writes nothing. Idempotency-Key required. Errors: NOT_FOUND.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        response: { 200: ref(PovertyReview), ...errorResponses('NOT_FOUND') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.applyReview(ctx, req.params.id) as never,
      })),
  )

  app.get(
    '/reports/poverty-movements',
    {
      config: { auth: REVIEW_READERS },
      schema: {
        tags: ['Finance'],
        summary: 'Households escaping and falling back into poverty',
        description:
          'Per period (year or month of the effective date) and per transaction point or branch: households ' +
          'that left the poor or near-poor list, that came back onto it after having left it, and that were ' +
          'listed for the first time, from the poverty-status timeline (every decision, revoked ones ignored; ' +
          'a household counts under its current transaction point). Branch staff: their branch. Also as CSV ' +
          'with `Accept: text/csv` or `format=csv` (UTF-8 with BOM; headings "Vietnamese (key)"). Errors: ' +
          'VALIDATION_ERROR (from after to).',
        querystring: MovementsQuery,
        response: { 200: ref(PovertyMovements), ...errorResponses() },
      },
    },
    async (req, reply) => {
      const report = service.povertyMovementsReport(app.sqlite, req.actor, req.query)
      return sendReport(req, reply, report, {
        columns: MOVEMENTS_CSV,
        rows: report.rows,
        filename: `bien-dong-ho-ngheo-${req.query.from}-${req.query.to}.csv`,
      })
    },
  )
}
