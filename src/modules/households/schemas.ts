import { Type, type Static } from 'typebox'
import { BusinessDateSchema, Id, ListQuery, Text, component, ref } from '../../platform/http-schemas.js'
import { AREAS, POVERTY_STATUSES } from '../../db/schema.js'

export const NationalId = Type.String({
  pattern: '^[0-9]{12}$',
  description: 'Citizen ID of the household head: exactly 12 digits',
  examples: ['048095001234'],
})
const NationalIdPrefix = Type.String({
  pattern: '^[0-9]{1,12}$',
  description: 'Citizen ID or its first digits (1–12 digits): matches every ID starting with them',
  examples: ['0480', '048095001234'],
})

const AddressObject = Type.Object(
  {
    commune: Text(100),
    village: Text(100),
    line: Type.Optional(Text(300, 'House number, street')),
  },
  { additionalProperties: false },
)

export const HouseholdInput = Type.Object(
  {
    nationalId: NationalId,
    headName: Text(200, 'Name of the household head (the borrower representative)'),
    groupId: Id('Savings-and-loan group the household belongs to'),
    area: Type.Enum(AREAS),
    address: Type.Union([AddressObject, Text(300)], {
      description: 'Address: {commune, village, line?} or one line of text',
    }),
    ethnicMinority: Type.Optional(
      Type.Boolean({
        description: 'The household belongs to an ethnic minority (a priority attribute; default false)',
      }),
    ),
    ethnicGroup: Type.Optional(Text(100, "The ethnic group's name, e.g. Dao, Tày, Sán Dìu")),
  },
  { additionalProperties: false },
)

export const HouseholdQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'Search: 1–12 digits = citizen-ID prefix; anything else = name words, each found anywhere in the ' +
          'head\'s name, in any order, ignoring case and diacritics ("nguyen thi lan" finds "Nguyễn Thị ' +
          'Lan", d finds đ)',
        examples: ['nguyen thi lan', '0480'],
      }),
    ),
    nationalId: Type.Optional(NationalIdPrefix),
    village: Type.Optional(Text(100, 'Village, exactly as registered')),
    groupId: Type.Optional(Id('Savings-and-loan group')),
    transactionPointId: Type.Optional(Id("Transaction point of the household's group")),
    partnerId: Type.Optional(Id("Partner organisation of the household's group")),
    branchId: Type.Optional(Id("Branch of the household's group")),
    ...ListQuery,
  },
  { additionalProperties: false },
)

export const Household = component(
  'Household',
  Type.Object({
    id: Id(),
    nationalId: Type.String(),
    headName: Type.String(),
    groupId: Id(),
    groupName: Type.String(),
    transactionPointId: Id("Transaction point of the household's group"),
    area: Type.String(),
    address: Type.Object({ commune: Type.String(), village: Type.String(), line: Type.String() }),
    branchId: Id(),
    partnerId: Id(),
    povertyStatus: Type.String({ description: 'Status on the current business date' }),
    ethnicMinority: Type.Boolean({ description: 'Belongs to an ethnic minority (a priority attribute, §14)' }),
    ethnicGroup: Type.Union([Type.String(), Type.Null()], { description: "The ethnic group's name, when recorded" }),
    hasActiveLoan: Type.Boolean({
      description: 'The household has a disbursed loan not yet closed or written off (state active)',
    }),
    createdAt: Type.String(),
  }),
)

export const PovertyRecordInput = Type.Object(
  {
    status: Type.Enum(POVERTY_STATUSES, {
      description: 'poor | near_poor | escaped (recognised as having left the list) | none',
    }),
    effectiveDate: BusinessDateSchema('Date the commune decision takes effect'),
    decisionNo: Text(100, "Commune People's Committee decision number"),
    source: Type.Optional(Text(200, 'Where the decision comes from, e.g. annual commune review')),
  },
  { additionalProperties: false },
)

const povertyRecordFields = {
  id: Id(),
  householdId: Id(),
  status: Type.String(),
  effectiveDate: Type.String(),
  decisionNo: Type.String(),
  source: Type.String(),
  createdAt: Type.String(),
  revoked: Type.Boolean({ description: 'Revoked decisions stay in the timeline but no longer count' }),
}
export const PovertyRecord = Type.Object(povertyRecordFields)

export const PovertyDecisionResult = Type.Object({
  ...povertyRecordFields,
  alreadyRecorded: Type.Boolean({
    description:
      'true (HTTP 200): this decision was recorded before and this is the first record, nothing new was ' +
      'written; false (HTTP 201): recorded now',
  }),
})

export const PovertyTimelineQuery = Type.Object(
  {
    asOf: Type.Optional(BusinessDateSchema('Date the status is read on (default: the business date)')),
    ...ListQuery,
  },
  { additionalProperties: false },
)

export const PovertyTimeline = Type.Object({
  householdId: Id(),
  asOf: Type.String(),
  statusOnAsOf: Type.String({ description: 'Status on asOf, from the whole timeline (not only this page)' }),
  items: Type.Array(PovertyRecord, {
    description: 'Decisions in effective-date order (same day: in the order recorded)',
  }),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
})

const ChangedFields = Type.Object(
  {
    headName: Type.Optional(Type.String()),
    nationalId: Type.Optional(Type.String()),
    address: Type.Optional(Type.Object({ commune: Type.String(), village: Type.String(), line: Type.String() })),
    area: Type.Optional(Type.String()),
    groupId: Type.Optional(Id()),
    ethnicMinority: Type.Optional(Type.Boolean()),
    ethnicGroup: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { description: 'Only the fields this change touched' },
)

export const HouseholdChangeInput = Type.Object(
  {
    effectiveDate: BusinessDateSchema('Date the change takes effect (not after the business date)'),
    reason: Text(500, 'Why: e.g. the head died and the spouse takes over, moved to another village, group merged'),
    headName: Type.Optional(Text(200, 'New household head')),
    nationalId: Type.Optional(NationalId),
    address: Type.Optional(AddressObject),
    area: Type.Optional(Type.Enum(AREAS)),
    groupId: Type.Optional(
      Id(
        'Group transfer: a group of the same branch. Existing loans keep their contract (their group, ' +
          'transaction point and partner stay as approved)',
      ),
    ),
    ethnicMinority: Type.Optional(Type.Boolean({ description: 'Ethnic-minority membership (a priority attribute)' })),
    ethnicGroup: Type.Optional(
      Type.Union([Text(100), Type.Null()], { description: "The ethnic group's name; null clears it" }),
    ),
  },
  { additionalProperties: false },
)

export const HouseholdChange = component(
  'HouseholdChange',
  Type.Object({
    id: Id(),
    householdId: Id(),
    effectiveDate: Type.String(),
    reason: Type.String(),
    before: ChangedFields,
    after: ChangedFields,
    changedBy: Type.Integer(),
    createdAt: Type.String(),
  }),
)

export const HouseholdChangeResult = Type.Object({
  change: ref(HouseholdChange),
  household: ref(Household),
  loansKeepingContract: Type.Array(Id(), {
    description:
      "Group transfer: the household's approved or active loans, whose group, transaction point and partner " +
      'stay as they were (the contract is unchanged); empty otherwise',
  }),
})

export type HouseholdInput = Static<typeof HouseholdInput>
export type HouseholdQuery = Static<typeof HouseholdQuery>
export type PovertyRecordInput = Static<typeof PovertyRecordInput>
export type HouseholdChangeInput = Static<typeof HouseholdChangeInput>
