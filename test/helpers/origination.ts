/**
 * Origination fixtures over HTTP (docs/rules.md §5): households with a poverty
 * status, applications, approved and disbursed loans. Every step goes through
 * the public API with the right role, and throws (with the response body) when
 * a step that should succeed does not, so a broken fixture fails loudly.
 */
import type { LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { nationalId, type KeyName, type TestApp } from './app.js'

export type GroupName = 'groupA' | 'groupA2' | 'groupB'
export type PovertyStatus = 'poor' | 'near_poor' | 'escaped' | 'none'
export type Area = 'urban' | 'rural'
export interface PrincipalPlan {
  everyMonths: 1 | 3 | 6 | 12
  graceMonths: number
}

/** The partner officer who registers households and submits for each group. */
export const PARTNER_OF: Record<GroupName, KeyName> = { groupA: 'partnerA', groupA2: 'partnerA2', groupB: 'partnerB' }
/** Branch staff of the group's branch (A for groupA/groupA2, B for groupB). */
export const OFFICER_OF: Record<GroupName, KeyName> = { groupA: 'officerA', groupA2: 'officerA', groupB: 'officerB' }
export const MANAGER_OF: Record<GroupName, KeyName> = { groupA: 'managerA', groupA2: 'managerA', groupB: 'managerB' }

let seq = 0
/** A partnerReference / idempotency key no other call in this process uses. */
export const unique = (prefix = 'REF') => `${prefix}-${process.pid}-${++seq}`

/** Throws unless the response has the expected status (fixtures only: tests assert themselves). */
export function expectStatus(res: LightMyRequestResponse, status: number, what: string): LightMyRequestResponse {
  if (res.statusCode !== status) throw new Error(`${what}: expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res
}

export interface HouseholdOptions {
  group?: GroupName
  /** the status recorded last (default 'poor'); null records nothing */
  status?: PovertyStatus | null
  /** effective date of that record (default 2020-01-01) */
  effectiveDate?: string
  area?: Area
  /** records made before the main one, e.g. [{ status: 'poor', effectiveDate: '2019-01-01' }] then escaped */
  history?: { status: PovertyStatus; effectiveDate: string }[]
}

/**
 * POST /v1/households by the group's partner officer, then its poverty-status decisions. Returns the household id.
 */
export async function householdWithStatus(ta: TestApp, opts: HouseholdOptions = {}): Promise<number> {
  const group = opts.group ?? 'groupA'
  const who = PARTNER_OF[group]
  const res = expectStatus(
    await ta.as(who, {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: nationalId(),
        headName: 'Nguyễn Văn A',
        groupId: ta.world[group],
        area: opts.area ?? 'rural',
        address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
      },
    }),
    201,
    'create household',
  )
  const id = res.json().id as number
  const records = [...(opts.history ?? [])]
  if (opts.status !== null)
    records.push({ status: opts.status ?? 'poor', effectiveDate: opts.effectiveDate ?? '2020-01-01' })
  // Poverty decisions are the commune's, recorded by branch staff (a partner officer may not).
  for (const r of records) await povertyStatus(ta, id, r.status, r.effectiveDate, OFFICER_OF[group])
  return id
}

/** POST /v1/households/{id}/poverty-status. */
export async function povertyStatus(
  ta: TestApp,
  householdId: number,
  status: PovertyStatus,
  effectiveDate: string,
  who: KeyName = 'officerA',
): Promise<void> {
  expectStatus(
    await ta.as(who, {
      method: 'POST',
      url: `/v1/households/${householdId}/poverty-status`,
      payload: { status, effectiveDate, decisionNo: unique('QD') },
    }),
    201,
    `poverty status ${status}`,
  )
}

export interface ApplicationBody {
  householdId: number
  programmeCode: string
  localPolicyCode?: string
  amount: number
  termMonths: number
  principalPlan?: PrincipalPlan
  purpose: string
  partnerReference: string
  applicationDate?: string
  /** docs/rules.md §15 */
  purposeCode?: string
  borrowerFacts?: Record<string, unknown>
}

/** A valid application body (POOR, 30,000,000 VND, 36 months, programme's default plan) with overrides. */
export function applicationBody(householdId: number, overrides: Partial<ApplicationBody> = {}): ApplicationBody {
  return {
    householdId,
    programmeCode: 'POOR',
    amount: 30_000_000,
    termMonths: 36,
    purpose: 'Raising cattle',
    partnerReference: unique(),
    ...overrides,
  }
}

/** POST /v1/applications (no status check). */
export function submit(
  ta: TestApp,
  who: KeyName,
  body: Partial<ApplicationBody> & { householdId: number },
): Promise<LightMyRequestResponse> {
  return ta.as(who, { method: 'POST', url: '/v1/applications', payload: body })
}

/** POST /v1/applications/{id}/{action} (no status check). */
export function act(
  ta: TestApp,
  who: KeyName,
  applicationId: number,
  action: 'certify' | 'approve' | 'reject' | 'withdraw',
  payload?: object,
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: `/v1/applications/${applicationId}/${action}`,
    ...(payload === undefined ? {} : { payload }),
  })
}

export const certifyBody = (certifiedOn: string) => ({ decisionNo: unique('UBND'), certifiedOn })

export interface LoanOptions
  extends HouseholdOptions, Partial<Omit<ApplicationBody, 'householdId' | 'purpose' | 'partnerReference'>> {
  /** use this household instead of creating one (its group must be `group`) */
  householdId?: number
  certifiedOn?: string
  approvedOn?: string
  certifier?: KeyName
  approver?: KeyName
}

export interface ApplicationFixture {
  householdId: number
  applicationId: number
  group: GroupName
}

/** A household (unless given) and a submitted application. Defaults: application date 2026-06-01. */
export async function submittedApplication(ta: TestApp, opts: LoanOptions = {}): Promise<ApplicationFixture> {
  const group = opts.group ?? 'groupA'
  const householdId = opts.householdId ?? (await householdWithStatus(ta, opts))
  const body = applicationBody(householdId, {
    programmeCode: opts.programmeCode ?? 'POOR',
    amount: opts.amount ?? 30_000_000,
    termMonths: opts.termMonths ?? 36,
    applicationDate: opts.applicationDate ?? '2026-06-01',
    ...(opts.principalPlan ? { principalPlan: opts.principalPlan } : {}),
    ...(opts.localPolicyCode ? { localPolicyCode: opts.localPolicyCode } : {}),
  })
  const res = expectStatus(await submit(ta, PARTNER_OF[group], body), 201, 'submit application')
  return { householdId, applicationId: res.json().id as number, group }
}

/** … then certified by the branch officer (default certifiedOn 2026-06-05). */
export async function certifiedApplication(ta: TestApp, opts: LoanOptions = {}): Promise<ApplicationFixture> {
  const a = await submittedApplication(ta, opts)
  expectStatus(
    await act(
      ta,
      opts.certifier ?? OFFICER_OF[a.group],
      a.applicationId,
      'certify',
      certifyBody(opts.certifiedOn ?? '2026-06-05'),
    ),
    200,
    'certify',
  )
  return a
}

/** … then approved by the branch manager (default approvedOn 2026-06-10): the loan exists, state 'approved'. */
export async function approvedLoan(
  ta: TestApp,
  opts: LoanOptions = {},
): Promise<ApplicationFixture & { loanId: number }> {
  const a = await certifiedApplication(ta, opts)
  const res = expectStatus(
    await act(ta, opts.approver ?? MANAGER_OF[a.group], a.applicationId, 'approve', {
      approvedOn: opts.approvedOn ?? '2026-06-10',
    }),
    200,
    'approve',
  )
  return { ...a, loanId: res.json().loanId as number }
}

/** POST /v1/loans/{id}/disbursements (no status check); a fresh Idempotency-Key unless given (null = none). */
export function disburse(
  ta: TestApp,
  loanId: number,
  body: { amount: number; valueDate: string; reference?: string },
  opts: { who?: KeyName; key?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const key = opts.key === undefined ? unique('disb') : opts.key
  return ta.as(opts.who ?? 'officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/disbursements`,
    headers: key === null ? {} : { 'idempotency-key': key },
    payload: body,
  })
}

