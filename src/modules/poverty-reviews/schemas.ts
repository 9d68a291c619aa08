import { Type } from 'typebox'
import { BusinessDateSchema, Id, component } from '../../platform/http-schemas.js'
import { POVERTY_REVIEW_STATUSES } from '../../db/schema-reviews.js'
import { REVIEW_LINE_CODES, REVIEW_OUTCOMES } from '../../domain/poverty-review.js'
import { MAX_REVIEW_LINES } from './file.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Year = (description: string) => Type.Integer({ minimum: 2000, maximum: 2100, description })
const codes = Object.entries(REVIEW_LINE_CODES)
  .map(([c, d]) => `\`${c}\`: ${d}`)
  .join('; ')

export const CreateReviewQuery = Type.Object(
  {
    transactionPointId: Type.Optional(Id('The commune (its transaction point); required with a text/csv body')),
    year: Type.Optional(Year('Year of the review; required with a text/csv body')),
  },
  { additionalProperties: false },
)

export const CsvReviewBody = Type.String({
  maxLength: 1_048_576,
  description:
    'CSV (RFC 4180, UTF-8 with or without BOM). The header names four columns in any order, in English or ' +
    'Vietnamese: `nationalId` (Số CCCD), `status` (Tình trạng: poor/nghèo, near_poor/cận nghèo, ' +
    'escaped/thoát nghèo, none/không), `decisionNo` (Số quyết định), `effectiveDate` (Ngày hiệu lực, YYYY-MM-DD ' +
    `or DD/MM/YYYY). Other columns are ignored. At most ${MAX_REVIEW_LINES} lines.`,
  examples: [
    'Số CCCD,Họ tên,Tình trạng,Số quyết định,Ngày hiệu lực\r\n048090000001,Lê Văn A,thoát nghèo,12/QĐ-UBND,15/01/2026\r\n',
  ],
})

export const JsonReviewBody = Type.Object(
  {
    transactionPointId: Id('The commune (its transaction point)'),
    year: Year('Year of the review'),
    lines: Type.Array(
      Type.Object(
        {
          nationalId: Type.String({ maxLength: 40, description: 'Citizen ID of the household head (12 digits)' }),
          status: Type.String({ maxLength: 40, description: 'poor | near_poor | escaped | none (or Vietnamese)' }),
          decisionNo: Type.String({ maxLength: 200, description: "Commune People's Committee decision number" }),
          effectiveDate: Type.String({ maxLength: 40, description: 'YYYY-MM-DD or DD/MM/YYYY' }),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_REVIEW_LINES },
    ),
  },
  { additionalProperties: false },
)

const Totals = Type.Object({
  lines: Type.Integer(),
  change: Type.Integer(),
  noChange: Type.Integer(),
  unknownCitizenId: Type.Integer(),
  otherCommune: Type.Integer(),
  conflict: Type.Integer(),
})

const ReviewFields = {
  id: Id(),
  branchId: Id(),
  transactionPointId: Id(),
  year: Type.Integer(),
  status: Type.Enum(POVERTY_REVIEW_STATUSES, { description: 'draft (dry run only) | applied' }),
  createdBy: Type.Integer(),
  createdOn: Type.String(),
  appliedBy: Nullable(Type.Integer()),
  appliedOn: Nullable(Type.String()),
  createdAt: Type.String(),
  totals: Totals,
}

export const PovertyReviewSummary = component('PovertyReviewSummary', Type.Object(ReviewFields))

export const PovertyReview = component(
  'PovertyReview',
  Type.Object({
    ...ReviewFields,
    applied: Nullable(
      Type.Object(
        { recorded: Type.Integer(), skipped: Type.Integer() },
        { description: 'Once applied: lines recorded as decisions and lines skipped' },
      ),
    ),
    lines: Type.Array(
      Type.Object({
        line: Type.Integer({ description: 'Line of the file (CSV: the header is line 1; JSON: from 1)' }),
        nationalId: Type.String(),
        householdId: Nullable(Type.Integer()),
        statusText: Type.String({ description: 'The status as written in the file' }),
        decisionNo: Type.String(),
        effectiveDate: Nullable(Type.String({ description: 'The effective date as understood (null: unreadable)' })),
        outcome: Type.Enum(REVIEW_OUTCOMES, { description: 'The dry run' }),
        code: Type.String({ description: `Why — ${codes}` }),
        fromStatus: Nullable(Type.String({ description: 'Status in force on the effective date before the line' })),
        toStatus: Nullable(Type.String({ description: 'The status of the line as understood (null: unreadable)' })),
        applied: Nullable(
          Type.Object({
            outcome: Type.Enum(['recorded', 'skipped'] as const),
            code: Type.String({ description: 'The line classified again when applied' }),
            povertyRecordId: Nullable(Type.Integer()),
          }),
        ),
      }),
    ),
  }),
)

export const ListReviewsQuery = {
  transactionPointId: Type.Optional(Id('Only this commune')),
  year: Type.Optional(Year('Only this year')),
  status: Type.Optional(Type.Enum(POVERTY_REVIEW_STATUSES)),
}

export const MovementsQuery = Type.Object(
  {
    from: BusinessDateSchema('First effective date counted'),
    to: BusinessDateSchema('Last effective date counted'),
    groupBy: Type.Optional(Type.Enum(['transaction_point', 'branch'] as const, { default: 'transaction_point' })),
    period: Type.Optional(Type.Enum(['year', 'month'] as const, { default: 'year' })),
    branchId: Type.Optional(Id('Only this branch')),
    transactionPointId: Type.Optional(Id('Only this transaction point')),
    format: Type.Optional(
      Type.Literal('csv', { description: 'csv: the same report as CSV (as with Accept: text/csv)' }),
    ),
  },
  { additionalProperties: false },
)

export const PovertyMovements = component(
  'PovertyMovements',
  Type.Object({
    from: Type.String(),
    to: Type.String(),
    groupBy: Type.String(),
    period: Type.String(),
    rows: Type.Array(
      Type.Object({
        period: Type.String({ description: 'YYYY or YYYY-MM of the effective date' }),
        key: Type.Integer({ description: 'Transaction point or branch id' }),
        name: Type.String(),
        escaped: Type.Integer({ description: 'Households that left the poor or near-poor list' }),
        fellBack: Type.Integer({ description: 'Households that came back onto the list after having left it' }),
        newlyListed: Type.Integer({ description: 'Households listed as poor or near-poor for the first time' }),
      }),
    ),
  }),
)
