/**
 * Support-payment fixtures over HTTP (docs/rules.md §3, §4, §8; docs/api.md).
 *
 * The loans here are interest-free (local policy with borrowerRatePpm 0), principal every
 * month, at transaction point A (session day 15): disbursed on D, instalment k is due on the
 * 15th of the k-th month after D's month and is exactly amount / termMonths (no interest,
 * and no penalty either: 130 % of 0 is 0). Paying that sum on (or after) its due date pays
 * exactly that instalment off; nothing is ever paid before its due date (a payment before
 * the due date would be a prepayment of the LAST instalments, docs/rules.md §7).
 *
 * Every step goes through the public API with the right role and throws (with the
 * response body) when a step that should succeed does not, so a broken fixture fails loudly.
 */
import type { LightMyRequestResponse } from 'fastify'
import type { FastifyInstance } from 'fastify'
import type { KeyName, TestApp } from './app.js'
import { disbursedLoan, expectStatus, repay, unique, type LoanOptions, type PovertyStatus } from './origination.js'
import { addDays, sessionDayInMonthAfter } from '../../src/domain/dates.js'

export const DANANG = 'DANANG_INTEREST_FREE'
export const SUPPORT_AMOUNT = 4_000_000
/** Session day of transaction point A (test/helpers/app.ts). */
export const SESSION_DAY_A = 15

export interface SupportLoanOptions extends LoanOptions {
  /** disbursement value date (default 2025-01-10) */
  valueDate?: string
}

export interface SupportLoan {
  loanId: number
  householdId: number
  /** original due dates of instalments 1 … termMonths */
  dueDates: string[]
  /** amount / termMonths: what each instalment is (interest-free, monthly plan) */
  instalment: number
  valueDate: string
}

/** Due dates of a monthly plan disbursed on `valueDate` at a point with `sessionDay`. */
export function dueDatesOf(valueDate: string, termMonths: number, sessionDay = SESSION_DAY_A): string[] {
  return Array.from({ length: termMonths }, (_, i) => sessionDayInMonthAfter(valueDate, i + 1, sessionDay))
}

/**
 * A disbursed interest-free loan under a support policy (default DANANG_INTEREST_FREE):
 * 12,000,000 VND, 12 months, principal monthly, applied 8 days before the disbursement
 * (default 2025-01-10), certified 7 days before, approved 4 days before. The household is
 * poor since 2020-01-01 unless `householdId` is given.
 */
export async function supportLoan(ta: TestApp, opts: SupportLoanOptions = {}): Promise<SupportLoan> {
  const valueDate = opts.valueDate ?? '2025-01-10'
  const amount = opts.amount ?? 12_000_000
  const termMonths = opts.termMonths ?? 12
  const loan = await disbursedLoan(ta, {
    localPolicyCode: DANANG,
    principalPlan: { everyMonths: 1, graceMonths: 0 },
    applicationDate: addDays(valueDate, -8),
    certifiedOn: addDays(valueDate, -7),
    approvedOn: addDays(valueDate, -4),
    ...opts,
    amount,
    termMonths,
    valueDate,
  })
  return {
    loanId: loan.loanId,
    householdId: loan.householdId,
    dueDates: dueDatesOf(valueDate, termMonths),
    instalment: amount / termMonths,
    valueDate,
  }
}

/**
 * POST /v1/loans/{id}/repayments (no status check): the shared one of origination.ts, re-exported for the support
 * tests.
 */
export { repay }

export interface RepaymentHistory {
  /** days late per instalment number (1-based); absent or 0 = paid on its due date */
  lateDays?: Record<number, number>
  /** pay only the first n instalments (default: all, which closes the loan) */
  payFirst?: number
}

/**
 * Pays the loan's instalments one by one (each on its due date + its lateness). Returns the repayment transaction
 * ids and dates.
 */
