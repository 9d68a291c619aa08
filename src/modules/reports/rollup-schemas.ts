/** Schemas of the roll-up reports (docs/rules.md §24). */
import { Type } from 'typebox'
import { BusinessDateSchema, Id } from '../../platform/http-schemas.js'
import { CsvFormatQuery } from '../../platform/csv.js'
import { ROLLUP_FIGURES, ROLLUP_LEVELS, ROLLUP_REPORTS } from './rollup.js'

const Int = Type.Integer()
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()])

export const RollUpQuerySchema = Type.Object(
  {
    report: Type.Enum(ROLLUP_REPORTS, {
      description:
        'portfolio | overdue (as of `asOf`), collections | support_payments (`from`–`to`), fees (an ended `month`)',
    }),
    level: Type.Enum(ROLLUP_LEVELS, { description: 'The level of the rows: one row per node of this level' }),
    officeId: Type.Optional(Id('Only the subtree of this office (at or above the level of the rows)')),
    placeId: Type.Optional(Id('Only the subtree of this commune or village (at or above the level of the rows)')),
    asOf: Type.Optional(BusinessDateSchema('portfolio, overdue: the date (default the business date)')),
    from: Type.Optional(BusinessDateSchema('collections, support_payments: first value / payment date (required)')),
    to: Type.Optional(BusinessDateSchema('collections, support_payments: last value / payment date (required)')),
    month: Type.Optional(
      Type.String({
        pattern: '^(19|20)\\d{2}-(0[1-9]|1[0-2])$',
        description: 'fees: calendar month YYYY-MM, ended (last day ≤ business date)',
        examples: ['2026-06'],
      }),
    ),
    ...CsvFormatQuery,
  },
  { additionalProperties: false },
)

/** Every figure any report has; a report answers its own (listed in `figures`), each an integer count or VND. */
const allFigures = [...new Set(Object.values(ROLLUP_FIGURES).flat())]
const figuresSchema = (description: string) =>
  Type.Object(Object.fromEntries(allFigures.map((k) => [k, Type.Optional(Int)])), {
    additionalProperties: false,
    description,
  })

export const RollUpResultSchema = Type.Object({
  report: Type.String(),
  level: Type.String(),
  officeId: Nullable(Int),
  placeId: Nullable(Int),
  asOf: Nullable(Type.String()),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  month: Nullable(Type.String()),
  figures: Type.Array(Type.String(), { description: "The report's figures, in order" }),
  rows: Type.Array(
    Type.Object({
      level: Type.String(),
      id: Type.Integer({ description: 'The office, place or group id (by level)' }),
      code: Type.String(),
      name: Type.String(),
      parentId: Nullable(Int),
      parentName: Nullable(Type.String()),
      figures: figuresSchema('Rolled up from the leaves under the node'),
    }),
  ),
  aboveLevel: figuresSchema('Figures recorded on nodes above the level of the rows'),
  total: figuresSchema('Σ rows + aboveLevel'),
})
