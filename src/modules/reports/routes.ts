import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { BusinessDateSchema, Id, errorResponses } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, sendReport, type CsvColumn } from '../../platform/csv.js'
import { DomainError } from '../../platform/errors.js'
import * as service from './service.js'
import { supportPaymentsReport } from './support.js'
import { outcomeReportRoutes } from './outcomes.js'
import { rollUpReportRoutes } from './rollup-routes.js'
import { ALL_ROLES } from '../../platform/auth.js'

const csvNote = ' Also as CSV with `Accept: text/csv` or `format=csv` (UTF-8 with BOM; headings "Vietnamese (key)").'

// CSV headings: Vietnamese for the people who open the file, the JSON key in brackets for programs.
const PORTFOLIO_CSV: CsvColumn[] = [
  ['key', 'Mã'],
  ['name', 'Tên'],
  ['loans', 'Số khoản vay'],
  ['households', 'Số hộ vay'],
  ['outstanding', 'Dư nợ gốc'],
  ['overdue', 'Nợ gốc quá hạn'],
  ['overdueRatioPpm', 'Tỷ lệ nợ quá hạn, phần triệu'],
]
const COLLECTIONS_CSV: CsvColumn[] = [
  ['branchId', 'Mã chi nhánh'],
  ['transactionPointId', 'Mã điểm giao dịch'],
  ['transactionPoint', 'Điểm giao dịch'],
  ['repayments', 'Số lần trả nợ'],
  ['amount', 'Tổng thu nợ'],
  ['principal', 'Thu gốc'],
  ['interest', 'Thu lãi'],
  ['overdueInterest', 'Thu lãi quá hạn'],
  ['savings', 'Tiền gửi tiết kiệm'],
  ['savingsWithdrawn', 'Rút tiết kiệm'],
]
const POSTING_LIST_CSV: CsvColumn[] = [
  ['loanId', 'Mã khoản vay'],
  ['borrower', 'Người vay'],
  ['village', 'Thôn, ấp'],
  ['groupName', 'Tổ tiết kiệm và vay vốn'],
  ['programmeCode', 'Chương trình'],
  ['amount', 'Số tiền vay'],
  ['balance', 'Dư nợ'],
  ['nextDueDate', 'Hạn trả kế tiếp'],
  ['overduePrincipal', 'Nợ gốc quá hạn'],
]
const MONTHLY_CSV: CsvColumn[] = [
  ['month', 'Tháng'],
  ['disbursementCount', 'Số lần giải ngân'],
  ['disbursedAmount', 'Số tiền giải ngân'],
  ['repaymentCount', 'Số lần thu nợ'],
  ['collectedAmount', 'Tổng thu nợ'],
  ['principal', 'Thu gốc'],
  ['interest', 'Thu lãi'],
  ['overdueInterest', 'Thu lãi quá hạn'],
]
const SUPPORT_CSV: CsvColumn[] = [
  ['branchId', 'Mã chi nhánh'],
  ['branchCode', 'Chi nhánh'],
  ['status', 'Trạng thái'],
  ['count', 'Số khoản'],
  ['amount', 'Số tiền'],
  ['recoveredCount', 'Số khoản thu hồi'],
  ['recoveredAmount', 'Số tiền thu hồi'],
]
const Int = Type.Integer()

