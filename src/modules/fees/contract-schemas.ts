/** HTTP schemas of entrustment contracts by level (docs/rules.md §23). */
import { Type } from 'typebox'
import { BusinessDateSchema, Id, Text, component } from '../../platform/http-schemas.js'
import { PARTNER_LEVELS } from '../../db/schema.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Ppm = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description })
const Level = Type.Enum(PARTNER_LEVELS, {
  description: 'Level of the signing partner: province (union) | district (association) | commune (chapter)',
})

export const EntrustmentContract = component(
  'EntrustmentContract',
  Type.Object({
    id: Id(),
    partnerId: Id('The signing partner'),
    partnerCode: Type.String(),
    partnerName: Type.String(),
    level: Level,
    officeId: Id("The bank side: the partner's own office (province office, or its branch's district office)"),
    officeCode: Type.String(),
    contractNo: Type.String(),
    signedOn: Type.String({ format: 'date' }),
    effectiveFrom: Type.String({ format: 'date' }),
    effectiveTo: Nullable(
      Type.String({ format: 'date', description: 'Last day in force (after an end, its date); null: open' }),
    ),
    signedEffectiveTo: Nullable(Type.String({ format: 'date', description: 'Last day in force as signed' })),
    endReference: Nullable(Type.String({ description: 'The record that ended it early, if ended' })),
    entrustmentFeeRatePpm: Ppm('Entrustment fee, ppm per month of the outstanding balance (500 = 0.05 %)'),
    groupCommissionRatePpm: Ppm('Group commission, ppm of the interest collected through sessions (85,000 = 8.5 %)'),
    createdBy: Type.Integer(),
    createdAt: Type.String(),
  }),
)

export const ContractBody = Type.Object(
  {
    partnerId: Id('The signing partner, of any level'),
    contractNo: Text(100, 'Contract number (unique)'),
    signedOn: BusinessDateSchema('Date signed (not after the business date)'),
    effectiveFrom: BusinessDateSchema('First day in force'),
    effectiveTo: Type.Optional(Nullable(BusinessDateSchema('Last day in force; omit or null: open'))),
    entrustmentFeeRatePpm: Ppm('Entrustment fee rate, ppm per month (0–1,000,000)'),
    groupCommissionRatePpm: Ppm('Group commission rate, ppm of interest collected (0–1,000,000)'),
  },
  { additionalProperties: false },
)

export const ContractEndBody = Type.Object(
  {
    effectiveTo: BusinessDateSchema('Last day in force (not before effectiveFrom, not after the signed end)'),
    reference: Text(100, 'Number of the record ending the contract (biên bản thanh lý)'),
  },
  { additionalProperties: false },
)

export const ContractListQuery = {
  partnerId: Type.Optional(Id('Only contracts signed by this partner')),
  level: Type.Optional(Level),
  inForceOn: Type.Optional(BusinessDateSchema('Only contracts in force on this date')),
}
