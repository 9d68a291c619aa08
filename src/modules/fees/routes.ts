import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READ_ALL_ROLES } from '../../platform/auth.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport } from '../../platform/csv.js'
import { IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import { FeeRate, FeeRateBody, FeeRateListQuery, MonthQuery, PartnerFeesReport } from './schemas.js'
import * as service from './service.js'

export default async function feesRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get(
    '/reports/partner-fees',
    {
      config: { auth: READ_ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Partner fees for a month',
        description:
          'For an ended month: per partner the entrustment fee = round half-up(entrustmentFeeRatePpm × Σ ' +
          "outstanding principal on the month's last day of the partner's loans " +
          ('on which interest (contract + overdue) was collected in the month, each loan counted once / ' +
            '10^6); per group the commission = round half-up(groupCommissionRatePpm × interest ') +
          ("collected through the group's collection sessions in the month / 10^6). Rates: the fee-rate " +
            "version in force on the month's last day (a partner's own version overrides the default). ") +
          ('Also as CSV with `Accept: text/csv` or `format=csv` (UTF-8 with BOM; headings "Vietnamese ' +
            '(key)"; one row per fee: kind entrustment_fee | group_commission, base, ratePpm, amount). ' +
            'Errors: MONTH_NOT_ENDED, FEE_RATE_MISSING.'),
        querystring: Type.Object({ ...MonthQuery.properties, ...CsvFormatQuery }),
        response: { 200: PartnerFeesReport, ...errorResponses('MONTH_NOT_ENDED', 'FEE_RATE_MISSING', 'NOT_FOUND') },
      },
    },
    async (req, reply) => {
      const report = service.partnerFeesReport(app.sqlite, req.query.month, businessDate())
      return sendReport(req, reply, report, {
        columns: service.CSV_COLUMNS,
        rows: service.csvRows(report),
        filename: `partner-fees-${report.month}.csv`,
      })
    },
  )

  app.post(
    '/fee-rates',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Finance'],
        summary: 'Add a fee-rate version',
        description:
          'A new version of the entrustment fee and group commission rates, from effectiveFrom: the default ' +
          "for all partners (no partnerId) or one partner's own rates, which override the default. " +
          ('Versions are never edited; a month uses the version in force on its last day. Idempotency-Key ' +
            'optional. Errors: DUPLICATE (a version from that date exists), REFERENCE_NOT_FOUND.'),
        headers: IdempotencyHeaders(false),
        body: FeeRateBody,
        response: { 201: ref(FeeRate), ...errorResponses('DUPLICATE', 'REFERENCE_NOT_FOUND') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.createFeeRate(ctx, req.body),
      })),
  )

  listRoute(
    app,
    '/fee-rates',
    {
      tag: 'Finance',
      summary: 'List fee-rate versions',
      description:
        'All versions of the entrustment fee and group commission rates (default and partner-specific), ' +
        'oldest first.',
      filters: FeeRateListQuery,
      item: ref(FeeRate),
      roles: READ_ALL_ROLES,
    },
    (db, _actor, q, afterId, limit) => service.listFeeRates(db.$client, q, afterId, limit),
  )
}