export default async function reportsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)
  outcomeReportRoutes(fastify) // by purpose and outcome (docs/rules.md §16)
  rollUpReportRoutes(fastify) // by any level of the organisation tree (docs/rules.md §24)

  app.get(
    '/reports/portfolio',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Portfolio report',
        description:
          `Active loans as of a date grouped by programme, branch, partner, group or transaction point: loans, ` +
          (`households, outstanding principal, overdue principal and the overdue ratio (ppm of outstanding), ` +
            `within `) +
          `the caller's scope.${csvNote}`,
        querystring: Type.Object({
          asOf: Type.Optional(BusinessDateSchema()),
          groupBy: Type.Optional(
            Type.Enum(['programme', 'branch', 'partner', 'group', 'transactionPoint', 'priority'] as const, {
              default: 'programme',
              description:
                'priority: the borrower households that are priority households on asOf (ethnic minority, or a ' +
                'remote / especially difficult commune or village, docs/rules.md §14) against the others',
            }),
          ),
          ...CsvFormatQuery,
        }),
        response: {
          200: Type.Object({
            asOf: Type.String(),
            groupBy: Type.String(),
            items: Type.Array(
              Type.Object({
                key: Type.String(),
                name: Type.String(),
                loans: Int,
                households: Int,
                outstanding: Int,
                overdue: Int,
                overdueRatioPpm: Int,
              }),
            ),
            totals: Type.Object({ loans: Int, households: Int, outstanding: Int, overdue: Int, overdueRatioPpm: Int }),
          }),
          ...errorResponses('NOT_FOUND'),
        },
      },
    },
    async (req, reply) => {
      const today = businessDate()
      const r = service.portfolioReport(
        app.sqlite,
        req.actor,
        req.query.asOf ?? today,
        today,
        req.query.groupBy ?? 'programme',
      )
      return sendReport(req, reply, r, {
        columns: PORTFOLIO_CSV,
        rows: r.items,
        filename: `portfolio-${r.groupBy}-${r.asOf}.csv`,
      })
    },
  )

  app.get(
    '/reports/collections',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Collections between dates',
        description:
          `Repayments and savings collected per branch and transaction point between two value dates (inclusive), ` +
          (`split into principal, interest and overdue interest; savings deposited (sessions and counter) and ` +
            `savings `) +
          `withdrawn.${csvNote}`,
        querystring: Type.Object({ from: BusinessDateSchema(), to: BusinessDateSchema(), ...CsvFormatQuery }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            items: Type.Array(
              Type.Object({
                branchId: Int,
                transactionPointId: Int,
                transactionPoint: Type.String(),
                repayments: Int,
                amount: Int,
                principal: Int,
                interest: Int,
                overdueInterest: Int,
                savings: Int,
                savingsWithdrawn: Int,
              }),
            ),
            totals: Type.Object({
              repayments: Int,
              amount: Int,
              principal: Int,
              interest: Int,
              overdueInterest: Int,
              savings: Int,
              savingsWithdrawn: Int,
            }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      if (req.query.from > req.query.to)
        throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
          errors: [{ field: 'querystring.from', message: 'must not be after to' }],
        })
      const r = service.collectionsReport(app.sqlite, req.actor, req.query.from, req.query.to)
      return sendReport(req, reply, r, {
        columns: COLLECTIONS_CSV,
        rows: r.items,
        filename: `collections-${r.from}-${r.to}.csv`,
      })
    },
  )

  const Month = (description: string) =>
    Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description, examples: ['2026-06'] })
  const MonthRow = {
    disbursementCount: Int,
    disbursedAmount: Int,
    repaymentCount: Int,
    collectedAmount: Int,
    principal: Int,
    interest: Int,
    overdueInterest: Int,
  }
  app.get(
    '/reports/monthly',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Disbursements and collections by month',
        description:
          `Per calendar month of value date from \`from\` to \`to\` (inclusive, at most 36 months; every month ` +
          `listed, zeros where nothing moved): disbursements (count, amount; reversed ones left out) and collections ` +
          (`(repayments, amount, principal, interest, overdue interest), within the caller's scope.${csvNote} ` +
            `Errors: `) +
          `VALIDATION_ERROR (from after to, or more than 36 months).`,
        querystring: Type.Object({
          from: Month('First month, YYYY-MM'),
          to: Month('Last month, YYYY-MM'),
          ...CsvFormatQuery,
        }),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            items: Type.Array(Type.Object({ month: Type.String(), ...MonthRow })),
            totals: Type.Object(MonthRow),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const { from, to } = req.query
      if (from > to)
        throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
          errors: [{ field: 'querystring.from', message: 'must not be after to' }],
        })
      if (service.monthsBetween(from, to).length > 36)
        throw new DomainError('VALIDATION_ERROR', 'At most 36 months at a time', {
          errors: [{ field: 'querystring.to', message: 'at most 36 months after from' }],
        })
      const r = service.monthlyReport(app.sqlite, req.actor, from, to)
      return sendReport(req, reply, r, { columns: MONTHLY_CSV, rows: r.items, filename: `monthly-${from}-${to}.csv` })
    },
  )

  app.get(
    '/reports/posting-list',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Public posting list of a transaction point',
        description:
          `What a commune transaction point must post publicly: every current borrower with the loan amount, ` +
          `balance and next due date.${csvNote}`,
        querystring: Type.Object({ transactionPointId: Id(), ...CsvFormatQuery }),
        response: {
          200: Type.Object({
            transactionPointId: Int,
            items: Type.Array(
              Type.Object({
                loanId: Int,
                borrower: Type.String(),
                village: Type.String(),
                groupName: Type.String(),
                programmeCode: Type.String(),
                amount: Int,
                balance: Int,
                nextDueDate: Type.Union([Type.String(), Type.Null()]),
                overduePrincipal: Int,
              }),
            ),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const r = service.postingList(app.sqlite, req.actor, req.query.transactionPointId)
      return sendReport(req, reply, r, {
        columns: POSTING_LIST_CSV,
        rows: r.items,
        filename: `posting-list-${r.transactionPointId}.csv`,
      })
    },
  )

  app.get(
    '/reports/support-payments',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Support payments'],
        summary: 'Support payments report',
        description:
          `Counts and sums by state and by branch (with the recoveries of paid payments), the list of recoveries; ` +
          `per policy the budget, used, reserved (pending), remaining, recoveries and blocked (BUDGET_EXHAUSTED) ` +
          `cases.${csvNote} (CSV: one row per branch and state.)`,
        querystring: Type.Object({ ...CsvFormatQuery }),
        response: {
          200: Type.Object({
            byStatus: Type.Array(Type.Object({ status: Type.String(), count: Int, amount: Int })),
            byBranch: Type.Array(
              Type.Object({
                branchId: Int,
                branchCode: Type.String(),
                status: Type.String(),
                count: Int,
                amount: Int,
                recoveredCount: Int,
                recoveredAmount: Int,
              }),
            ),
            recoveries: Type.Array(
              Type.Object({
                id: Int,
                supportPaymentId: Int,
                householdId: Int,
                loanId: Int,
                branchId: Int,
                localPolicyCode: Type.String(),
                amount: Int,
                reason: Type.String(),
                createdOn: Type.String(),
              }),
              { description: 'Paid support payments whose conditions stopped holding: the amount to recover' },
            ),
            budgets: Type.Array(
              Type.Object({
                localPolicyCode: Type.String(),
                budget: Int,
                used: Int,
                reserved: Int,
                remaining: Int,
                recoveries: Int,
                blocked: Int,
              }),
            ),
            totals: Type.Object({ count: Int, amount: Int, recoveredCount: Int, recoveredAmount: Int }),
          }),
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const r = supportPaymentsReport(app.sqlite, req.actor)
      return sendReport(req, reply, r, { columns: SUPPORT_CSV, rows: r.byBranch, filename: 'support-payments.csv' })
    },
  )
}
