import type { FastifyInstance, FastifyReply } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  IdParams,
  IdempotencyHeaders,
  Text,
  errorResponses,
  OnePage,
  ref,
} from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'
import { CsvFormatQuery, toCsv, wantsCsv } from '../../platform/csv.js'
import { DomainError } from '../../platform/errors.js'
import { ALL_ROLES, BRANCH_ROLES, REGISTRAR_ROLES, APPROVER_ROLES } from '../../platform/auth.js'
import * as s from './schemas.js'
import * as service from './service.js'
import { listRoute } from '../../platform/routes.js'

const TAG = 'Savings'
const csvNote = ' Also as CSV (UTF-8 with BOM, Vietnamese headers) with `Accept: text/csv`.'
/** Opening an account and setting its commitment move no money: the household's partner officer may do them too. */
const WithdrawalParams = Type.Object({ id: IdParams.properties.id, withdrawalId: IdParams.properties.id })

/** CSV for people: UTF-8 BOM (Excel reads Vietnamese names), Vietnamese headers, plain integer amounts. */
function sendCsv(
  reply: FastifyReply,
  filename: string,
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .serializer((x: unknown) => x as string)
    .send(`\uFEFF${toCsv(columns, rows)}`)
}

function dateRange(from: string | undefined, to: string) {
  if (from !== undefined && from > to)
    throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
      errors: [{ field: 'querystring.from', message: 'must not be after to' }],
    })
}

