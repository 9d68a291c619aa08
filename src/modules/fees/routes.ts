import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READ_ALL_ROLES } from '../../platform/auth.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport } from '../../platform/csv.js'
import { IdempotencyHeaders, OnePage, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import {
  AccrualBody,
  AccrualResult,
  FeeRate,
  FeeRateBody,
  FeeRateListQuery,
  MonthQuery,
  PartnerFeeAccrual,
  PartnerFeePayable,
  PartnerFeePayment,
  PartnerFeesReport,
  PaymentBody,
  PaymentResult,
  PostingFilters,
} from './schemas.js'
import * as service from './service.js'
import * as postings from './postings.js'

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
          ("collected through the group's collection sessions in the month / 10^6). Who is paid: the nearest " +
            "partner up the partner's tree with an entrustment contract in force on the month's last day, at the " +
            "contract's rates (one row per partner paid, with level and contractId; docs/rules.md §23); without " +
            'one, the partner itself at the fee-rate version in force then (its own overrides the default). ') +
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

  // Partner fees as money (docs/rules.md §19).
  app.post(
    '/partner-fees/accruals',
    {
      config: { auth: ['finance'] },
      schema: {
        tags: ['Finance'],
        summary: "Accrue a month's partner fees to the ledger",
        description:
          "Computes the ended month's fees as GET /v1/reports/partner-fees does and posts, per partner, one " +
          'balanced entry Dr partner_fee_expense / Cr partner_fee_payable, split by the funding source of the loans ' +
          'the fees were earned on. Running the month again posts only what changed since (a back-dated ' +
          'repayment, reversal or rate version); unchanged partners get nothing. Idempotency-Key required. ' +
          'Errors: MONTH_NOT_ENDED, FEE_RATE_MISSING, PARTNER_FEE_OVERPAID (the fees fell below what was paid).',
        headers: IdempotencyHeaders(true),
        body: AccrualBody,
        response: {
          201: AccrualResult,
          ...errorResponses('MONTH_NOT_ENDED', 'FEE_RATE_MISSING', 'PARTNER_FEE_OVERPAID'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: postings.accrueMonth(ctx, req.body.month),
      })),
  )

  app.post(
    '/partner-fees/payments',
    {
      config: { auth: ['finance'] },
      schema: {
        tags: ['Finance'],
        summary: 'Pay a partner its accrued fees for a month',
        description:
          'Pays what is payable for the partner and month (accrued − paid), all of it or `amount`: Dr ' +
          'partner_fee_payable / Cr cash_at_branch, split over funding sources in proportion to what each owes. ' +
          'Four eyes: not by a user who accrued that month for the partner. Idempotency-Key required. Errors: ' +
          'PARTNER_FEE_ABOVE_PAYABLE, FOUR_EYES, REFERENCE_NOT_FOUND, DATE_IN_FUTURE, DATE_ORDER.',
        headers: IdempotencyHeaders(true),
        body: PaymentBody,
        response: {
          201: PaymentResult,
          ...errorResponses(
            'PARTNER_FEE_ABOVE_PAYABLE',
            'FOUR_EYES',
            'REFERENCE_NOT_FOUND',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: postings.payPartnerFee(ctx, req.body),
      })),
  )

  listRoute(
    app,
    '/partner-fees/accruals',
    {
      tag: 'Finance',
      summary: 'List partner fee accruals',
      description: 'Accrual records (one per partner and run), by id, with what each run posted per funding source.',
      filters: PostingFilters,
      item: ref(PartnerFeeAccrual),
      roles: READ_ALL_ROLES,
    },
    (db, _actor, q, afterId, limit) => postings.listAccruals(db.$client, q, afterId, limit),
  )

  listRoute(
    app,
    '/partner-fees/payments',
    {
      tag: 'Finance',
      summary: 'List partner fee payments',
      description: 'Payments of partner fees, by id, with their split over funding sources.',
      filters: PostingFilters,
      item: ref(PartnerFeePayment),
      roles: READ_ALL_ROLES,
    },
    (db, _actor, q, afterId, limit) => postings.listPayments(db.$client, q, afterId, limit),
  )

  app.get(
    '/partner-fees/payable',
    {
      config: { auth: READ_ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Partner fees payable',
        description:
          'Per partner and month that has accruals: accrued, paid and payable (accrued − paid), in total and per ' +
          'funding source; by month, then partner.',
        querystring: Type.Object(PostingFilters, { additionalProperties: false }),
        response: { 200: OnePage(PartnerFeePayable), ...errorResponses() },
      },
    },
    async (req) => ({ items: postings.payables(app.sqlite, req.query), nextCursor: null }),
  )
}
