import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import { toCsv, wantsCsv } from '../../platform/csv.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { handleHot } from '../writer/handle.js'
import * as s from './schemas.js'
import { SHEET_CSV_COLUMNS, collectionSheet, sheetCsvRows } from './sheet.js'
import { getSession, listSessions } from './read.js'
import { ALL_ROLES, BRANCH_ROLES } from '../../platform/auth.js'

export default async function collectionsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.post(
    '/collection-sessions',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: ['Collections'],
        summary: 'Post a collection session',
        description:
          "One group's hand-in at its transaction point on a session date: per loan the interest, principal " +
          'and savings collected. Idempotency-Key required. All lines are posted or none; a bad line ' +
          "rejects the whole session and the problem names it (errors[].field = body.lines[i]). Each line's " +
          'interest + principal is one repayment, allocated by the standard order. The collection sheet of ' +
          'the point gives a ready body per group (`sessionRequest`).',
        headers: IdempotencyHeaders(true),
        body: s.SessionInput,
        response: {
          201: s.SessionPosted,
          ...errorResponses(
            'NOT_FOUND',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'DUPLICATE_LOAN_LINE',
            'EMPTY_LINE',
            'GROUP_NOT_AT_POINT',
            'INVALID_AMOUNT',
            'INVALID_CONTRACT',
            'INVALID_RATE',
            'INVALID_STATE',
            'INVALID_TERM',
            'LINE_REJECTED',
            'LOAN_CLOSED',
            'LOAN_NOT_IN_GROUP',
            'NOT_DISBURSED',
            'OVERPAYMENT',
            'REFERENCE_NOT_FOUND',
            'RECONCILIATION_CLOSED',
          ),
        },
      },
    },
    (req, reply) => handleHot(app, req, reply, 'required', 'collections.session', req.body),
  )

  app.get(
    '/transaction-points/:id/collection-sheet',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Collections'],
        summary: 'Collection sheet of a transaction point',
        description:
          'What each group, household and active loan of the point owes on a session date (default: the ' +
          "point's next session date on or after the business date; allowed from one year before the " +
          'business date up to that date, else 422 SHEET_DATE_OUT_OF_RANGE): principal due, interest ' +
          'accrued to the date, overdue principal, overdue interest (with the 130 % penalty interest), ' +
          "total, and the household's expected savings; group and sheet totals. The figures are the loan " +
          "replay's as of the date, so a repayment of exactly a loan's total on that date leaves nothing " +
          'overdue and nothing due. Each group carries `sessionRequest`, a body POST ' +
          '/v1/collection-sessions accepts unchanged (lines with nothing to collect left out; null when ' +
          'nothing is to be collected or the group has more than 200 lines). A partner officer sees only ' +
          'its own groups. CSV (`Accept: text/csv` or `format=csv`): one row per loan, Vietnamese headers, ' +
          "UTF-8 with BOM; a household's expected savings on its first loan's row. Errors: NOT_FOUND, " +
          'GROUP_NOT_AT_POINT, SHEET_DATE_OUT_OF_RANGE.',
        params: IdParams,
        querystring: s.SheetQuery,
        response: {
          200: ref(s.CollectionSheet),
          ...errorResponses('NOT_FOUND', 'GROUP_NOT_AT_POINT', 'SHEET_DATE_OUT_OF_RANGE'),
        },
      },
    },
    async (req, reply) => {
      const sheet = collectionSheet(app.sqlite, req.actor, req.params.id, req.query, businessDate())
      if (!wantsCsv(req)) return sheet
      // The BOM lets Excel open the Vietnamese names as UTF-8.
      const csv =
        '\uFEFF' +
        toCsv(
          SHEET_CSV_COLUMNS.map(([header]) => header),
          sheetCsvRows(sheet),
        )
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="collection-sheet-${sheet.transactionPointCode.replace(/[^\w.-]/g, '_')}-${sheet.date}.csv"`,
        )
        .serializer((x: unknown) => x as string)
        .send(csv as never)
    },
  )

  listRoute(
    app,
    '/collection-sessions',
    {
      tag: 'Collections',
      summary: 'List collection sessions',
      description:
        'Posted sessions visible to the caller (branch staff: their branch; partner officer: their ' +
        "partner's groups; finance, auditor, admin: all), oldest first, with the totals handed in and who " +
        'posted them. Filters: transactionPointId, groupId, date, or from / to (inclusive).',
      filters: s.SessionListQuery,
      item: ref(s.SessionListItem),
    },
    (db, actor, q, afterId, limit) => listSessions(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/collection-sessions/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Collections'],
        summary: 'Get a collection session',
        description:
          'The session with its lines: per loan the household, the interest, principal and savings handed ' +
          "in, the repayment transaction, that repayment's current allocation (overdue interest, overdue " +
          'principal, interest, principal, prepaid — a later back-dated payment or reversal re-allocates ' +
          'it) and whether it was reversed since (then its allocation is null).',
        params: IdParams,
        response: { 200: ref(s.SessionDetail), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => getSession(app.sqlite, req.actor, req.params.id),
  )
}
