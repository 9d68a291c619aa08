import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { READERS } from '../../platform/routes.js'
import { BusinessDateSchema, Id, errorResponses } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport } from '../../platform/csv.js'
import { DomainError } from '../../platform/errors.js'
import * as service from './service.js'
import { supportPaymentsReport } from './support.js'

const csvNote = ' Also as CSV with `Accept: text/csv`.'
const Int = Type.Integer()

export default async function reportsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get('/reports/portfolio', {
    config: { auth: READERS },
    schema: {
      tags: ['Finance'], summary: 'Portfolio report', description: `Active loans as of a date grouped by programme, branch, partner or group: loans, households, outstanding principal, overdue principal and the overdue ratio (ppm of outstanding), within the caller's scope.${csvNote}`,
      querystring: Type.Object({ asOf: Type.Optional(BusinessDateSchema()), groupBy: Type.Optional(Type.Enum(['programme', 'branch', 'partner', 'group'] as const, { default: 'programme' })), ...CsvFormatQuery }),
      response: {
        200: Type.Object({
          asOf: Type.String(), groupBy: Type.String(),
          items: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), loans: Int, households: Int, outstanding: Int, overdue: Int, overdueRatioPpm: Int })),
          totals: Type.Object({ loans: Int, households: Int, outstanding: Int, overdue: Int, overdueRatioPpm: Int }),
        }),
        ...errorResponses(),
      },
    },
  }, async (req, reply) => {
    const today = businessDate()
    const r = service.portfolioReport(app.sqlite, req.actor, req.query.asOf ?? today, today, req.query.groupBy ?? 'programme')
    return sendReport(req, reply, r, { columns: ['key', 'name', 'loans', 'households', 'outstanding', 'overdue', 'overdueRatioPpm'], rows: r.items, filename: `portfolio-${r.groupBy}-${r.asOf}.csv` })
  })

  app.get('/reports/collections', {
    config: { auth: READERS },
    schema: {
      tags: ['Finance'], summary: 'Collections between dates', description: `Repayments and savings collected per branch and transaction point between two value dates (inclusive), split into principal, interest and overdue interest; savings deposited (sessions and counter) and savings withdrawn.${csvNote}`,
      querystring: Type.Object({ from: BusinessDateSchema(), to: BusinessDateSchema(), ...CsvFormatQuery }),
      response: {
        200: Type.Object({
          from: Type.String(), to: Type.String(),
          items: Type.Array(Type.Object({ branchId: Int, transactionPointId: Int, transactionPoint: Type.String(), repayments: Int, amount: Int, principal: Int, interest: Int, overdueInterest: Int, savings: Int, savingsWithdrawn: Int })),
          totals: Type.Object({ repayments: Int, amount: Int, principal: Int, interest: Int, overdueInterest: Int, savings: Int, savingsWithdrawn: Int }),
        }),
        ...errorResponses(),
      },
    },
  }, async (req, reply) => {
    if (req.query.from > req.query.to) throw new DomainError('VALIDATION_ERROR', 'from must not be after to', { errors: [{ field: 'querystring.from', message: 'must not be after to' }] })
    const r = service.collectionsReport(app.sqlite, req.actor, req.query.from, req.query.to)
    return sendReport(req, reply, r as never, { columns: ['branchId', 'transactionPointId', 'transactionPoint', 'repayments', 'amount', 'principal', 'interest', 'overdueInterest', 'savings', 'savingsWithdrawn'], rows: r.items, filename: `collections-${r.from}-${r.to}.csv` })
  })

  app.get('/reports/posting-list', {
    config: { auth: READERS },
    schema: {
      tags: ['Finance'], summary: 'Public posting list of a transaction point', description: `What a commune transaction point must post publicly: every current borrower with the loan amount, balance and next due date.${csvNote}`,
      querystring: Type.Object({ transactionPointId: Id(), ...CsvFormatQuery }),
      response: {
        200: Type.Object({
          transactionPointId: Int,
          items: Type.Array(Type.Object({ loanId: Int, borrower: Type.String(), village: Type.String(), groupName: Type.String(), programmeCode: Type.String(), amount: Int, balance: Int, nextDueDate: Type.Union([Type.String(), Type.Null()]), overduePrincipal: Int })),
        }),
        ...errorResponses(),
      },
    },
  }, async (req, reply) => {
    const r = service.postingList(app.sqlite, req.actor, req.query.transactionPointId)
    return sendReport(req, reply, r as never, { columns: ['loanId', 'borrower', 'village', 'groupName', 'programmeCode', 'amount', 'balance', 'nextDueDate', 'overduePrincipal'], rows: r.items as Record<string, unknown>[], filename: `posting-list-${r.transactionPointId}.csv` })
  })

  app.get('/reports/support-payments', {
    config: { auth: READERS },
    schema: {
      tags: ['Support payments'], summary: 'Support payments report', description: `Counts and sums by state and by branch (with the recoveries of paid payments), the list of recoveries; per policy the budget, used, reserved (pending), remaining, recoveries and blocked (BUDGET_EXHAUSTED) cases.${csvNote} (CSV: one row per branch and state.)`,
      querystring: Type.Object({ ...CsvFormatQuery }),
      response: {
        200: Type.Object({
          byStatus: Type.Array(Type.Object({ status: Type.String(), count: Int, amount: Int })),
          byBranch: Type.Array(Type.Object({ branchId: Int, branchCode: Type.String(), status: Type.String(), count: Int, amount: Int, recoveredCount: Int, recoveredAmount: Int })),
          recoveries: Type.Array(Type.Object({ id: Int, supportPaymentId: Int, householdId: Int, loanId: Int, branchId: Int, localPolicyCode: Type.String(), amount: Int, reason: Type.String(), createdOn: Type.String() }), { description: 'Paid support payments whose conditions stopped holding: the amount to recover' }),
          budgets: Type.Array(Type.Object({ localPolicyCode: Type.String(), budget: Int, used: Int, reserved: Int, remaining: Int, recoveries: Int, blocked: Int })),
          totals: Type.Object({ count: Int, amount: Int, recoveredCount: Int, recoveredAmount: Int }),
        }),
        ...errorResponses(),
      },
    },
  }, async (req, reply) => {
    const r = supportPaymentsReport(app.sqlite, req.actor)
    return sendReport(req, reply, r as never, { columns: ['branchId', 'branchCode', 'status', 'count', 'amount', 'recoveredCount', 'recoveredAmount'], rows: r.byBranch, filename: 'support-payments.csv' })
  })
}
