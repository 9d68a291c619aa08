import { Type } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, Vnd, component, ref } from '../../platform/http-schemas.js'
import { LOAN_STATES } from '../../db/schema.js'
import { PrincipalPlan } from '../programmes/schemas.js'
import { SupportVerdictSchema } from '../support/schemas.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** The loans row's classification (projection of the engine's, plus 'cancelled' for a cancelled loan). */
export const LOAN_CLASSIFICATIONS = [
  'not_disbursed',
  'in_term',
  'overdue',
  'extended',
  'frozen',
  'recalled',
  'closed',
  'written_off',
  'cancelled',
] as const

export const LoanSummary = Type.Object({
  id: Id(),
  applicationId: Id(),
  householdId: Id(),
  programmeCode: Type.String(),
  localPolicyCode: Nullable(Type.String()),
  branchId: Id(),
  partnerId: Id(),
  groupId: Id(),
  transactionPointId: Id(),
  fundingSource: Type.String(),
  status: Type.Enum(LOAN_STATES),
  classification: Type.String({ description: LOAN_CLASSIFICATIONS.join(' | ') }),
  approvedAmount: Vnd(),
  disbursedAmount: Vnd(),
  outstandingPrincipal: Vnd(),
  overduePrincipal: Vnd(),
  overdueInterest: Vnd(),
  interestDue: Vnd(),
  nextDueDate: Nullable(Type.String()),
  termMonths: Type.Integer(),
  principalPlan: Type.Object({ everyMonths: Type.Integer(), graceMonths: Type.Integer() }),
  sessionDay: Type.Integer(),
  approvedOn: Type.String(),
  firstDisbursedOn: Nullable(Type.String()),
  closedOn: Nullable(Type.String()),
  writtenOffOn: Nullable(Type.String()),
  balancesAsOf: Nullable(
    Type.String({
      description:
        'Date the balances were computed for. Lists show the projection refreshed by every money event and ' +
        'the daily close (interest accrued since then is not included); GET /v1/loans/{id} computes them on ' +
        'the business date.',
    }),
  ),
})

const Borrower = {
  householdName: Type.String({ description: 'Name of the household head (the borrower)' }),
  nationalId: Type.String({ description: "The household head's 12-digit citizen ID" }),
}

/** A list row: the projection and the borrower, readable without one call per row. */
export const LoanListItem = component('LoanListItem', Type.Intersect([LoanSummary, Type.Object(Borrower)]))

export const Loan = component(
  'Loan',
  Type.Intersect([
    LoanSummary,
    Type.Object({
      householdName: Type.Optional(Borrower.householdName),
      nationalId: Type.Optional(Borrower.nationalId),
      purposeCode: Type.Optional(
        Nullable(Type.String({ description: 'GET /v1/loans/{id}: the purpose code copied from the application' })),
      ),
      borrowerFacts: Type.Optional(
        Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]), {
          description: 'GET /v1/loans/{id}: the borrower facts copied from the application (§15)',
        }),
      ),
      cancellation: Type.Optional(
        Type.Object(
          { cancelledOn: Type.String(), reason: Type.String(), cancelledBy: Type.Integer() },
          { description: 'Set on a cancelled loan (GET /v1/loans/{id})' },
        ),
      ),
      writeOff: Type.Optional(
        Type.Object(
          {
            principal: Vnd('Principal written off'),
            interest: Vnd('Interest and penalty unpaid at the write-off'),
            recovered: Vnd('Recoveries posted since'),
            recoverable: Vnd('What may still be recovered (principal + interest − recovered)'),
          },
          { description: 'Set on a written-off loan (GET /v1/loans/{id})' },
        ),
      ),
      recalledOn: Type.Optional(
        Nullable(Type.String({ description: 'Value date of a recall: everything outstanding fell due that day' })),
      ),
      funding: Type.Optional(
        Type.Array(
          Type.Object({
            source: Type.String({ description: 'Funding source code (GET /v1/funding-sources)' }),
            amount: Vnd('The part of the approved amount this source funds'),
            topUp: Type.Boolean({ description: "true for a local policy's top-up part (docs/rules.md §13)" }),
          }),
          { description: 'GET /v1/loans/{id}: who funds the loan (the contract): its source, and a top-up part' },
        ),
      ),
      asOf: Type.String({ description: 'Business date the balances are computed for' }),
      monthlyRatePpm: Type.Integer({ description: 'Borrower rate in force on asOf (0 = interest-free)' }),
      overdueRatePct: Type.Integer(),
      principalDueNow: Vnd('Principal due on or before asOf that is not overdue'),
      payoffAmount: Vnd('Everything needed to close the loan on asOf'),
      totals: Type.Object({ principalRepaid: Vnd(), interestRepaid: Vnd(), penaltyRepaid: Vnd() }),
      supportVerdict: Type.Optional(
        Type.Union([SupportVerdictSchema, Type.Null()], {
          description:
            "GET /v1/loans/{id}: the support rule's current verdict when the loan is under a local policy " +
            'with a support rule (see GET /v1/support-evaluations)',
        }),
      ),
    }),
  ]),
)

