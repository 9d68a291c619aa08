/**
 * Reports by purpose and outcome (docs/rules.md §16), per branch, transaction point or partner, within the
 * caller's scope, JSON or CSV:
 * - purposes: loans disbursed in the period by purpose — loans, amount disbursed in the period;
 * - outcomes: for each loan, its standing inspection in the period (the latest one dated in it: a later
 *   inspection corrects an earlier one, so outcomes are never counted twice), by purpose — loans inspected,
 *   findings, and the sum of each outcome.
 * A loan without a purpose code (approved before purposes were listed) is reported under purposeCode null with
 * the application's free-text purpose as its name.
 */
import type Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Actor } from '../../platform/auth.js'
import { ALL_ROLES } from '../../platform/auth.js'
import { scopeSql } from '../../platform/scope.js'
import { BusinessDateSchema, errorResponses } from '../../platform/http-schemas.js'
import { CsvFormatQuery, sendReport, type CsvColumn } from '../../platform/csv.js'
import { DomainError } from '../../platform/errors.js'
import { INSPECTION_FINDINGS, OUTCOME_KINDS, OUTCOME_LABELS, type OutcomeKind } from '../../domain/inspection.js'

export const AREA_GROUPINGS = ['branch', 'transactionPoint', 'partner'] as const
export type AreaGrouping = (typeof AREA_GROUPINGS)[number]

const GROUPS: Record<AreaGrouping, { key: string; name: string; join: string }> = {
  branch: { key: 'l.branch_id', name: 'g.name', join: 'JOIN branches g ON g.id = l.branch_id' },
  transactionPoint: {
    key: 'l.transaction_point_id',
    name: 'g.name',
    join: 'JOIN transaction_points g ON g.id = l.transaction_point_id',
  },
  partner: { key: 'l.partner_id', name: 'g.name', join: 'JOIN partners g ON g.id = l.partner_id' },
}

/** The purpose columns: its code, and its Vietnamese name (or the application's own words when uncoded). */
const PURPOSE = `l.programme_code AS programmeCode, l.purpose_code AS purposeCode,
  COALESCE(lp.name_vi, a.purpose) AS purposeName`
const PURPOSE_JOINS = `JOIN applications a ON a.id = l.application_id
  LEFT JOIN loan_purposes lp ON lp.programme_code = l.programme_code AND lp.code = l.purpose_code`

interface Period {
  from: string
  to: string
  groupBy: AreaGrouping
}

function scoped(actor: Actor) {
  return scopeSql(actor, { branch: 'l.branch_id', partner: 'l.partner_id' })
}

type PurposeRow = {
  key: number
  name: string
  programmeCode: string
  purposeCode: string | null
  purposeName: string
  loans: number
  amount: number
}

export function purposesReport(sqlite: Database.Database, actor: Actor, p: Period) {
  const g = GROUPS[p.groupBy]
  const scope = scoped(actor)
  // Uncoded loans group by their free text too: one row per distinct purpose as written.
  const items = sqlite
    .prepare<[Record<string, unknown>], PurposeRow>(
      `SELECT ${g.key} AS key, ${g.name} AS name, ${PURPOSE}, COUNT(DISTINCT l.id) AS loans, SUM(t.amount) AS amount
        FROM loan_transactions t JOIN loans l ON l.id = t.loan_id ${g.join} ${PURPOSE_JOINS}
        WHERE t.kind = 'disbursement' AND t.value_date BETWEEN @from AND @to
          AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id) AND ${scope.sql}
        GROUP BY ${g.key}, l.programme_code, l.purpose_code, COALESCE(lp.name_vi, a.purpose)
        ORDER BY ${g.key}, l.programme_code, l.purpose_code, purposeName`,
    )
    .all({ from: p.from, to: p.to, ...scope.params })
  const loans = sqlite
    .prepare<[Record<string, unknown>], number>(
      `SELECT COUNT(DISTINCT t.loan_id) FROM loan_transactions t JOIN loans l ON l.id = t.loan_id
        WHERE t.kind = 'disbursement' AND t.value_date BETWEEN @from AND @to
          AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id) AND ${scope.sql}`,
    )
    .pluck()
    .get({ from: p.from, to: p.to, ...scope.params })!
  return { ...p, items, totals: { loans, amount: items.reduce((a, r) => a + r.amount, 0) } }
}

type OutcomeSums = Record<OutcomeKind, number>
type OutcomeRow = OutcomeSums & {
  key: number
  name: string
  programmeCode: string
  purposeCode: string | null
  purposeName: string
  loansInspected: number
  asIntended: number
  partly: number
  misused: number
}

