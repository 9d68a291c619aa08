import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, IdempotencyHeaders, OnePage, errorResponses, ref } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport, type CsvColumn } from '../../platform/csv.js'
import { BRANCH_ROLES, READ_ALL_ROLES, type Role } from '../../platform/auth.js'
import * as s from './schemas.js'
import * as service from './service.js'

const TAG = 'Funding'
/** Funding figures are the bank's, not a branch's: staff and the read-all roles read them; partners do not. */
const READERS: readonly Role[] = [...READ_ALL_ROLES, ...BRANCH_ROLES]
const FUNDING_CSV: CsvColumn[] = [
  ['code', 'Mã nguồn vốn'],
  ['name', 'Tên nguồn vốn'],
  ['kind', 'Loại'],
  ['capital', 'Vốn đã nhận'],
  ['disbursed', 'Đã giải ngân'],
  ['principalRepaid', 'Gốc đã thu hồi'],
  ['outstanding', 'Dư nợ gốc'],
  ['writtenOff', 'Gốc đã xử lý rủi ro'],
  ['available', 'Vốn còn lại'],
]

/** Routes of funding sources and capital (docs/rules.md §12); registered under /v1 by src/app.ts. */
export default async function fundingRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get(
    '/funding-sources',
    {
      config: { auth: READERS },
      schema: {
        tags: [TAG],
        summary: 'Funding sources with their capital',
        description:
          'Every funding source: capital received, principal disbursed, repaid, outstanding and written off, and ' +
          'the capital available (null for a source not under capital control). Branch staff, finance, auditor, admin.',
        response: { 200: OnePage(ref(s.FundingSource)), ...errorResponses() },
      },
    },
    async () => ({ items: service.listSources(app.sqlite), nextCursor: null }),
  )

  app.post(
    '/funding-sources',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: [TAG],
        summary: 'Create a funding source',
        description:
          'A central or local source (e.g. a province budget entrusted through the bank). It is capital-controlled ' +
          'from creation: nothing is lent from it before capital is received. Admin. Errors: DUPLICATE, ' +
          'REFERENCE_NOT_FOUND (branch).',
        headers: IdempotencyHeaders(false),
        body: s.SourceInput,
        response: { 201: ref(s.FundingSource), ...errorResponses('DUPLICATE', 'REFERENCE_NOT_FOUND') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.createSource(ctx, req.body),
      })),
  )

  app.get(
    '/funding-sources/:code',
    {
      config: { auth: READERS },
      schema: {
        tags: [TAG],
        summary: 'One funding source with its capital',
        params: s.CodeParams,
        response: { 200: ref(s.FundingSource), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getSource(app.sqlite, req.params.code),
  )

  app.post(
    '/funding-sources/:code/capital',
    {
      config: { auth: ['finance', 'admin'] },
      schema: {
        tags: [TAG],
        summary: 'Record capital received by a funding source',
        description:
          'Posts `capital_received`: Dr cash_at_branch / Cr capital under the source. The first receipt of a ' +
          'source not yet under capital control puts it under control and must cover what it has already lent. ' +
          'Finance or admin; Idempotency-Key required. Errors: NOT_FOUND, DATE_IN_FUTURE, CAPITAL_BELOW_LENT.',
        headers: IdempotencyHeaders(true),
        params: s.CodeParams,
        body: s.CapitalInput,
        response: {
          201: Type.Object({ receipt: ref(s.CapitalReceipt), source: ref(s.FundingSource) }),
          ...errorResponses('NOT_FOUND', 'DATE_IN_FUTURE', 'CAPITAL_BELOW_LENT'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: service.receiveCapital(ctx, req.params.code, req.body),
      })),
  )

  app.get(
    '/funding-sources/:code/capital',
    {
      config: { auth: READERS },
      schema: {
        tags: [TAG],
        summary: 'Capital receipts of a funding source',
        params: s.CodeParams,
        response: { 200: OnePage(ref(s.CapitalReceipt)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({ items: service.listReceipts(app.sqlite, req.params.code), nextCursor: null }),
  )

  app.get(
    '/reports/funding-sources',
    {
      config: { auth: READERS },
      schema: {
        tags: ['Finance'],
        summary: 'Report by funding source',
        description:
          'Per funding source as of a value date (default: the business date): capital received, disbursed, ' +
          'principal repaid, outstanding, written off and available. Also as CSV with `Accept: text/csv` or ' +
          '`format=csv` (UTF-8 with BOM; headings "Vietnamese (key)").',
        querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()), ...CsvFormatQuery }),
        response: {
          200: Type.Object({ asOf: Type.String(), items: Type.Array(ref(s.FundingSource)) }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const r = service.fundingSourcesReport(app.sqlite, req.query.asOf ?? businessDate())
      return sendReport(req, reply, r, {
        columns: FUNDING_CSV,
        rows: r.items,
        filename: `funding-sources-${r.asOf}.csv`,
      })
    },
  )
}
