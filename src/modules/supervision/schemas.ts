import { Type } from 'typebox'
import { BusinessDateSchema, Id, Text, component } from '../../platform/http-schemas.js'
import { SUPERVISING_BODIES } from '../../db/schema-supervision.js'

const NullableId = Type.Union([Id(), Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])

export const FindingInput = Type.Object(
  {
    date: BusinessDateSchema('Date of the supervision: not after the business date'),
    officeId: Type.Optional(
      Id('The area, when it is an office (head office, province, district): this or placeId, not both'),
    ),
    placeId: Type.Optional(Id('The area, when it is a commune or a village: this or officeId, not both')),
    loanId: Type.Optional(Id('A loan the finding is about (in the area and in your scope)')),
    applicationId: Type.Optional(Id('An application the finding is about (in the area and in your scope)')),
    finding: Text(4000, 'What the supervision found'),
    followUp: Text(2000, 'What the supervisor asks the branch to do'),
    supervisingBody: Type.Enum(SUPERVISING_BODIES, {
      description:
        'Who supervised: fatherland_front (Mặt trận Tổ quốc), womens_union, farmers_association, ' +
        'veterans_association, youth_union',
    }),
  },
  { additionalProperties: false },
)

export const AnswerInput = Type.Object(
  {
    answer: Text(4000, "The branch's answer"),
    actionTaken: Type.Optional(Text(2000, 'What the branch did about it')),
    branchId: Type.Optional(
      Id('The branch answering; needed only when the caller could answer for several of the finding’s branches'),
    ),
  },
  { additionalProperties: false },
)

export const FindingsQuery = {
  status: Type.Optional(Type.Enum(['open', 'answered'] as const, { description: 'open: no answer yet' })),
  officeId: Type.Optional(Id('Only findings on this office or anywhere under it (its offices, communes, villages)')),
  from: Type.Optional(BusinessDateSchema('Findings dated on or after')),
  to: Type.Optional(BusinessDateSchema('Findings dated on or before')),
}

export const SupervisionFinding = component(
  'SupervisionFinding',
  Type.Object({
    id: Id(),
    date: Type.String({ description: 'Date of the supervision' }),
    officeId: Id('The office named as the area, or the district office serving the commune or village'),
    placeId: NullableId,
    areaKind: Type.Enum(['head_office', 'province', 'district', 'commune', 'village'] as const),
    areaCode: Type.String(),
    areaName: Type.String(),
    loanId: NullableId,
    applicationId: NullableId,
    supervisingBody: Type.Enum(SUPERVISING_BODIES),
    finding: Type.String(),
    followUp: Type.String(),
    status: Type.Enum(['open', 'answered'] as const, { description: 'answered once a branch has answered' }),
    branchIds: Type.Array(Id(), {
      description: 'The branches under the area when it was recorded: they see and answer',
    }),
    answers: Type.Array(
      Type.Object({
        id: Id(),
        branchId: Id(),
        answer: Type.String(),
        actionTaken: NullableText,
        answeredBy: Type.Integer(),
        answeredOn: Type.String({ description: 'Business date of the answer' }),
        createdAt: Type.String(),
      }),
      { description: 'In the order given; never changed' },
    ),
    recordedBy: Type.Integer(),
    recordedOn: Type.String({ description: 'Business date it was recorded' }),
    createdAt: Type.String(),
  }),
)
