import { Type, type Static } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, component } from '../../platform/http-schemas.js'
import { APPLICATION_STATUSES } from '../../db/schema.js'
import { PrincipalPlan } from '../programmes/schemas.js'
import { PriorityAttributes } from '../priority/schemas.js'

/** docs/rules.md §15: the facts the programme defines (a name it does not define is refused by name). */
const BorrowerFactsInput = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([Type.String({ maxLength: 200 }), Type.Integer()]),
  {
    maxProperties: 30,
    description:
      'Facts about the borrower the programme asks for (student, released person, employer): dates YYYY-MM-DD, ' +
      "whole numbers, texts; see the programme's borrowerFacts",
  },
)

export const ApplicationInput = Type.Object(
  {
    householdId: Id(),
    programmeCode: Type.String({ maxLength: 40 }),
    localPolicyCode: Type.Optional(
      Type.String({ maxLength: 40, description: 'A local policy over the programme, e.g. DANANG_INTEREST_FREE' }),
    ),
    amount: PositiveVnd('Requested amount in VND'),
    termMonths: Type.Integer({ minimum: 1, maximum: 240 }),
    principalPlan: Type.Optional(PrincipalPlan),
    purpose: Text(500, 'What the loan is for (production, business, clean water, house repair…)'),
    partnerReference: Text(100, "The partner's own reference; unique per partner"),
    applicationDate: Type.Optional(
      BusinessDateSchema('Date the group submitted the file (default: the business date; not later)'),
    ),
    borrowerFacts: Type.Optional(BorrowerFactsInput),
    purposeCode: Type.Optional(
      Type.String({ maxLength: 40, description: "One of the programme's active purposes (GET /v1/purposes)" }),
    ),
  },
  { additionalProperties: false },
)

const ApplicationFields = Type.Object({
  id: Id(),
  status: Type.Enum(APPLICATION_STATUSES),
  householdId: Id(),
  programmeCode: Type.String(),
  localPolicyCode: Type.Union([Type.String(), Type.Null()]),
  partnerId: Id(),
  branchId: Id(),
  partnerReference: Type.String(),
  amount: Type.Integer(),
  termMonths: Type.Integer(),
  principalPlan: Type.Object({ everyMonths: Type.Integer(), graceMonths: Type.Integer() }),
  purpose: Type.String(),
  applicationDate: Type.String(),
  submittedBy: Type.Integer(),
  certifiedBy: Type.Union([Type.Integer(), Type.Null()]),
  certificationDecisionNo: Type.Union([Type.String(), Type.Null()]),
  certifiedOn: Type.Union([Type.String(), Type.Null()]),
  decidedBy: Type.Union([Type.Integer(), Type.Null()]),
  decidedOn: Type.Union([Type.String(), Type.Null()]),
  rejectionReason: Type.Union([Type.String(), Type.Null()]),
  loanId: Type.Union([Type.Integer(), Type.Null()]),
  borrowerFacts: Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer()]), {
    description: 'The borrower facts as checked (empty for a household programme)',
  }),
  purposeCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  priority: Type.Optional({
    ...PriorityAttributes,
    description:
      "The household's priority attributes (docs/rules.md §14) on the date eligibility was checked: the " +
      'application date when submitted, the approval date when approved; in lists, on the business date',
  }),
})

export const Application = component('Application', ApplicationFields)

/** A list row: the application and its borrower (readable without one call per row). */
export const ApplicationListItem = component(
  'ApplicationListItem',
  Type.Intersect([
    ApplicationFields,
    Type.Object({
      householdName: Type.String({ description: 'Name of the household head' }),
      nationalId: Type.String({ description: "The household head's 12-digit citizen ID" }),
      groupId: Id("The household's savings-and-loan group (today)"),
    }),
  ]),
)

export const CertifyInput = Type.Object(
  {
    decisionNo: Text(100, "Commune People's Committee decision/list number"),
    certifiedOn: BusinessDateSchema('Date of the commune certification'),
  },
  { additionalProperties: false },
)
export const ApproveInput = Type.Object(
  {
    approvedOn: Type.Optional(BusinessDateSchema('Approval date (default: the business date; not later)')),
  },
  { additionalProperties: false },
)
export const RejectInput = Type.Object({ reason: Text(500) }, { additionalProperties: false })
export const WithdrawInput = Type.Object({ reason: Type.Optional(Text(500)) }, { additionalProperties: false })

export type ApplicationInput = Static<typeof ApplicationInput>
