import { Type, type Static } from 'typebox'
import { BusinessDateSchema, Id, Text } from '../../platform/http-schemas.js'
import { AREAS, POVERTY_STATUSES } from '../../db/schema.js'

export const NationalId = Type.String({ pattern: '^[0-9]{12}$', description: 'Citizen ID of the household head: exactly 12 digits', examples: ['048095001234'] })

const AddressObject = Type.Object({
  commune: Text(100), village: Text(100), line: Type.Optional(Text(300, 'House number, street')),
}, { additionalProperties: false })

export const HouseholdInput = Type.Object({
  nationalId: NationalId,
  headName: Text(200, 'Name of the household head (the borrower representative)'),
  groupId: Id('Savings-and-loan group the household belongs to'),
  area: Type.Enum(AREAS),
  address: Type.Union([AddressObject, Text(300)], { description: 'Address: {commune, village, line?} or one line of text' }),
}, { additionalProperties: false })

export const Household = Type.Object({
  id: Id(), nationalId: Type.String(), headName: Type.String(), groupId: Id(), area: Type.String(),
  address: Type.Object({ commune: Type.String(), village: Type.String(), line: Type.String() }),
  branchId: Id(), partnerId: Id(), povertyStatus: Type.String({ description: 'Status on the current business date' }), createdAt: Type.String(),
})

export const PovertyRecordInput = Type.Object({
  status: Type.Enum(POVERTY_STATUSES, { description: 'poor | near_poor | escaped (recognised as having left the list) | none' }),
  effectiveDate: BusinessDateSchema('Date the commune decision takes effect'),
  decisionNo: Text(100, 'Commune People\'s Committee decision number'),
  source: Type.Optional(Text(200, 'Where the decision comes from, e.g. annual commune review')),
}, { additionalProperties: false })

export const PovertyRecord = Type.Object({
  id: Id(), householdId: Id(), status: Type.String(), effectiveDate: Type.String(), decisionNo: Type.String(), source: Type.String(), createdAt: Type.String(),
  revoked: Type.Boolean({ description: 'Revoked decisions stay in the timeline but no longer count' }),
})

export const PovertyTimeline = Type.Object({
  householdId: Id(), asOf: Type.String(), statusOnAsOf: Type.String(), records: Type.Array(PovertyRecord),
})

export type HouseholdInput = Static<typeof HouseholdInput>
export type PovertyRecordInput = Static<typeof PovertyRecordInput>
