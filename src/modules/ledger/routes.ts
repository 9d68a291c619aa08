/** Ledger reads: trial balance as of a date and journal entries between dates (finance, admin, auditor). */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, ListQuery, cursorId, errorResponses } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport } from '../../platform/csv.js'
import { READ_ALL_ROLES } from '../../platform/auth.js'

export function trialBalance(sqlite: import('better-sqlite3').Database, asOf: string) {
  const rows = sqlite
    .prepare(
      `SELECT l.account, l.funding_source AS fundingSource, SUM(l.debit) AS debit, SUM(l.credit) AS credit
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id WHERE e.value_date <= ?
    GROUP BY l.account, l.funding_source ORDER BY l.account, l.funding_source`,
    )
    .all(asOf) as { account: string; fundingSource: string; debit: number; credit: number }[]
  const accounts = rows.map((r) => ({ ...r, balance: r.debit - r.credit }))
  const totalDebit = accounts.reduce((a, r) => a + r.debit, 0)
  const totalCredit = accounts.reduce((a, r) => a + r.credit, 0)
  return { asOf, accounts, totalDebit, totalCredit, balanced: totalDebit === totalCredit }
}

export default async function ledgerRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get(
    '/ledger/trial-balance',
    {
      config: { auth: READ_ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Trial balance',
        description:
          'Debits, credits and the debit balance of every account per funding source, over entries with ' +
          'value date ≤ asOf (default: the business date). Σ debit = Σ credit. CSV with `Accept: text/csv` ' +
          'or `format=csv` (UTF-8 with BOM; headings "Vietnamese (key)").',
        querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()), ...CsvFormatQuery }),
        response: {
          200: Type.Object({
            asOf: Type.String(),
            totalDebit: Type.Integer(),
            totalCredit: Type.Integer(),
            balanced: Type.Boolean(),
            accounts: Type.Array(
              Type.Object({
                account: Type.String(),
                fundingSource: Type.String(),
                debit: Type.Integer(),
                credit: Type.Integer(),
                balance: Type.Integer({ description: 'debit − credit' }),
              }),
            ),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const tb = trialBalance(app.sqlite, req.query.asOf ?? businessDate())
      return sendReport(req, reply, tb, {
        columns: [
          ['account', 'Tài khoản'],
          ['fundingSource', 'Nguồn vốn'],
          ['debit', 'Nợ'],
          ['credit', 'Có'],
          ['balance', 'Số dư'],
        ],
        rows: tb.accounts,
        filename: `trial-balance-${tb.asOf}.csv`,
      })
    },
  )

  app.get(
    '/ledger/entries',
    {
      config: { auth: READ_ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Journal entries',
        description: 'Balanced journal entries with their lines, by value date range, in id order (cursor pagination).',
        querystring: Type.Object({
          from: Type.Optional(BusinessDateSchema()),
          to: Type.Optional(BusinessDateSchema()),
          loanId: Type.Optional(Type.Integer({ minimum: 1 })),
          ...ListQuery,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Type.Integer(),
                kind: Type.String(),
                valueDate: Type.String(),
                postedOn: Type.String(),
                description: Type.String(),
                loanTransactionId: Type.Union([Type.Integer(), Type.Null()]),
                supportPaymentId: Type.Union([Type.Integer(), Type.Null()]),
                reconciliationId: Type.Union([Type.Integer(), Type.Null()]),
                lines: Type.Array(
                  Type.Object({
                    account: Type.String(),
                    fundingSource: Type.String(),
                    debit: Type.Integer(),
                    credit: Type.Integer(),
                    loanId: Type.Union([Type.Integer(), Type.Null()]),
                  }),
                ),
              }),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      const entries = app.sqlite
        .prepare(
          `SELECT id, kind, value_date AS valueDate, posted_on AS postedOn, description, loan_transaction_id
            AS loanTransactionId,
        support_payment_id AS supportPaymentId, reconciliation_id AS reconciliationId FROM journal_entries
      WHERE id > @after AND (@from IS NULL OR value_date >= @from) AND (@to IS NULL OR value_date <= @to)
        AND (@loanId IS NULL OR id IN (SELECT entry_id FROM journal_lines WHERE loan_id = @loanId)) ORDER
            BY id LIMIT @limit`,
        )
        .all({
          after: cursorId(req.query.cursor),
          from: req.query.from ?? null,
          to: req.query.to ?? null,
          loanId: req.query.loanId ?? null,
          limit: limit + 1,
        }) as { id: number }[]
      const page = entries.slice(0, limit)
      const lines = app.sqlite.prepare(
        'SELECT account, funding_source AS fundingSource, debit, credit, loan_id AS loanId FROM ' +
          'journal_lines WHERE entry_id = ? ORDER BY id',
      )
      return {
        items: page.map((e) => ({ ...e, lines: lines.all(e.id) })) as never,
        nextCursor: entries.length > limit ? String(page[page.length - 1]!.id) : null,
      }
    },
  )
}
