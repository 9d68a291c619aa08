import { Type, type Static } from 'typebox'
import { Id, Text, component } from '../../platform/http-schemas.js'
import { PARTNER_KINDS, PARTNER_LEVELS } from '../../db/schema.js'

export const BranchInput = Type.Object(
  {
    code: Text(30, 'Unique branch code'),
    name: Text(200),
    province: Text(100, 'Province or centrally-run city, e.g. Đà Nẵng'),
    provinceOfficeId: Type.Optional(
      Id(
        'The province office the branch (a district office) goes under; without it, the province office named as ' +
          '`province`, created under the head office when there is none',
      ),
    ),
  },
  { additionalProperties: false },
)
export const Branch = component(
  'Branch',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    province: Type.String(),
    officeId: Type.Union([Id(), Type.Null()], { description: 'Its district office in the organisation tree' }),
    createdAt: Type.String(),
  }),
)

export const TransactionPointInput = Type.Object(
  {
    code: Text(30, 'Unique transaction point code'),
    name: Text(200),
    branchId: Id('Branch that runs the point'),
    commune: Text(100),
    sessionDay: Type.Integer({
      minimum: 1,
      maximum: 28,
      description: 'Fixed monthly session day (1–28): every due date falls on it',
    }),
    placeId: Type.Optional(
      Id("The commune it serves (a place served by the branch's office); without it, a commune is created"),
    ),
  },
  { additionalProperties: false },
)
export const TransactionPoint = component(
  'TransactionPoint',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    branchId: Id(),
    commune: Type.String(),
    sessionDay: Type.Integer(),
    placeId: Type.Union([Id(), Type.Null()], { description: 'The commune it serves' }),
    createdAt: Type.String(),
  }),
)

export const PartnerInput = Type.Object(
  {
    code: Text(30, 'Unique partner code'),
    name: Text(200),
    kind: Type.Enum(PARTNER_KINDS, { description: 'Mass organisation receiving the entrustment' }),
    branchId: Type.Optional(Id('The branch whose groups it runs: required at district and commune level')),
    level: Type.Optional(
      Type.Enum(PARTNER_LEVELS, {
        description:
          "Its level in its organisation's own tree: province union, district association (the default) or commune " +
          'chapter',
      }),
    ),
    parentId: Type.Optional(
      Id('The partner one level up, of the same kind (a district association names its province union)'),
    ),
    officeId: Type.Optional(Id('A province-level partner: the province office it stands beside')),
    placeId: Type.Optional(Id("A commune chapter: its commune (served by the branch's district office)")),
  },
  { additionalProperties: false },
)
export const Partner = component(
  'Partner',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    branchId: Type.Union([Id(), Type.Null()], { description: 'null for a province-level partner' }),
    level: Type.Enum(PARTNER_LEVELS),
    parentId: Type.Union([Id(), Type.Null()]),
    officeId: Type.Union([Id(), Type.Null()], { description: 'the office it stands beside (its level of the bank)' }),
    placeId: Type.Union([Id(), Type.Null()], { description: "a commune chapter's commune" }),
    createdAt: Type.String(),
  }),
)

export const GroupInput = Type.Object(
  {
    code: Text(30, 'Unique group code'),
    name: Text(200),
    partnerId: Id(),
    transactionPointId: Id(),
    village: Text(100),
    leaderName: Type.Optional(Text(200)),
    placeId: Type.Optional(
      Id("The village it meets in (of the point's commune); without it, the commune's village of that name"),
    ),
  },
  { additionalProperties: false },
)
export const Group = component(
  'Group',
  Type.Object({
    id: Id(),
    code: Type.String(),
    name: Type.String(),
    partnerId: Id(),
    transactionPointId: Id(),
    village: Type.String(),
    leaderName: Type.Union([Type.String(), Type.Null()]),
    placeId: Type.Union([Id(), Type.Null()], { description: 'The village it meets in' }),
    createdAt: Type.String(),
  }),
)

export type BranchInput = Static<typeof BranchInput>
export type TransactionPointInput = Static<typeof TransactionPointInput>
export type PartnerInput = Static<typeof PartnerInput>
export type GroupInput = Static<typeof GroupInput>
