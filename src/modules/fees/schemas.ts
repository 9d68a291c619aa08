/** HTTP schemas of partner fees and fee-rate versions (docs/rules.md §11). */
import { Type } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, Vnd, component, ref } from '../../platform/http-schemas.js'
import { PARTNER_LEVELS } from '../../db/schema.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Ppm = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description })

export const MonthQuery = Type.Object({
  month: Type.String({
    pattern: '^(19|20)\\d{2}-(0[1-9]|1[0-2])$',
    description: 'Calendar month YYYY-MM (must have ended: last day ≤ business date)',
    examples: ['2026-06'],
  }),
})

export const FeeRate = component(
  'FeeRate',
  Type.Object({
    id: Id(),
    partnerId: Nullable(
      Type.Integer({ description: 'The partner this version is for; null = the default for all partners' }),
    ),
    effectiveFrom: Type.String({ format: 'date' }),
    entrustmentFeeRatePpm: Ppm(
      'Entrustment fee, ppm per month of the outstanding balance on which interest was collected (450 = 0.045 %)',
    ),
    groupCommissionRatePpm: Ppm(
      "Group commission, ppm of the interest collected through the group's sessions (80,000 = 8 %)",
    ),
    createdAt: Type.String(),
  }),
)

export const FeeRateBody = Type.Object(
  {
    partnerId: Type.Optional(Nullable(Id('Partner (omit or null for the default version)'))),
    effectiveFrom: BusinessDateSchema('First day the version applies (months whose last day is on or after it use it)'),
    entrustmentFeeRatePpm: Ppm('Entrustment fee rate, ppm per month (0–1,000,000)'),
    groupCommissionRatePpm: Ppm('Group commission rate, ppm of interest collected (0–1,000,000)'),
  },
  { additionalProperties: false },
)

export const FeeRateListQuery = {
  partnerId: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: "Only this partner's versions" }),
  ),
  scope: Type.Optional(
    Type.Enum(['default', 'partner'] as const, {
      description: 'Only the default versions, or only partner-specific ones',
    }),
  ),
}

export const PartnerFee = Type.Object({
  partnerId: Id(),
  partnerCode: Type.String(),
  partnerName: Type.String(),
  level: Type.Enum(PARTNER_LEVELS, { description: 'Level of the partner paid (docs/rules.md §23)' }),
  branchId: Type.Union([Id(), Type.Null()], { description: 'null for a province-level partner' }),
  contractId: Nullable(Id('The entrustment contract it is paid under; null: the fee-rate versions applied')),
  contractNo: Nullable(Type.String()),
  feeRateId: Nullable(Id('The fee-rate version applied; null when a contract applied')),
  rateSource: Type.Enum(['contract', 'partner', 'default'] as const, {
    description: "contract (§23), else the partner's own fee-rate version or the default",
  }),
  rateEffectiveFrom: Type.String({ description: "The contract's or the fee-rate version's effectiveFrom" }),
  entrustmentFeeRatePpm: Type.Integer(),
  groupCommissionRatePpm: Type.Integer(),
  coveredPartnerIds: Type.Array(Id(), {
    description: 'The partners whose loans or groups it is paid for: itself and, under a contract, those below it',
  }),
  loans: Type.Integer({ description: 'Loans it is paid for that paid interest in the month' }),
  interestCollected: Vnd('Interest (contract + overdue) collected on those loans in the month'),
  outstandingPrincipal: Vnd("Σ outstanding principal of those loans on the month's last day: the fee base"),
  entrustmentFee: Vnd('round half-up(entrustmentFeeRatePpm × outstandingPrincipal / 10^6)'),
  groupCommission: Vnd('Σ commission of the groups it is paid for'),
  total: Vnd(),
})

export const GroupCommission = Type.Object({
  groupId: Id(),
  groupCode: Type.String(),
  groupName: Type.String(),
  partnerId: Id('The partner running the group'),
  transactionPointId: Id(),
  sessions: Type.Integer({ description: 'Collection sessions held in the month' }),
  interestCollected: Vnd("Interest (contract + overdue) collected through the group's sessions in the month"),
  payeePartnerId: Id('The partner the commission is paid to (the signing level, §23), for the group'),
  contractId: Nullable(Id('The entrustment contract applied; null: the fee-rate versions')),
  feeRateId: Nullable(Id()),
  groupCommissionRatePpm: Type.Integer(),
  commission: Vnd('round half-up(groupCommissionRatePpm × interestCollected / 10^6)'),
})