export async function repayInstalments(
  ta: TestApp,
  loan: SupportLoan,
  history: RepaymentHistory = {},
): Promise<{ transactionIds: number[]; paidOn: string[] }> {
  const n = history.payFirst ?? loan.dueDates.length
  const transactionIds: number[] = []
  const paidOn: string[] = []
  for (let k = 1; k <= n; k++) {
    const on = addDays(loan.dueDates[k - 1]!, history.lateDays?.[k] ?? 0)
    const res = expectStatus(
      await repay(ta, loan.loanId, loan.instalment, on),
      201,
      `repayment of instalment ${k} on ${on}`,
    )
    transactionIds.push(res.json().transactionId as number)
    paidOn.push(on)
  }
  return { transactionIds, paidOn }
}

/**
 * A support loan repaid instalment by instalment — on time unless `lateDays` says otherwise;
 * the loan closes on the last payment date when every instalment is paid.
 */
export async function repaidOnTime(
  ta: TestApp,
  opts: SupportLoanOptions & RepaymentHistory = {},
): Promise<SupportLoan & { transactionIds: number[]; paidOn: string[]; closedOn: string | null }> {
  const loan = await supportLoan(ta, opts)
  const paid = await repayInstalments(ta, loan, opts)
  const closes = paid.paidOn.length === loan.dueDates.length
  return { ...loan, ...paid, closedOn: closes ? paid.paidOn[paid.paidOn.length - 1]! : null }
}

export interface PovertyRecordView {
  id: number
  householdId: number
  status: string
  effectiveDate: string
  decisionNo: string
  revoked: boolean
}

/** POST /v1/households/{id}/poverty-status (no status check). */
export function postPovertyStatus(
  ta: TestApp,
  householdId: number,
  body: { status: PovertyStatus; effectiveDate: string; decisionNo?: string },
  who: KeyName = 'officerA',
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: `/v1/households/${householdId}/poverty-status`,
    payload: { decisionNo: unique('QD-EXIT'), ...body },
  })
}

/** Records a poverty-status decision (default: escaped = a poverty exit) and returns the record. */
export async function recordStatus(
  ta: TestApp,
  householdId: number,
  effectiveDate: string,
  status: PovertyStatus = 'escaped',
  who: KeyName = 'officerA',
): Promise<PovertyRecordView> {
  return expectStatus(
    await postPovertyStatus(ta, householdId, { status, effectiveDate }, who),
    201,
    `poverty status ${status} on ${effectiveDate}`,
  ).json() as PovertyRecordView
}

/** POST /v1/households/{id}/poverty-status/{recordId}/revoke (no status check). */
export function revokeRecord(
  ta: TestApp,
  householdId: number,
  recordId: number,
  reason = 'Recorded in error',
  who: KeyName = 'officerA',
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: `/v1/households/${householdId}/poverty-status/${recordId}/revoke`,
    payload: { reason },
  })
}

export interface SupportPaymentView {
  id: number
  householdId: number
  localPolicyCode: string
  loanId: number
  branchId: number
  amount: number
  status: string
  evidence: Record<string, unknown>
  createdOn: string
  approvedBy: number | null
  approvedOn: string | null
  paidBy: number | null
  paidOn: string | null
  payReference: string | null
  rejectedBy: number | null
  rejectionReason: string | null
  cancelledOn: string | null
  cancellationReason: string | null
  recovery?: { id: number; amount: number; reason: string; createdOn: string } | null
}

/** GET /v1/support-payments?householdId= (every page is one page here: few rows). */
export async function paymentsOf(
  ta: TestApp,
  householdId: number,
  who: KeyName = 'managerA',
): Promise<SupportPaymentView[]> {
  const res = expectStatus(
    await ta.as(who, { method: 'GET', url: `/v1/support-payments?householdId=${householdId}&limit=100` }),
    200,
    'list support payments',
  )
  return res.json().items as SupportPaymentView[]
}

