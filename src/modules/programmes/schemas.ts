import { Type, type Static } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, Vnd, component } from '../../platform/http-schemas.js'
import { AREAS, POVERTY_STATUSES } from '../../db/schema.js'
import { BORROWER_KINDS, FACT_TYPES } from '../../domain/borrower-facts.js'

export const RateVersion = Type.Object(
  {
    effectiveFrom: BusinessDateSchema('First day the rate applies'),
    monthlyRatePpm: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      description: 'Monthly rate in ppm of the balance (0.55 %/month = 5500)',
    }),
  },
  { additionalProperties: false },
)

export const PrincipalPlan = Type.Object(
  {
    everyMonths: Type.Union([Type.Literal(1), Type.Literal(3), Type.Literal(6), Type.Literal(12)], {
      description: 'Principal falls due every 1, 3, 6 or 12 months',
    }),
    graceMonths: Type.Integer({ minimum: 0, maximum: 239, description: 'Months without principal at the start' }),
  },
  { additionalProperties: false },
)

const CodeSchema = Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,39}$', description: 'Upper-case code, e.g. POOR' })

/** docs/rules.md §15: the facts an application of the programme carries, and the rules they must satisfy. */
const FactName = Type.String({ pattern: '^[a-z][A-Za-z0-9]{0,39}$', description: 'camelCase fact name' })
const Months = Type.Integer({ minimum: 0, maximum: 600 })
export const BorrowerFactsDefinitionSchema = Type.Object(
  {
    facts: Type.Array(
      Type.Object(
        { name: FactName, type: Type.Enum(FACT_TYPES), required: Type.Boolean() },
        { additionalProperties: false },
      ),
      { maxItems: 30 },
    ),
    rules: Type.Array(
      Type.Union([
        Type.Object(
          { rule: Type.Literal('dateWithinMonthsBefore'), fact: FactName, months: Months },
          { additionalProperties: false, description: 'The date fact lies within `months` before the check date' },
        ),
        Type.Object(
          {
            rule: Type.Literal('integerBetween'),
            fact: FactName,
            min: Type.Integer({ minimum: 0 }),
            max: Type.Integer({ minimum: 0 }),
          },
          { additionalProperties: false, description: 'min ≤ the integer fact ≤ max' },
        ),
        Type.Object(
          { rule: Type.Literal('termEndsByFactPlusMonths'), fact: FactName, months: Months },
          { additionalProperties: false, description: 'The term ends by the date fact + months (graduation + grace)' },
        ),
        Type.Object(
          {
            rule: Type.Literal('amountAtMostPerUnit'),
            unitFact: FactName,
            perUnitAmount: PositiveVnd('VND per unit (per month of study, per employee and month)'),
            perMonthsFact: Type.Optional(FactName),
          },
          { additionalProperties: false, description: 'amount ≤ unitFact × perUnitAmount [× perMonthsFact]' },
        ),
        Type.Object(
          {
            rule: Type.Literal('householdStatusIn'),
            statuses: Type.Array(Type.Enum(POVERTY_STATUSES), { minItems: 1, uniqueItems: true }),
            unlessFact: Type.Optional(FactName),
          },
          {
            additionalProperties: false,
            description: "The borrower's household has one of the statuses, unless the text fact is given",
          },
        ),
      ]),
      { maxItems: 30 },
    ),
  },
  { additionalProperties: false },
)

export const PurposeSeed = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'Lower-case purpose code, e.g. livestock' }),
    nameVi: Text(200),
    nameEn: Text(200),
  },
  { additionalProperties: false },
)

export const ProgrammeInput = Type.Object(
  {
    code: CodeSchema,
    name: Text(200),
    legalBasis: Text(500, 'Decision or decree the programme runs under'),
    eligibleStatuses: Type.Union([
      Type.Literal('any'),
      Type.Array(Type.Enum(POVERTY_STATUSES), { minItems: 1, uniqueItems: true }),
    ]),
    eligibleAreas: Type.Union([Type.Literal('any'), Type.Array(Type.Enum(AREAS), { minItems: 1, uniqueItems: true })]),
    maxAmount: PositiveVnd('Cap per household, net of what it already owes in the programme'),
    maxTermMonths: Type.Integer({ minimum: 1, maximum: 240 }),
    overdueRatePct: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 1000,
        default: 130,
        description: 'Overdue principal bears this % of the contract rate',
      }),
    ),
    fundingSource: Type.String({
      pattern: '^[a-z][a-z0-9_]{1,39}$',
      description: 'Code of a funding source (GET /v1/funding-sources), e.g. central',
    }),
    defaultPrincipalPlan: PrincipalPlan,
    escapedWindowMonths: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 120,
        description: 'Only households whose poverty exit is at most this many months old (ESCAPED: 36)',
      }),
    ),
    collateralThreshold: Type.Optional(Vnd('Loans at or above this amount need collateral')),
    rates: Type.Array(RateVersion, { minItems: 1, maxItems: 100 }),
    borrowerKind: Type.Optional(
      Type.Enum(BORROWER_KINDS, { default: 'household', description: 'Who the programme lends to (§15)' }),
    ),
    borrowerFacts: Type.Optional(BorrowerFactsDefinitionSchema),
    purposeRequired: Type.Optional(
      Type.Boolean({ default: false, description: "Applications must name one of the programme's purposes" }),
    ),
    purposes: Type.Optional(Type.Array(PurposeSeed, { maxItems: 50, description: 'The purposes it lends for' })),
  },
  { additionalProperties: false },
)