export function outcomesReport(sqlite: Database.Database, actor: Actor, p: Period) {
  const g = GROUPS[p.groupBy]
  const scope = scoped(actor)
  const sums = OUTCOME_KINDS.map(
    (k) => `COALESCE(SUM((SELECT o.quantity FROM inspection_outcomes o WHERE o.inspection_id = s.id AND o.outcome =
      '${k}')), 0) AS ${k}`,
  ).join(',\n')
  const items = sqlite
    .prepare<[Record<string, unknown>], OutcomeRow>(
      `WITH standing AS (
        SELECT i.id, i.loan_id, i.finding, ROW_NUMBER() OVER (PARTITION BY i.loan_id ORDER BY i.inspected_on DESC,
          i.id DESC) AS n
        FROM inspections i WHERE i.inspected_on BETWEEN @from AND @to
      )
      SELECT ${g.key} AS key, ${g.name} AS name, ${PURPOSE}, COUNT(*) AS loansInspected,
        SUM(s.finding = 'as_intended') AS asIntended, SUM(s.finding = 'partly') AS partly,
        SUM(s.finding = 'misused') AS misused,
        ${sums}
      FROM standing s JOIN loans l ON l.id = s.loan_id ${g.join} ${PURPOSE_JOINS}
      WHERE s.n = 1 AND ${scope.sql}
      GROUP BY ${g.key}, l.programme_code, l.purpose_code, COALESCE(lp.name_vi, a.purpose)
      ORDER BY ${g.key}, l.programme_code, l.purpose_code, purposeName`,
    )
    .all({ from: p.from, to: p.to, ...scope.params })
  const total = (f: (r: OutcomeRow) => number) => items.reduce((a, r) => a + f(r), 0)
  return {
    ...p,
    items,
    totals: {
      loansInspected: total((r) => r.loansInspected),
      asIntended: total((r) => r.asIntended),
      partly: total((r) => r.partly),
      misused: total((r) => r.misused),
      ...(Object.fromEntries(OUTCOME_KINDS.map((k) => [k, total((r) => r[k])])) as OutcomeSums),
    },
  }
}

// ---------------------------------------------------------------- routes

const csvNote = ' Also as CSV with `Accept: text/csv` or `format=csv` (UTF-8 with BOM; headings "Vietnamese (key)").'
const GROUP_CSV: CsvColumn[] = [
  ['key', 'Mã đơn vị'],
  ['name', 'Đơn vị'],
  ['programmeCode', 'Chương trình'],
  ['purposeCode', 'Mã mục đích'],
  ['purposeName', 'Mục đích sử dụng vốn'],
]
const PURPOSES_CSV: CsvColumn[] = [...GROUP_CSV, ['loans', 'Số khoản vay'], ['amount', 'Số tiền giải ngân']]
const OUTCOMES_CSV: CsvColumn[] = [
  ...GROUP_CSV,
  ['loansInspected', 'Số khoản vay được kiểm tra'],
  ['asIntended', 'Đúng mục đích'],
  ['partly', 'Đúng mục đích một phần'],
  ['misused', 'Sai mục đích'],
  ...OUTCOME_KINDS.map((k): CsvColumn => [k, OUTCOME_LABELS[k].vi]),
]

const Int = Type.Integer()
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const GroupFields = {
  key: Type.Integer({ description: 'Id of the branch, transaction point or partner' }),
  name: Type.String(),
  programmeCode: Type.String(),
  purposeCode: Nullable(Type.String({ description: "Code from the programme's purposes; null: not coded" })),
  purposeName: Type.String({ description: "The purpose's Vietnamese name, or the application's own words" }),
}
const PeriodQuery = Type.Object(
  {
    from: BusinessDateSchema('First day of the period'),
    to: BusinessDateSchema('Last day of the period'),
    groupBy: Type.Optional(Type.Enum(AREA_GROUPINGS, { default: 'branch' })),
    ...CsvFormatQuery,
  },
  { additionalProperties: false },
)
const OutcomeFields = Object.fromEntries(
  OUTCOME_KINDS.map((k) => [k, Type.Integer({ description: OUTCOME_LABELS[k].en })]),
)

function period(q: { from: string; to: string; groupBy?: AreaGrouping }): Period {
  if (q.from > q.to)
    throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
      errors: [{ field: 'querystring.from', message: 'must not be after to' }],
    })
  return { from: q.from, to: q.to, groupBy: q.groupBy ?? 'branch' }
}

/** GET /v1/reports/purposes and /v1/reports/outcomes (registered by the reports module). */
export function outcomeReportRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/reports/purposes',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Disbursements by purpose',
        description:
          'Loans disbursed between two value dates (inclusive) by purpose, per branch, transaction point or ' +
          "partner: number of loans and amount disbursed in the period, within the caller's scope." +
          csvNote,
        querystring: PeriodQuery,
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            groupBy: Type.String(),
            items: Type.Array(Type.Object({ ...GroupFields, loans: Int, amount: Int })),
            totals: Type.Object({ loans: Int, amount: Int }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const r = purposesReport(app.sqlite, req.actor, period(req.query))
      return sendReport(req, reply, r, {
        columns: PURPOSES_CSV,
        rows: r.items,
        filename: `purposes-${r.groupBy}-${r.from}-${r.to}.csv`,
      })
    },
  )

  const findings = { loansInspected: Int, asIntended: Int, partly: Int, misused: Int }
  app.get(
    '/reports/outcomes',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Outcomes by purpose',
        description:
          'What the loans produced, as counted at inspections dated between two dates (inclusive), by purpose, ' +
          'per branch, transaction point or partner: loans inspected, their findings (' +
          INSPECTION_FINDINGS.join(', ') +
          ') and the sum of each outcome. Each loan counts once, with its latest inspection in the period ' +
          "(a later inspection corrects an earlier one). Within the caller's scope." +
          csvNote,
        querystring: PeriodQuery,
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            groupBy: Type.String(),
            items: Type.Array(Type.Object({ ...GroupFields, ...findings, ...OutcomeFields })),
            totals: Type.Object({ ...findings, ...OutcomeFields }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const r = outcomesReport(app.sqlite, req.actor, period(req.query))
      return sendReport(req, reply, r, {
        columns: OUTCOMES_CSV,
        rows: r.items,
        filename: `outcomes-${r.groupBy}-${r.from}-${r.to}.csv`,
      })
    },
  )
}