export const PartnerFeesReport = Type.Object({
  month: Type.String(),
  from: Type.String(),
  to: Type.String(),
  partners: Type.Array(PartnerFee),
  groups: Type.Array(GroupCommission),
  totals: Type.Object({ entrustmentFee: Vnd(), groupCommission: Vnd(), total: Vnd() }),
})

// ---------------------------------------------------------------------------
// Partner fees as money (docs/rules.md §19)

const SignedVnd = (description: string) =>
  Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER, description })
const Month = MonthQuery.properties.month

export const AccrualBody = Type.Object({ month: Month }, { additionalProperties: false })

export const PartnerFeeAccrual = component(
  'PartnerFeeAccrual',
  Type.Object({
    id: Id(),
    month: Type.String(),
    partnerId: Id(),
    entrustmentFee: Vnd("The month's entrustment fee as computed by this run"),
    groupCommission: Vnd("The month's group commission (all the partner's groups) as computed by this run"),
    total: Vnd('entrustmentFee + groupCommission'),
    posted: SignedVnd('What this run posted: the change since the earlier runs (negative when the fees fell)'),
    journalEntryId: Id(),
    accruedOn: Type.String({ description: 'Business date of the run' }),
    accruedBy: Type.Integer(),
    createdAt: Type.String(),
    lines: Type.Array(
      Type.Object({
        fundingSource: Type.String(),
        entrustmentFee: SignedVnd('Change of the entrustment fee on this funding source'),
        groupCommission: SignedVnd('Change of the group commission on this funding source'),
        amount: SignedVnd('entrustmentFee + groupCommission: Dr partner_fee_expense / Cr partner_fee_payable'),
      }),
    ),
  }),
)

export const AccrualResult = Type.Object({
  month: Type.String(),
  accruals: Type.Array(ref(PartnerFeeAccrual), { description: 'One per partner whose fees changed (or are new)' }),
  unchanged: Type.Integer({ description: 'Partners whose accrued fees already equal the month as computed now' }),
})

export const PaymentBody = Type.Object(
  {
    partnerId: Id('The partner paid'),
    month: Month,
    amount: Type.Optional(PositiveVnd('Amount paid (default: everything payable for the month)')),
    paidOn: BusinessDateSchema('Payment date: not before the last day of the month, not after the business date'),
    reference: Text(100, 'Payment voucher or bank transfer reference'),
  },
  { additionalProperties: false },
)

const paymentFields = {
  id: Id(),
  month: Type.String(),
  partnerId: Id(),
  amount: Vnd(),
  paidOn: Type.String(),
  reference: Type.String(),
  journalEntryId: Id(),
  paidBy: Type.Integer(),
  createdAt: Type.String(),
  lines: Type.Array(
    Type.Object({
      fundingSource: Type.String(),
      amount: Vnd('Dr partner_fee_payable / Cr cash_at_branch on this funding source'),
    }),
  ),
}
export const PartnerFeePayment = component('PartnerFeePayment', Type.Object(paymentFields))
export const PaymentResult = Type.Object({
  ...paymentFields,
  payableAfter: Vnd('Still payable to the partner for the month after this payment'),
})

export const PostingFilters = {
  month: Type.Optional(Month),
  partnerId: Type.Optional(Id('Only this partner')),
}

export const PartnerFeePayable = Type.Object({
  partnerId: Id(),
  month: Type.String(),
  entrustmentFee: Vnd('Entrustment fee accrued'),
  groupCommission: Vnd('Group commission accrued'),
  accrued: Vnd(),
  paid: Vnd(),
  payable: Vnd('accrued − paid'),
  byFund: Type.Array(Type.Object({ fundingSource: Type.String(), accrued: Vnd(), paid: Vnd(), payable: Vnd() })),
})
