import { Type } from 'typebox'
import { BusinessDateSchema, Id, Text, Vnd, component } from '../../platform/http-schemas.js'
import { RELIEF_DECISION_STATUSES } from '../../db/schema-reviews.js'
import { RELIEF_EXCLUSIONS, RELIEF_KINDS } from '../../domain/relief.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const exclusions = Object.entries(RELIEF_EXCLUSIONS)
  .map(([c, d]) => `\`${c}\`: ${d}`)
  .join('; ')

export const ReliefInput = Type.Object(
  {
    decisionNo: Text(100, 'Number of the decision granting the relief (unique in the branch)'),
    cause: Text(500, 'The disaster or epidemic (what, where, when)'),
    kind: Type.Enum(RELIEF_KINDS, { description: 'freeze (khoanh nợ) | extension (gia hạn nợ)' }),
    transactionPointIds: Type.Array(Id(), {
      minItems: 1,
      maxItems: 100,
      description: 'The communes (their transaction points) hit, all of the caller’s branch',
    }),
    valueDate: Type.Optional(BusinessDateSchema('Decision date (default: the business date; not later)')),
    months: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 120,
        description:
          "Extension: months added to each loan's earliest unpaid instalment. Freeze: its length when untilDate " +
          'is not given',
      }),
    ),
    untilDate: Type.Optional(BusinessDateSchema('Freeze: the last frozen day (or give months)')),
  },
  { additionalProperties: false },
)

const ReliefFields = {
  id: Id(),
  branchId: Id(),
  decisionNo: Type.String(),
  cause: Type.String(),
  kind: Type.Enum(RELIEF_KINDS),
  transactionPointIds: Type.Array(Type.Integer()),
  valueDate: Type.String(),
  months: Nullable(Type.Integer()),
  untilDate: Nullable(Type.String()),
  status: Type.Enum(RELIEF_DECISION_STATUSES, {
    description: 'proposed | applying (approved, loans being applied: resume if it stays so) | applied | rejected',
  }),
  proposedBy: Type.Integer(),
  proposedOn: Type.String(),
  decidedBy: Nullable(Type.Integer()),
  decidedOn: Nullable(Type.String()),
  rejectionReason: Nullable(Type.String()),
  completedOn: Nullable(Type.String()),
  createdAt: Type.String(),
  preview: Type.Object({
    eligible: Type.Integer({ description: 'Loans the measure can be applied to' }),
    outstandingPrincipal: Vnd('Their outstanding principal on the proposal date'),
    interest: Vnd('Their unpaid interest and penalty on the proposal date'),
    excluded: Type.Integer({ description: 'Loans left out' }),
    excludedByReason: Type.Record(Type.String(), Type.Integer(), { description: 'Loans left out, per reason code' }),
  }),
  progress: Type.Object({
    applied: Type.Integer(),
    skipped: Type.Integer({ description: 'Eligible loans their own rules refused when applied' }),
    pending: Type.Integer({ description: 'Eligible loans not applied yet' }),
    batches: Type.Integer({ description: 'Batches (transactions) run so far' }),
  }),
}

export const ReliefDecisionSummary = component('ReliefDecisionSummary', Type.Object(ReliefFields))

export const ReliefDecision = component(
  'ReliefDecision',
  Type.Object({
    ...ReliefFields,
    loans: Type.Array(
      Type.Object({
        loanId: Type.Integer(),
        transactionPointId: Type.Integer(),
        eligible: Type.Boolean(),
        reason: Nullable(
          Type.String({ description: `Why left out: ${exclusions}; or the loan's own rule (e.g. EXTENSION_TOO_LONG)` }),
        ),
        outstandingPrincipal: Vnd(),
        interest: Vnd(),
        instalmentNumber: Nullable(Type.Integer({ description: 'Extension: the instalment moved' })),
        newDueDate: Nullable(Type.String({ description: "Extension: the instalment's new due date; freeze: its end" })),
        result: Nullable(Type.Enum(['applied', 'skipped'] as const)),
        resultCode: Nullable(Type.String({ description: 'Skipped: the code the loan gave' })),
        transactionId: Nullable(Type.Integer({ description: 'The extension or freeze loan transaction' })),
        batchNo: Nullable(Type.Integer()),
      }),
    ),
  }),
)

export const ListReliefQuery = {
  status: Type.Optional(Type.Enum(RELIEF_DECISION_STATUSES)),
  branchId: Type.Optional(Id('Only this branch')),
}
