import { Type, type Static } from 'typebox'
import { Id, Text, component } from '../../platform/http-schemas.js'
import { PARTNER_KINDS } from '../../db/schema.js'

export const BranchInput = Type.Object(
  {
    code: Text(30, 'Unique branch code'),
    name: Text(200),
    province: Text(100, 'Province or centrally-run city, e.g. Đà Nẵng'),
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
    createdAt: Type.String(),
  }),
)

export const PartnerInput = Type.Object(
  {
    code: Text(30, 'Unique partner code'),
    name: Text(200),
    kind: Type.Enum(PARTNER_KINDS, { description: 'Mass organisation receiving the entrustment' }),
    branchId: Id(),
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
    branchId: Id(),
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
    createdAt: Type.String(),
  }),
)

export type BranchInput = Static<typeof BranchInput>
export type TransactionPointInput = Static<typeof TransactionPointInput>
export type PartnerInput = Static<typeof PartnerInput>
export type GroupInput = Static<typeof GroupInput>
