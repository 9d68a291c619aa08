/** HTTP schemas of reconciliation (docs/rules.md §11). */
import { Type } from 'typebox'
import { BusinessDateSchema, Id, Vnd, component } from '../../platform/http-schemas.js'
import { RESULTS } from './service.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const StatementLineBody = Type.Object(
  {
    loanId: Id('Loan the cash was received for'),
    amount: Vnd('Cash received for the loan on the date (integer VND ≥ 0)'),
    reference: Type.Optional(Type.String({ maxLength: 100, description: 'Receipt number or channel reference' })),
  },
  { additionalProperties: false },
)

export const JsonStatementBody = Type.Object(
  {
    transactionPointId: Id('Transaction point of the statement'),
    date: BusinessDateSchema('Date of the cash received (not after the business date)'),
    lines: Type.Array(StatementLineBody, {
      maxItems: 50_000,
      description: 'One line per receipt; several lines for one loan are added up',
    }),
  },
  { additionalProperties: false },
)

export const CsvStatementBody = Type.String({
  maxLength: 1_048_576,
  description:
    'CSV (RFC 4180, UTF-8) with the header exactly `loanId,amount,reference` (the reference column may be ' +
    'left out). ' +
    ('One line per receipt: loanId (positive integer), amount (whole VND ≥ 0, no separators), reference ' +
      '(optional, ≤ 100 characters). ') +
    'transactionPointId and date go in the query string.',
  examples: ['loanId,amount,reference\r\n101,1000000,PT-0001\r\n102,250000,\r\n'],
})

export const CreateQuery = Type.Object({
  transactionPointId: Type.Optional(Id('Transaction point (required with a text/csv body)')),
  date: Type.Optional(BusinessDateSchema('Statement date (required with a text/csv body)')),
})

export const ReconciliationResult = Type.Enum(RESULTS, {
  description:
    'matched | missing_in_statement (posted, not in the statement) | unexpected_in_statement (in the ' +
    'statement, nothing posted) | amount_mismatch',
})

export const Summary = Type.Object(
  {
    matched: Type.Integer({ minimum: 0 }),
    missing_in_statement: Type.Integer({ minimum: 0 }),
    unexpected_in_statement: Type.Integer({ minimum: 0 }),
    amount_mismatch: Type.Integer({ minimum: 0 }),
  },
  { description: 'Number of loans per result' },
)

const Base = {
  id: Id(),
  transactionPointId: Id(),
  branchId: Id(),
  date: Type.String({ format: 'date' }),
  status: Type.Enum(['open', 'closed'] as const),
  summary: Summary,
  statementTotal: Vnd('Σ statement amounts'),
  postedTotal: Vnd('Σ live repayments posted at the point on the date'),
  suspenseAmount: Type.Integer({
    description:
      'statementTotal − postedTotal: the suspense balance of this (point, date) after this reconciliation ' +
      '(+ unposted cash held, − posted cash not received)',
  }),
  suspensePosted: Type.Integer({
    description:
      "What this reconciliation's journal entry moved to suspense (+ credit, − debit): the change from the " +
      'superseded reconciliation, or suspenseAmount for the first',
  }),
  journalEntryId: Nullable(Type.Integer({ description: 'The suspense entry (null when nothing moved)' })),
  supersedes: Nullable(Type.Integer({ description: 'The earlier reconciliation of the same point and date, if any' })),
  supersededBy: Nullable(Type.Integer({ description: 'A later reconciliation of the same point and date, if any' })),
  createdBy: Type.Integer(),
  createdAt: Type.String(),
  closedBy: Nullable(Type.Integer()),
  closedAt: Nullable(Type.String()),
  savings: Type.Object(
    {
      deposits: Vnd(
        'Σ savings deposits at the point with value date = the date (collection sessions and counter alike)',
      ),
      withdrawals: Vnd('Σ savings withdrawals paid at the point on the date'),
      net: Type.Integer({ description: 'deposits − withdrawals: the savings cash the point should hold for the day' }),
    },
    {
      description:
        "Members' savings moved in cash at the point on the date, beside the loan lines (statements list " +
        'loans; savings are not matched per line nor sent to suspense)',
    },
  ),
}

export const ReconciliationLine = Type.Object({
  id: Id(),
  loanId: Id(),
  statementAmount: Nullable(Vnd('Σ statement lines of the loan (null: not in the statement)')),
  postedAmount: Nullable(Vnd('Σ live repayments of the loan at the date (null: nothing posted)')),
  difference: Type.Integer({ description: 'statementAmount − postedAmount (nulls as 0)' }),
  result: ReconciliationResult,
  reference: Nullable(Type.String()),
})

export const ReconciliationSummary = component('ReconciliationSummary', Type.Object(Base))
export const Reconciliation = component(
  'Reconciliation',
  Type.Object({ ...Base, lines: Type.Array(ReconciliationLine) }),
)
