/** GET /v1/reports/roll-up (docs/rules.md §24). */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ALL_ROLES } from '../../platform/auth.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { sendReport, type CsvColumn } from '../../platform/csv.js'
import { DomainError } from '../../platform/errors.js'
import { errorResponses } from '../../platform/http-schemas.js'
import { ROLLUP_FIGURES, rollUpReport, type RollUpQuery, type RollUpReportResult } from './rollup.js'
import { RollUpQuerySchema, RollUpResultSchema } from './rollup-schemas.js'

/** CSV headings: Vietnamese for people, the JSON key in brackets for programs. */
const ROW_CSV: CsvColumn[] = [
  ['level', 'Cấp'],
  ['id', 'Mã số'],
  ['code', 'Mã'],
  ['name', 'Tên'],
  ['parentId', 'Mã số cấp trên'],
  ['parentName', 'Cấp trên'],
]
const FIGURE_HEADINGS: Record<string, string> = {
  loans: 'Số khoản vay',
  households: 'Số hộ vay',
  outstanding: 'Dư nợ gốc',
  overdue: 'Nợ gốc quá hạn',
  overdueLoans: 'Số khoản vay quá hạn',
  overduePrincipal: 'Nợ gốc quá hạn',
  overdueInterest: 'Lãi quá hạn',
  repayments: 'Số lần trả nợ',
  amount: 'Số tiền',
  principal: 'Thu gốc',
  interest: 'Thu lãi',
  count: 'Số khoản',
  entrustmentFee: 'Phí ủy thác',
  groupCommission: 'Hoa hồng tổ TK&VV',
}
/** Headings a report names its own way (the collections' overdue interest is collected, not owed). */
const REPORT_HEADINGS: Partial<Record<RollUpQuery['report'], Record<string, string>>> = {
  collections: { amount: 'Tổng thu nợ', overdueInterest: 'Thu lãi quá hạn' },
  support_payments: { count: 'Số khoản hỗ trợ đã chi', amount: 'Số tiền hỗ trợ đã chi' },
  fees: { amount: 'Tổng phí' },
}

function csvOf(r: RollUpReportResult) {
  const columns: CsvColumn[] = [
    ...ROW_CSV,
    ...ROLLUP_FIGURES[r.report].map((k): CsvColumn => [k, REPORT_HEADINGS[r.report]?.[k] ?? FIGURE_HEADINGS[k]!]),
  ]
  // The rows, then what is recorded above the level, then the total: the file adds up on its own.
  const rows = [
    ...r.rows.map(({ figures, ...row }) => ({ ...row, ...figures })),
    { level: 'aboveLevel', name: 'Ghi nhận ở cấp trên', ...r.aboveLevel },
    { level: 'total', name: 'Tổng cộng', ...r.total },
  ]
  const period = r.asOf ?? r.month ?? `${r.from}-${r.to}`
  return { columns, rows, filename: `roll-up-${r.report}-${r.level}-${period}.csv` }
}

const DATES: Record<RollUpQuery['report'], ('asOf' | 'from' | 'to' | 'month')[]> = {
  portfolio: ['asOf'],
  overdue: ['asOf'],
  collections: ['from', 'to'],
  support_payments: ['from', 'to'],
  fees: ['month'],
}

/** The combinations the schema cannot say: one restriction, the report's own dates, from ≤ to. */
function checkQuery(q: RollUpQuery): void {
  const refuse = (field: string, message: string) => {
    throw new DomainError('VALIDATION_ERROR', `${field} ${message}`, {
      errors: [{ field: `querystring.${field}`, message }],
    })
  }
  if (q.officeId !== undefined && q.placeId !== undefined) refuse('placeId', 'must not be sent with officeId')
  const own = DATES[q.report]
  for (const field of ['asOf', 'from', 'to', 'month'] as const) {
    if (q[field] !== undefined && !own.includes(field)) refuse(field, `is not used by the ${q.report} report`)
    if (q[field] === undefined && own.includes(field) && field !== 'asOf')
      refuse(field, `is required by the ${q.report} report`)
  }
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) refuse('from', 'must not be after to')
}

export function rollUpReportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)
  app.get(
    '/reports/roll-up',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Reports rolled up by any level of the organisation tree',
        description:
          'Portfolio or overdue loans as of a date, collections or support payments paid between two dates, or ' +
          "an ended month's partner fees, one row per node of `level` (head office, province, district, commune, " +
          'village or savings-and-loan group; nodes with nothing show zeros), each with its parent; `officeId` or ' +
          "`placeId` keeps one node's subtree. Each figure is computed once per group (or, for a partner's " +
          "entrustment fee, at the partner's node) with the rules of the per-branch reports and summed up the " +
          'tree: a row is the sum of the rows under it one level down, figures recorded above `level` are in ' +
          "`aboveLevel`, and total = Σ rows + aboveLevel at every level. Within the caller's scope; fees are " +
          'read by finance, auditors and administrators (as the partner-fee report). Also as CSV with ' +
          '`Accept: text/csv` or `format=csv` (UTF-8 with BOM; headings "Vietnamese (key)"; the aboveLevel and ' +
          'total rows last). Errors: VALIDATION_ERROR (a date the report does not use or lacks, from after to, ' +
          'officeId with placeId, a restriction below `level`), NOT_FOUND (officeId / placeId), MONTH_NOT_ENDED, ' +
          'FEE_RATE_MISSING, FORBIDDEN (fees).',
        querystring: RollUpQuerySchema,
        response: {
          200: RollUpResultSchema,
          ...errorResponses('NOT_FOUND', 'FORBIDDEN', 'MONTH_NOT_ENDED', 'FEE_RATE_MISSING'),
        },
      },
    },
    async (req, reply) => {
      const { format: _format, ...q } = req.query
      checkQuery(q)
      const r = rollUpReport(app.db, req.actor, q, businessDate())
      return sendReport(req, reply, r, csvOf(r))
    },
  )
}