export const ScheduleLine = component(
  'ScheduleLine',
  Type.Object({
    number: Type.Integer(),
    dueDate: Type.String(),
    effectiveDueDate: Type.String(),
    principal: Vnd('Scheduled principal (after prepayments)'),
    interest: Vnd('Planned interest (every instalment paid on its due date)'),
    principalPaid: Vnd(),
    interestCharged: Vnd('Contract interest accrued so far for the period'),
    interestPaid: Vnd(),
    penaltyCharged: Vnd('Interest at the overdue rate on overdue principal'),
    penaltyPaid: Vnd(),
    paidOffOn: Nullable(Type.String()),
    overdueSince: Nullable(Type.String()),
    extended: Type.Boolean(),
    recalled: Type.Boolean({ description: 'Brought forward to the recall date (effectiveDueDate)' }),
    status: Type.String({ description: 'paid | overdue | due | upcoming' }),
  }),
)

export const LoanSchedule = component(
  'LoanSchedule',
  Type.Object({
    loanId: Id(),
    asOf: Type.String(),
    indicative: Type.Boolean({ description: 'true before the first disbursement: dates assume disbursement on asOf' }),
    instalments: Type.Array(ref(ScheduleLine)),
    totalPrincipal: Vnd(),
    totalInterest: Vnd(),
  }),
)

export const Allocation = component(
  'Allocation',
  Type.Object(
    { overdueInterest: Vnd(), overduePrincipal: Vnd(), interest: Vnd(), principal: Vnd(), prepaid: Vnd() },
    {
      description:
        'How a repayment was allocated, in order: overdue interest, overdue principal, interest, principal, ' +
        'prepaid principal',
    },
  ),
)

export const LoanTransaction = component(
  'LoanTransaction',
  Type.Object({
    id: Id(),
    loanId: Id(),
    kind: Type.String(),
    valueDate: Type.String(),
    postedOn: Type.String(),
    amount: Vnd(),
    reference: Nullable(Type.String()),
    reversesId: Nullable(Type.Integer()),
    reversedById: Nullable(Type.Integer()),
    collectionSessionId: Nullable(Type.Integer()),
    allocation: Nullable(ref(Allocation)),
    details: Type.Unknown(),
    createdBy: Type.Integer(),
    createdAt: Type.String(),
  }),
)

export const DisbursementInput = Type.Object(
  {
    amount: PositiveVnd('Tranche amount; all tranches together ≤ the approved amount'),
    valueDate: BusinessDateSchema(
      'Date the cash was handed over: on or after the approval date, not after the business date',
    ),
    reference: Type.Optional(Text(100)),
  },
  { additionalProperties: false },
)

export const DisbursementResult = Type.Object({ transactionId: Id(), loan: ref(Loan) })

export const PreviewInput = Type.Object(
  {
    amount: PositiveVnd(),
    termMonths: Type.Integer({ minimum: 1, maximum: 240 }),
    principalPlan: PrincipalPlan,
    monthlyRatePpm: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '0 = interest-free' }),
    disbursementDate: BusinessDateSchema(),
    sessionDay: Type.Integer({ minimum: 1, maximum: 28 }),
  },
  { additionalProperties: false },
)

export const Preview = Type.Object({
  instalments: Type.Array(
    Type.Object({
      number: Type.Integer(),
      dueDate: Type.String(),
      principal: Vnd(),
      interest: Vnd(),
      balanceAfter: Vnd(),
    }),
  ),
  totalPrincipal: Vnd(),
  totalInterest: Vnd(),
})

export const CancelInput = Type.Object(
  {
    reason: Text(500, 'Why the approved loan is not disbursed (the household gave it up, the file was wrong, …)'),
  },
  { additionalProperties: false },
)
