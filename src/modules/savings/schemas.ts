import { Type } from 'typebox'
import { BusinessDateSchema, Id, PositiveVnd, Text, Vnd, component, ref } from '../../platform/http-schemas.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Int = Type.Integer()

export const SavingsAccount = component(
  'SavingsAccount',
  Type.Object({
    id: Id(),
    householdId: Id(),
    headName: Type.String({ description: 'Household head' }),
    nationalId: Type.String({ description: 'Citizen ID of the head' }),
    groupId: Id(),
    partnerId: Id(),
    transactionPointId: Id("Transaction point where the account is kept (the household's group's point when opened)"),
    branchId: Id(),
    fundingSource: Type.String({ description: "Fund holding the savings (members' savings are held under `central`)" }),
    status: Type.Enum(['open', 'closed'] as const),
    openedOn: Type.String(),
    monthlyCommitment: Vnd('Amount the member agreed to save each month (the collection sheet\'s "savings expected")'),
    balance: Vnd('Σ deposits − Σ withdrawals'),
    pendingWithdrawals: Vnd('Withdrawals awaiting approval (reserved)'),
    available: Vnd('What can be withdrawn now: balance − pending withdrawals'),
    createdBy: Int,
    createdAt: Type.String(),
  }),
)

export const SavingsTransaction = component(
  'SavingsTransaction',
  Type.Object({
    id: Id(),
    accountId: Id(),
    kind: Type.Enum(['deposit', 'withdrawal'] as const),
    amount: Vnd(),
    valueDate: Type.String(),
    postedOn: Type.String(),
    transactionPointId: Id(),
    collectionSessionId: Nullable(Int),
    withdrawalId: Nullable(Int),
    journalEntryId: Int,
    reference: Nullable(Type.String()),
    createdBy: Int,
    createdAt: Type.String(),
  }),
)

export const SavingsWithdrawal = component(
  'SavingsWithdrawal',
  Type.Object({
    id: Id(),
    accountId: Id(),
    amount: Vnd(),
    valueDate: Type.String({
      description: "Requested value date (a withdrawal paid on approval takes the approval's business date)",
    }),
    reference: Nullable(Type.String()),
    status: Type.Enum(['pending_approval', 'paid', 'rejected'] as const),
    proposedBy: Int,
    decidedBy: Nullable(Int),
    decidedOn: Nullable(Type.String()),
    rejectionReason: Nullable(Type.String()),
    createdAt: Type.String(),
    transactionId: Nullable(Int),
  }),
)

export const OpenAccountBody = Type.Object(
  {
    householdId: Id('The member household'),
    monthlyCommitment: Type.Optional(PositiveVndOrZero('Monthly savings commitment (default 0)')),
  },
  { additionalProperties: false },
)

function PositiveVndOrZero(description: string) {
  return Type.Integer({ minimum: 0, maximum: 1_000_000_000_000_000, description })
}

export const CommitmentBody = Type.Object(
  { monthlyCommitment: PositiveVndOrZero('Monthly savings commitment in VND (0 = none)') },
  { additionalProperties: false },
)

export const MovementBody = Type.Object(
  {
    amount: PositiveVnd('Cash in VND'),
    valueDate: BusinessDateSchema('Date the cash changed hands (not after the business date)'),
    reference: Type.Optional(Text(100, 'Receipt number or channel reference')),
  },
  { additionalProperties: false },
)

export const DepositResult = Type.Object({ transaction: ref(SavingsTransaction), account: ref(SavingsAccount) })
export const WithdrawalResult = Type.Object({
  withdrawal: ref(SavingsWithdrawal),
  approvalThreshold: Type.Optional(Vnd()),
  account: ref(SavingsAccount),
})

export const Statement = Type.Object({
  accountId: Id(),
  householdId: Id(),
  headName: Type.String(),
  nationalId: Type.String(),
  from: Type.String(),
  to: Type.String(),
  openingBalance: Vnd(),
  totalDeposits: Vnd(),
  totalWithdrawals: Vnd(),
  closingBalance: Vnd(),
  lines: Type.Array(
    Type.Object({
      transactionId: Id(),
      valueDate: Type.String(),
      kind: Type.Enum(['deposit', 'withdrawal'] as const),
      description: Type.String({ description: 'Vietnamese description' }),
      reference: Nullable(Type.String()),
      deposit: Vnd(),
      withdrawal: Vnd(),
      balance: Vnd('Running balance after this movement'),
    }),
  ),
})

export const Settings = Type.Object({
  withdrawalApprovalThreshold: Vnd("Withdrawals above this amount need a second person's approval"),
  updatedBy: Nullable(Int),
  updatedAt: Nullable(Type.String()),
})

export const SavingsReport = Type.Object({
  asOf: Type.String(),
  items: Type.Array(
    Type.Object({
      branchId: Int,
      transactionPointId: Int,
      transactionPoint: Type.String(),
      accounts: Int,
      deposits: Int,
      withdrawals: Int,
      balance: Int,
      monthlyCommitment: Int,
    }),
  ),
  totals: Type.Object({ accounts: Int, deposits: Int, withdrawals: Int, balance: Int, monthlyCommitment: Int }),
})