export const Programme = component(
  'Programme',
  Type.Object({
    code: Type.String(),
    name: Type.String(),
    legalBasis: Type.String(),
    eligibleStatuses: Type.Union([Type.Literal('any'), Type.Array(Type.String())]),
    eligibleAreas: Type.Union([Type.Literal('any'), Type.Array(Type.String())]),
    maxAmount: Vnd(),
    maxTermMonths: Type.Integer(),
    overdueRatePct: Type.Integer(),
    fundingSource: Type.String(),
    defaultPrincipalPlan: Type.Object({ everyMonths: Type.Integer(), graceMonths: Type.Integer() }),
    escapedWindowMonths: Type.Union([Type.Integer(), Type.Null()]),
    collateralThreshold: Type.Union([Type.Integer(), Type.Null()]),
    rates: Type.Array(Type.Object({ effectiveFrom: Type.String(), monthlyRatePpm: Type.Integer() })),
    borrowerKind: Type.Enum(BORROWER_KINDS),
    borrowerFacts: BorrowerFactsDefinitionSchema,
    purposeRequired: Type.Boolean(),
    createdAt: Type.String(),
  }),
)

/** docs/rules.md §13: raise the programme's cap to an amount and/or by a whole percent, maybe for priority households. */
const TopUpInput = Type.Object(
  {
    capAmount: Type.Optional(PositiveVnd('Raise the cap to this amount (VND)')),
    factorPct: Type.Optional(
      Type.Integer({ minimum: 101, maximum: 1000, description: 'Multiply the national cap: 130 = 1.3 ×' }),
    ),
    priorityOnly: Type.Optional(Type.Boolean({ description: 'Only for priority households (§14); default false' })),
  },
  { additionalProperties: false },
)

export const LocalPolicyInput = Type.Object(
  {
    code: CodeSchema,
    name: Text(200),
    region: Text(100, "Province or city whose branches apply the policy (matches a branch's province)"),
    branchId: Type.Optional(Id('Only this branch (optional)')),
    programmeCode: CodeSchema,
    borrowerRatePpm: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()], {
        description: 'Override of the borrower rate; 0 = interest-free; null = the programme rate',
      }),
    ),
    supportRule: Type.Optional(
      Type.Union([
        Type.Null(),
        Type.Object(
          {
            amount: PositiveVnd('Support payment per household, e.g. 4,000,000'),
            requiresOnTimeRepayment: Type.Boolean(),
            requiresPovertyExit: Type.Boolean(),
            exitWindowMonthsAfterClosure: Type.Integer({ minimum: 0, maximum: 120 }),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    budget: Type.Optional(Vnd('Total VND available for support payments')),
    effectiveFrom: BusinessDateSchema(),
    fundingSource: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z0-9_]{1,39}$',
        description: "Funding source of the policy's loans and top-up (default local_budget), docs/rules.md §12",
      }),
    ),
    topUp: Type.Optional(Type.Union([Type.Null(), TopUpInput])),
  },
  { additionalProperties: false },
)

export const LocalPolicy = component(
  'LocalPolicy',
  Type.Object({
    code: Type.String(),
    name: Type.String(),
    region: Type.String(),
    branchId: Type.Union([Type.Integer(), Type.Null()]),
    programmeCode: Type.String(),
    borrowerRatePpm: Type.Union([Type.Integer(), Type.Null()]),
    supportRule: Type.Union([
      Type.Null(),
      Type.Object({
        amount: Type.Integer(),
        requiresOnTimeRepayment: Type.Boolean(),
        requiresPovertyExit: Type.Boolean(),
        exitWindowMonthsAfterClosure: Type.Integer(),
      }),
    ]),
    budget: Vnd(),
    effectiveFrom: Type.String(),
    fundingSource: Type.String(),
    topUp: Type.Union([
      Type.Null(),
      Type.Object({
        capAmount: Type.Union([Type.Integer(), Type.Null()]),
        factorPct: Type.Union([Type.Integer(), Type.Null()]),
        priorityOnly: Type.Boolean(),
      }),
    ]),
    createdAt: Type.String(),
  }),
)

export type ProgrammeInput = Static<typeof ProgrammeInput>
export type LocalPolicyInput = Static<typeof LocalPolicyInput>