/** An approved loan disbursed in full (default value date 2026-06-15) by the branch officer. */
export async function disbursedLoan(
  ta: TestApp,
  opts: LoanOptions & { valueDate?: string; disbursedAmount?: number } = {},
): Promise<ApplicationFixture & { loanId: number; transactionId: number }> {
  const loan = await approvedLoan(ta, opts)
  const res = expectStatus(
    await disburse(
      ta,
      loan.loanId,
      { amount: opts.disbursedAmount ?? opts.amount ?? 30_000_000, valueDate: opts.valueDate ?? '2026-06-15' },
      { who: OFFICER_OF[loan.group] },
    ),
    201,
    'disburse',
  )
  return { ...loan, transactionId: res.json().transactionId as number }
}

/**
 * The 12-month loan of the servicing tests: POOR (5500 ppm/month), 12,000,000 VND, principal every month
 * (12 × 1,000,000), transaction point A (session day 15), disbursed 2025-01-10 → instalment k due on the 15th
 * of the k-th month after January 2025 (2025-02-15, 2025-03-15, … 2026-01-15). Spread it and override a field
 * for a variant (`{ ...LOAN_12M, amount: 6_000_000 }`).
 */
export const LOAN_12M = {
  amount: 12_000_000,
  termMonths: 12,
  principalPlan: { everyMonths: 1 as const, graceMonths: 0 },
  applicationDate: '2025-01-02',
  certifiedOn: '2025-01-03',
  approvedOn: '2025-01-06',
  valueDate: '2025-01-10',
}

/**
 * POST /v1/loans/{id}/repayments (no status check), by the branch officer and a fresh Idempotency-Key unless given.
 */
export function repay(
  ta: TestApp,
  loanId: number,
  amount: number,
  valueDate: string,
  opts: { key?: string; who?: KeyName } = {},
): Promise<LightMyRequestResponse> {
  return ta.as(opts.who ?? 'officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    headers: { 'idempotency-key': opts.key ?? unique('pay') },
    payload: { amount, valueDate },
  })
}

/** A repayment that must succeed: asserts 201 and returns the body (transactionId, allocation, …). */
export async function paid(
  t: Test,
  ta: TestApp,
  loanId: number,
  amount: number,
  valueDate: string,
  opts: { key?: string; who?: KeyName } = {},
) {
  const res = await repay(ta, loanId, amount, valueDate, opts)
  t.equal(res.statusCode, 201, `repayment of ${amount} on ${valueDate} → 201`, {
    diagnostic: res.statusCode !== 201,
    body: res.body,
  })
  return res.json()
}