/** GET /v1/support-payments/{id}. */
export async function getPayment(ta: TestApp, id: number, who: KeyName = 'managerA'): Promise<SupportPaymentView> {
  return expectStatus(
    await ta.as(who, { method: 'GET', url: `/v1/support-payments/${id}` }),
    200,
    `get support payment ${id}`,
  ).json() as SupportPaymentView
}

/** POST /v1/support-payments/{id}/{action} with an Idempotency-Key (fresh unless given; null = none). */
export function supportAction(
  ta: TestApp,
  who: KeyName,
  id: number,
  action: 'approve' | 'reject' | 'pay',
  payload?: object,
  key?: string | null,
): Promise<LightMyRequestResponse> {
  const k = key === undefined ? unique(`support-${action}`) : key
  return ta.as(who, {
    method: 'POST',
    url: `/v1/support-payments/${id}/${action}`,
    headers: k === null ? {} : { 'idempotency-key': k },
    ...(payload === undefined ? {} : { payload }),
  })
}

/** Rows of support_payments for the (household, policy) — straight from the database. */
export function paymentRows(
  app: FastifyInstance,
  householdId: number,
  policy = DANANG,
): { id: number; status: string; loanId: number; amount: number }[] {
  return app.sqlite
    .prepare(
      'SELECT id, status, loan_id AS loanId, amount FROM support_payments WHERE household_id = ? AND ' +
        'local_policy_code = ? ORDER BY id',
    )
    .all(householdId, policy) as never
}

/** The latest evaluation of the support rule for a loan (support_evaluations; no route exposes it). */
export function evaluationOf(
  app: FastifyInstance,
  loanId: number,
): { outcome: string; reason: string | null; evaluatedOn: string } | undefined {
  return app.sqlite
    .prepare('SELECT outcome, reason, evaluated_on AS evaluatedOn FROM support_evaluations WHERE loan_id = ?')
    .get(loanId) as never
}

/** Journal entries of a support payment, in posting order, with their lines. */
export function supportJournal(
  app: FastifyInstance,
  supportPaymentId: number,
): {
  kind: string
  valueDate: string
  lines: { account: string; debit: number; credit: number; fundingSource: string }[]
}[] {
  const entries = app.sqlite
    .prepare('SELECT id, kind, value_date AS valueDate FROM journal_entries WHERE support_payment_id = ? ORDER BY id')
    .all(supportPaymentId) as { id: number; kind: string; valueDate: string }[]
  const lines = app.sqlite.prepare(
    'SELECT account, debit, credit, funding_source AS fundingSource FROM journal_lines WHERE entry_id = ? ' +
      'ORDER BY account',
  )
  return entries.map((e) => ({ kind: e.kind, valueDate: e.valueDate, lines: lines.all(e.id) as never }))
}

export interface PolicyOptions {
  code?: string
  budget: number
  amount?: number
  exitWindowMonthsAfterClosure?: number
  requiresOnTimeRepayment?: boolean
  requiresPovertyExit?: boolean
}

/**
 * POST /v1/local-policies (admin): an interest-free POOR policy for Đà Nẵng with a support rule. Returns its code.
 */
export async function createSupportPolicy(ta: TestApp, opts: PolicyOptions): Promise<string> {
  const code = opts.code ?? unique('POL').replace(/-/g, '_').toUpperCase()
  expectStatus(
    await ta.as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: {
        code,
        name: `Test policy ${code}`,
        region: 'Đà Nẵng',
        programmeCode: 'POOR',
        borrowerRatePpm: 0,
        supportRule: {
          amount: opts.amount ?? SUPPORT_AMOUNT,
          requiresOnTimeRepayment: opts.requiresOnTimeRepayment ?? true,
          requiresPovertyExit: opts.requiresPovertyExit ?? true,
          exitWindowMonthsAfterClosure: opts.exitWindowMonthsAfterClosure ?? 12,
        },
        budget: opts.budget,
        effectiveFrom: '2000-01-01',
      },
    }),
    201,
    `create local policy ${code}`,
  )
  return code
}
