/** HTTP schemas of priority attributes: area designations and a household's priority (docs/rules.md §14). */
import { Type } from 'typebox'
import { BusinessDateSchema, Id, Text, component } from '../../platform/http-schemas.js'
import { DESIGNATION_KINDS } from '../../domain/priority.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Kind = Type.Enum(DESIGNATION_KINDS, {
  description: 'remote (vùng sâu, vùng xa) | especially_difficult (đặc biệt khó khăn)',
})

/** Inline (not a named component): it sits inside answers of other modules. */
export const PriorityAttributes = Type.Object(
  {
    ethnicMinority: Type.Boolean({ description: 'The household belongs to an ethnic minority (on the date)' }),
    remote: Type.Boolean({ description: 'Its commune or village is designated remote on the date' }),
    especiallyDifficult: Type.Boolean({
      description: 'Its commune or village is designated especially difficult on the date',
    }),
    priority: Type.Boolean({ description: 'Any of the above: a priority household' }),
  },
  { description: "The household's priority attributes (docs/rules.md §14)" },
)

export const HouseholdPriorityAnswer = Type.Object({
  householdId: Id(),
  onDate: Type.String(),
  ethnicMinority: Type.Boolean(),
  remote: Type.Boolean(),
  especiallyDifficult: Type.Boolean(),
  priority: Type.Boolean(),
})

export const AreaDesignation = component(
  'AreaDesignation',
  Type.Object({
    id: Id(),
    transactionPointId: Id('The commune, by its transaction point'),
    commune: Type.String(),
    village: Nullable(Type.String({ description: 'null: the whole commune' })),
    designation: Kind,
    effectiveFrom: Type.String({ format: 'date' }),
    effectiveTo: Nullable(Type.String({ format: 'date', description: 'Last day in force; null: still in force' })),
    decisionNo: Type.String(),
    endDecisionNo: Nullable(Type.String({ description: 'The decision that ended it' })),
    createdBy: Type.Integer(),
    createdAt: Type.String(),
  }),
)

export const AreaDesignationInput = Type.Object(
  {
    transactionPointId: Id('The commune, by its transaction point (one per commune)'),
    village: Type.Optional(
      Text(100, "One village of the commune, exactly as households' addresses name it; omit for the whole commune"),
    ),
    designation: Kind,
    effectiveFrom: BusinessDateSchema('First day the designation is in force (may be in the past or the future)'),
    decisionNo: Text(100, 'Number of the decision designating the area'),
  },
  { additionalProperties: false },
)

export const AreaDesignationEndInput = Type.Object(
  {
    effectiveTo: BusinessDateSchema('Last day the designation is in force'),
    decisionNo: Text(100, 'Number of the decision ending it'),
  },
  { additionalProperties: false },
)

export const AreaDesignationQuery = {
  transactionPointId: Type.Optional(Id('Only this commune (transaction point)')),
  village: Type.Optional(Text(100, 'Only designations covering this village (its own and the whole commune)')),
  designation: Type.Optional(Kind),
  onDate: Type.Optional(BusinessDateSchema('Only designations in force on this date')),
}

export const OnDateQuery = Type.Object(
  { onDate: Type.Optional(BusinessDateSchema('Date the attributes are read on (default: the business date)')) },
  { additionalProperties: false },
)
