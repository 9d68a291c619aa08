import { Type } from 'typebox'
import { BusinessDateSchema, Id, Vnd, component, ref } from '../../platform/http-schemas.js'
import { Allocation } from '../loans/schemas.js'
import { CsvFormatQuery } from '../../platform/csv.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

/** Most lines one session takes. */
export const MAX_SESSION_LINES = 200

export const SessionLineInput = Type.Object(
  {
    loanId: Id(),
    interest: Vnd('Interest collected'),
    principal: Vnd('Principal collected'),
    savings: Vnd('Savings collected'),
  },
  { additionalProperties: false },
)

export const SessionInput = Type.Object(
  {
    transactionPointId: Id(),
    groupId: Id(),
    sessionDate: BusinessDateSchema('Session date (not after the business date)'),
    lines: Type.Array(SessionLineInput, { minItems: 1, maxItems: MAX_SESSION_LINES }),
  },
  { additionalProperties: false },
)

export const SessionPosted = Type.Object({
  id: Id(),
  transactionPointId: Id(),
  groupId: Id(),
  sessionDate: Type.String(),
  totalInterest: Vnd(),
  totalPrincipal: Vnd(),
  totalSavings: Vnd(),
  lines: Type.Array(
    Type.Object({
      lineIndex: Type.Integer(),
      loanId: Id(),
      status: Type.Literal('posted'),
      transactionId: Type.Union([Type.Integer(), Type.Null()]),
      allocation: Type.Union([ref(Allocation), Type.Null()]),
      savings: Vnd(),
      loanStatus: Type.String(),
    }),
  ),
})

// ------------------------------------------------------------ collection sheet

const dueAmounts = {
  principalDue: Vnd('Principal of instalments due on or before the date, not yet paid and not yet overdue'),
  interestDue: Vnd('Contract interest accrued up to the date, not yet paid and not yet overdue'),
  overduePrincipal: Vnd('Principal of instalments past their due date'),
  overdueInterest: Vnd(
    'Unpaid interest of past due dates and all penalty interest (130 % of the contract rate on overdue principal)',
  ),
  total: Vnd(
    'principalDue + interestDue + overduePrincipal + overdueInterest: paying exactly this on the date ' +
      'leaves nothing overdue and nothing due',
  ),
}

export const SheetLoan = Type.Object({
  loanId: Id(),
  programmeCode: Type.String(),
  classification: Type.String({ description: 'On the sheet date' }),
  outstandingPrincipal: Vnd('On the sheet date'),
  nextDueDate: Nullable(Type.String()),
  ...dueAmounts,
  interest: Vnd('Suggested interest of the session line: overdueInterest + interestDue'),
  principal: Vnd('Suggested principal of the session line: overduePrincipal + principalDue'),
})

export const SheetHousehold = Type.Object({
  householdId: Id(),
  headName: Type.String({ description: 'Household head (the borrower)' }),
  nationalId: Type.String({ description: 'Citizen ID (CCCD) of the head' }),
  village: Type.String(),
  savingsExpected: Vnd('Monthly savings the household is expected to hand in (0 without a savings commitment)'),
  total: Vnd("Sum of its loans' totals"),
  loans: Type.Array(SheetLoan),
})

export const SheetTotals = Type.Object({
  households: Type.Integer(),
  loans: Type.Integer(),
  ...dueAmounts,
  savingsExpected: Vnd(),
  cashExpected: Vnd('total + savingsExpected: the cash the session should bring in'),
})

export const SheetGroup = Type.Object({
  groupId: Id(),
  groupCode: Type.String(),
  groupName: Type.String(),
  village: Type.String(),
  partnerId: Id(),
  partnerName: Type.String(),
  households: Type.Array(SheetHousehold),
  totals: SheetTotals,
  sessionRequest: Nullable(SessionInput),
})

export const CollectionSheet = component(
  'CollectionSheet',
  Type.Object({
    transactionPointId: Id(),
    transactionPointCode: Type.String(),
    transactionPointName: Type.String(),
    commune: Type.String(),
    sessionDay: Type.Integer(),
    date: Type.String({ description: 'The session date the figures are computed for' }),
    businessDate: Type.String(),
    nextSessionDate: Type.String({
      description:
        "The point's next session date on or after the business date (the default date, and the latest allowed)",
    }),
    groups: Type.Array(SheetGroup),
    totals: SheetTotals,
  }),
)

export const SheetQuery = Type.Object(
  {
    date: Type.Optional(
      BusinessDateSchema(
        "Session date: from one year before the business date up to the point's next session date (default)",
      ),
    ),
    groupId: Type.Optional(Id('Only this group (it must hand in at this point)')),
    ...CsvFormatQuery,
  },
  { additionalProperties: false },
)

// ------------------------------------------------------------ sessions read back

export const SessionSummary = Type.Object({
  id: Id(),
  transactionPointId: Id(),
  transactionPointName: Type.String(),
  groupId: Id(),
  groupName: Type.String(),
  partnerId: Id(),
  branchId: Id(),
  sessionDate: Type.String(),
  lineCount: Type.Integer(),
  totalInterest: Vnd('Interest handed in'),
  totalPrincipal: Vnd('Principal handed in'),
  totalSavings: Vnd('Savings handed in'),
  total: Vnd('Everything handed in'),
  postedBy: Type.Object({ userId: Type.Integer(), name: Nullable(Type.String()) }),
  createdAt: Type.String(),
})

export const SessionLineView = Type.Object({
  lineIndex: Type.Integer(),
  loanId: Id(),
  householdId: Id(),
  householdName: Type.String(),
  nationalId: Type.String(),
  interest: Nullable(Vnd('Interest handed in (null for sessions posted before lines were recorded)')),
  principal: Nullable(Vnd('Principal handed in (null for sessions posted before lines were recorded)')),
  savings: Vnd('Savings handed in'),
  amount: Vnd('interest + principal: the repayment posted'),
  transactionId: Nullable(Type.Integer({ description: 'The repayment (null for a savings-only line)' })),
  allocation: Nullable(ref(Allocation)),
  reversed: Type.Boolean({ description: 'The repayment was reversed since (it then allocates nothing)' }),
  reversalTransactionId: Nullable(Type.Integer()),
  loanStatus: Type.String({ description: "The loan's state now" }),
})

/** A session in a list (named component CollectionSessionSummary). */
export const SessionListItem = component('CollectionSessionSummary', SessionSummary)

/** A session with its lines (named component CollectionSession). */
export const SessionDetail = component(
  'CollectionSession',
  Type.Intersect([
    SessionSummary,
    Type.Object({
      reversedLines: Type.Integer({ description: 'Lines whose repayment was reversed since' }),
      lines: Type.Array(SessionLineView),
    }),
  ]),
)

export const SessionListQuery = {
  transactionPointId: Type.Optional(Id('Only this transaction point')),
  groupId: Type.Optional(Id('Only this group')),
  date: Type.Optional(BusinessDateSchema('Only sessions of this date')),
  from: Type.Optional(BusinessDateSchema('Sessions on or after this date')),
  to: Type.Optional(BusinessDateSchema('Sessions on or before this date')),
}
