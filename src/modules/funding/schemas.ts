import { Type } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, Vnd, component } from '../../platform/http-schemas.js'

/** A funding source's code: lower case (the seeded `central` and `local_budget`, e.g. `quang_ninh_budget`). */
export const SourceCode = Type.String({
  pattern: '^[a-z][a-z0-9_]{1,39}$',
  description: 'Funding source code, lower case, e.g. central, local_budget',
})
/** In a path any short text: a code that names no source is 404 (as for programmes), not a 400. */
export const CodeParams = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 40, description: 'Funding source code' }),
})

export const SourceInput = Type.Object(
  {
    code: SourceCode,
    name: Text(200, 'Name in Vietnamese, e.g. Nguồn vốn ngân sách tỉnh Quảng Ninh ủy thác'),
    kind: Type.Union([Type.Literal('central'), Type.Literal('local')]),
    region: Type.Optional(Text(100, "A local source's province or city")),
    branchId: Type.Optional(Id('The branch that holds it (optional)')),
  },
  { additionalProperties: false },
)

export const FundingSource = component(
  'FundingSource',
  Type.Object({
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    region: Type.Union([Type.String(), Type.Null()]),
    branchId: Type.Union([Type.Integer(), Type.Null()]),
    capitalControlled: Type.Boolean({ description: 'Disbursements are limited by the available capital' }),
    capitalSince: Type.Union([Type.String(), Type.Null()], {
      description: 'Business date from which the source is capital-controlled; null = not yet',
    }),
    capital: Type.Integer({ description: 'Capital received (VND)' }),
    disbursed: Type.Integer({ description: 'Principal paid out on loans from this source' }),
    principalRepaid: Type.Integer({ description: 'Principal repaid to this source' }),
    outstanding: Type.Integer({ description: 'Principal lent and not repaid (loans_receivable)' }),
    writtenOff: Type.Integer({ description: 'Principal written off (capital lost)' }),
    available: Type.Union([Type.Integer(), Type.Null()], {
      description: 'capital − outstanding − written off; null for a source not under capital control',
    }),
    cashAtBranch: Type.Integer(),
    cashAtTransactionPoints: Type.Integer(),
    createdAt: Type.String(),
  }),
)

export const CapitalInput = Type.Object(
  {
    amount: PositiveVnd('Capital received, e.g. 10,000,000,000'),
    valueDate: BusinessDateSchema(),
    decisionNo: Text(100, 'The decision or transfer that put the capital in'),
    note: Type.Optional(Text(500)),
  },
  { additionalProperties: false },
)

export const CapitalReceipt = component(
  'CapitalReceipt',
  Type.Object({
    id: Type.Integer(),
    fundingSource: Type.String(),
    amount: Vnd(),
    valueDate: Type.String(),
    decisionNo: Type.String(),
    note: Type.Union([Type.String(), Type.Null()]),
    journalEntryId: Type.Integer(),
    createdBy: Type.Integer(),
    createdAt: Type.String(),
  }),
)
