/**
 * Schemas of the support rule's verdict (docs/rules.md §8): the loan detail and GET /v1/support-evaluations share
 * them.
 */
import { Type } from 'typebox'
import { BusinessDateSchema, Id, Vnd } from '../../platform/http-schemas.js'
import { POVERTY_STATUSES, SUPPORT_STATUSES } from '../../db/schema.js'
import { SUPPORT_REASON_CODES } from '../../domain/support-rule.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const DateOrNull = (description: string) => Nullable(Type.String({ description }))

export const SUPPORT_OUTCOMES = ['eligible', 'not_yet', 'ineligible'] as const

export const SupportEvidenceSchema = Type.Object({
  asOf: Type.String({ description: 'Business date the rule was evaluated on' }),
  disbursedOn: DateOrNull('First disbursement'),
  closedOn: DateOrNull('Date the loan was repaid in full'),
  instalments: Type.Object({
    due: Type.Integer({ description: 'Instalments that owe something' }),
    paidOnTime: Type.Integer({ description: 'Of those, paid off on or before their (extended) due date' }),
  }),
  lateInstalment: Nullable(
    Type.Object(
      {
        number: Type.Integer(),
        dueDate: Type.String({ description: 'Due date after approved extensions' }),
        originalDueDate: Type.String(),
        paidOn: DateOrNull('When it was paid off; null = still unpaid'),
        daysLate: Type.Integer(),
      },
      { description: 'The first instalment paid after (or unpaid past) its due date' },
    ),
  ),
  exit: Nullable(
    Type.Object(
      {
        recordId: Nullable(Type.Integer()),
        decisionNo: Type.String(),
        effectiveDate: Type.String(),
        from: Type.Enum(POVERTY_STATUSES),
        to: Type.Enum(POVERTY_STATUSES),
      },
      {
        description:
          'The poverty-exit decision that counts (eligible) or that came after the window (EXIT_OUTSIDE_WINDOW)',
      },
    ),
  ),
  windowEnd: DateOrNull("Last day a poverty exit may take effect: closure + the policy's window"),
  budget: Type.Object({
    amount: Vnd("The policy's support amount"),
    remaining: Type.Integer({ description: 'Budget left when evaluated (VND)' }),
  }),
  payment: Nullable(
    Type.Object(
      {
        id: Id(),
        loanId: Id('The loan that earned it (one payment per household and policy)'),
        status: Type.Enum(SUPPORT_STATUSES),
        amount: Vnd(),
        paidOn: Type.Optional(DateOrNull('Date paid')),
        recovered: Type.Optional(
          Type.Boolean({ description: 'A paid payment whose conditions no longer hold: a recovery was recorded' }),
        ),
      },
      { description: "The household's support payment under this policy, if one was created" },
    ),
  ),
})

export const SupportVerdictSchema = Type.Object(
  {
    policyCode: Type.String({ description: 'Local policy with the support rule' }),
    outcome: Type.Enum(SUPPORT_OUTCOMES),
    reason: Type.Enum(SUPPORT_REASON_CODES as readonly string[], {
      description: 'CONDITIONS_MET when eligible; otherwise why not (yet)',
    }),
    explanationVi: Type.String({ description: 'The verdict in one Vietnamese sentence, for the household' }),
    explanationEn: Type.String({ description: 'The same in English' }),
    evidence: SupportEvidenceSchema,
    evaluatedOn: BusinessDateSchema('Business date of the latest evaluation'),
  },
  { description: "The support rule's current verdict for the loan (docs/rules.md §8)" },
)

export const SupportEvaluationItem = Type.Object({
  loanId: Id(),
  householdId: Id(),
  householdName: Type.String({ description: 'Name of the household head (the borrower)' }),
  nationalId: Type.String({ description: 'Citizen ID of the household head' }),
  branchId: Id(),
  partnerId: Id(),
  loanStatus: Type.String(),
  ...SupportVerdictSchema.properties,
})