export default async function savingsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.post(
    '/savings-accounts',
    {
      config: { auth: REGISTRAR_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Open a savings account for a household',
        description:
          "One account per member household, kept at its group's transaction point; members' savings are " +
          "held under the central fund. Branch staff of the household's branch, its partner officer, or " +
          'admin. Errors: REFERENCE_NOT_FOUND (unknown or out-of-scope household), SAVINGS_ACCOUNT_EXISTS ' +
          '(409, with accountId).',
        headers: IdempotencyHeaders(false),
        body: s.OpenAccountBody,
        response: {
          201: ref(s.SavingsAccount),
          ...errorResponses('REFERENCE_NOT_FOUND', 'SAVINGS_ACCOUNT_EXISTS', 'NOT_FOUND'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.openAccount(ctx, req.body),
      })),
  )

  listRoute(
    app,
    '/savings-accounts',
    {
      tag: TAG,
      summary: 'List savings accounts',
      description:
        'Accounts visible to the caller, with household name, citizen ID, balance and pending withdrawals. ' +
        'Filters: householdId, transactionPointId, groupId.',
      filters: {
        householdId: Type.Optional(IdParams.properties.id),
        transactionPointId: Type.Optional(IdParams.properties.id),
        groupId: Type.Optional(IdParams.properties.id),
      },
      item: ref(s.SavingsAccount),
    },
    (db, actor, q, afterId, limit) => service.listAccounts(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/savings-accounts/settings',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Savings settings',
        description: "The withdrawal approval threshold: withdrawals above it wait for a second person's approval.",
        response: { 200: s.Settings, ...errorResponses() },
      },
    },
    async () => service.savingsSettings(app.sqlite),
  )

  app.put(
    '/savings-accounts/settings',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: [TAG],
        summary: 'Change the withdrawal approval threshold',
        description: 'Admin only; audited. Applies to withdrawals proposed from now on.',
        headers: IdempotencyHeaders(false),
        body: Type.Object(
          { withdrawalApprovalThreshold: s.Settings.properties.withdrawalApprovalThreshold },
          { additionalProperties: false },
        ),
        response: { 200: s.Settings, ...errorResponses() },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.updateSavingsSettings(ctx, req.body),
      })),
  )

  app.get(
    '/savings-accounts/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Get a savings account',
        description: 'Balance, pending withdrawals, what is available and the monthly commitment.',
        params: IdParams,
        response: { 200: ref(s.SavingsAccount), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getAccount(app.sqlite, req.actor, req.params.id),
  )

  app.post(
    '/savings-accounts/:id/commitment',
    {
      config: { auth: REGISTRAR_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Set the monthly savings commitment',
        description:
          'The amount the member agreed to save each month; the collection sheet shows it as "savings ' +
          'expected". Errors: NOT_FOUND, INVALID_STATE (closed account).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.CommitmentBody,
        response: { 200: ref(s.SavingsAccount), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.setCommitment(ctx, req.params.id, req.body.monthlyCommitment),
      })),
  )

  app.post(
    '/savings-accounts/:id/deposits',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Deposit savings',
        description:
          'Cash saved by the member at the counter. Idempotency-Key required. Posts Dr cash at transaction ' +
          'point / Cr savings deposits (central fund). Errors: NOT_FOUND, INVALID_STATE (closed account), ' +
          'DATE_IN_FUTURE, RECONCILIATION_CLOSED (409).',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: s.MovementBody,
        response: {
          201: s.DepositResult,
          ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'DATE_IN_FUTURE', 'RECONCILIATION_CLOSED', 'INVALID_AMOUNT'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: service.deposit(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/savings-accounts/:id/withdrawals',
    {
      config: { auth: BRANCH_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Withdraw savings',
        description:
          'Up to the approval threshold (see /savings-accounts/settings) the withdrawal is paid at once ' +
          '(status paid; Dr savings deposits / Cr cash). Above it, it is created pending_approval, reserves ' +
          'the amount, and moves money only when a different user approves it. Idempotency-Key required. ' +
          'Errors: NOT_FOUND, INVALID_STATE, DATE_IN_FUTURE, INSUFFICIENT_SAVINGS (422, with `available`), ' +
          'RECONCILIATION_CLOSED (409).',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: s.MovementBody,
        response: {
          201: s.WithdrawalResult,
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATE',
            'DATE_IN_FUTURE',
            'INSUFFICIENT_SAVINGS',
            'INVALID_AMOUNT',
            'RECONCILIATION_CLOSED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: service.withdraw(ctx, req.params.id, req.body),
      })),
  )

  app.get(
    '/savings-accounts/:id/withdrawals',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Withdrawals of an account',
        description: 'Every withdrawal of the account (paid, pending approval, rejected), oldest first.',
        params: IdParams,
        querystring: Type.Object(
          { status: Type.Optional(Type.Enum(['pending_approval', 'paid', 'rejected'] as const)) },
          { additionalProperties: false },
        ),
        response: { 200: OnePage(ref(s.SavingsWithdrawal)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({
      items: service.listWithdrawals(app.sqlite, req.actor, req.params.id, req.query.status) as never[],
      nextCursor: null,
    }),
  )

  app.post(
    '/savings-accounts/:id/withdrawals/:withdrawalId/approve',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Approve and pay a withdrawal',
        description:
          'pending_approval → paid, by a branch manager of the branch or an admin who is NOT the proposer ' +
          '(403 FOUR_EYES). The balance is checked again; the money moves now, with the business date as ' +
          'value date. Idempotency-Key required. Errors: NOT_FOUND, INVALID_STATE (409), FOUR_EYES (403), ' +
          'INSUFFICIENT_SAVINGS (422), RECONCILIATION_CLOSED (409).',
        params: WithdrawalParams,
        headers: IdempotencyHeaders(true),
        response: {
          200: s.WithdrawalResult,
          ...errorResponses(
            'NOT_FOUND',
            'INVALID_STATE',
            'FOUR_EYES',
            'INSUFFICIENT_SAVINGS',
            'RECONCILIATION_CLOSED',
            'INVALID_AMOUNT',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.approveWithdrawal(ctx, req.params.id, req.params.withdrawalId),
      })),
  )

  app.post(
    '/savings-accounts/:id/withdrawals/:withdrawalId/reject',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Reject a withdrawal',
        description:
          'pending_approval → rejected with a reason; the reserved amount is released and no money moves. ' +
          'Idempotency-Key required. Errors: NOT_FOUND, INVALID_STATE (409).',
        params: WithdrawalParams,
        headers: IdempotencyHeaders(true),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: s.WithdrawalResult, ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.rejectWithdrawal(ctx, req.params.id, req.params.withdrawalId, req.body.reason),
      })),
  )

  app.get(
    '/savings-accounts/:id/statement',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Statement of a savings account',
        description:
          `Opening balance before \`from\` (default: the opening date), each movement of [from, to] in value-date ` +
          `order with its running balance, closing balance at \`to\` (default: the business date).${csvNote} CSV ` +
          `columns: Ngày, Diễn giải, Gửi, Rút, Số dư, Tham chiếu; the first and last rows are the opening and ` +
          `closing balances.`,
        params: IdParams,
        querystring: Type.Object(
          { from: Type.Optional(BusinessDateSchema()), to: Type.Optional(BusinessDateSchema()), ...CsvFormatQuery },
          { additionalProperties: false },
        ),
        response: { 200: s.Statement, ...errorResponses('NOT_FOUND') },
      },
    },
    async (req, reply) => {
      const to = req.query.to ?? businessDate()
      dateRange(req.query.from, to)
      const st = service.accountStatement(app.sqlite, req.actor, req.params.id, req.query.from, to)
      if (!wantsCsv(req)) return st
      const rows = [
        { Ngày: st.from, 'Diễn giải': 'Số dư đầu kỳ', 'Số dư': st.openingBalance },
        ...st.lines.map((l) => ({
          Ngày: l.valueDate,
          'Diễn giải': l.description,
          Gửi: l.deposit || '',
          Rút: l.withdrawal || '',
          'Số dư': l.balance,
          'Tham chiếu': l.reference,
        })),
        {
          Ngày: st.to,
          'Diễn giải': 'Số dư cuối kỳ',
          Gửi: st.totalDeposits,
          Rút: st.totalWithdrawals,
          'Số dư': st.closingBalance,
        },
      ]
      return sendCsv(
        reply,
        `sao-ke-tiet-kiem-${st.accountId}-${st.from}-${st.to}.csv`,
        ['Ngày', 'Diễn giải', 'Gửi', 'Rút', 'Số dư', 'Tham chiếu'],
        rows,
      )
    },
  )

  app.get(
    '/reports/savings',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'Savings per transaction point',
        description:
          `Members' savings as of a date (default: the business date) per transaction point, within the caller's ` +
          (`scope: accounts, deposits and withdrawals to date, balance, and the monthly commitments of open ` +
            `accounts.${csvNote}`),
        querystring: Type.Object(
          { asOf: Type.Optional(BusinessDateSchema()), ...CsvFormatQuery },
          { additionalProperties: false },
        ),
        response: { 200: s.SavingsReport, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const r = service.savingsReport(app.sqlite, req.actor, req.query.asOf ?? businessDate())
      if (!wantsCsv(req)) return r
      const rows = r.items.map((i) => ({
        'Chi nhánh': i.branchId,
        'Mã điểm giao dịch': i.transactionPointId,
        'Điểm giao dịch': i.transactionPoint,
        'Số tài khoản': i.accounts,
        'Tổng gửi': i.deposits,
        'Tổng rút': i.withdrawals,
        'Số dư': i.balance,
        'Cam kết hằng tháng': i.monthlyCommitment,
      }))
      return sendCsv(
        reply,
        `tiet-kiem-${r.asOf}.csv`,
        [
          'Chi nhánh',
          'Mã điểm giao dịch',
          'Điểm giao dịch',
          'Số tài khoản',
          'Tổng gửi',
          'Tổng rút',
          'Số dư',
          'Cam kết hằng tháng',
        ],
        rows,
      )
    },
  )
}
