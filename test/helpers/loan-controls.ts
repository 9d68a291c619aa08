/**
 * Fixtures for the loan lists, cancellation and write-off tests.
 *
 * The "overdue loan": POOR, 12,000,000 VND, 12 months, principal every month (12 × 1,000,000),
 * session day 15 (point A), disbursed 2025-01-10 → instalment k due 2025-02-15, 2025-03-15, …
 * On the test business date (2026-06-30) every instalment is overdue.
 */
import type { LightMyRequestResponse } from 'fastify'
import { nationalId, type KeyName, type TestApp } from './app.js'
import {
  approvedLoan,
  disbursedLoan,
  expectStatus,
  LOAN_12M,
  OFFICER_OF,
  PARTNER_OF,
  povertyStatus,
  unique,
  type GroupName,
  type LoanOptions,
} from './origination.js'

export const OVERDUE_LOAN = LOAN_12M

/** A household with this head's name (poor since 2020-01-01, recorded by the branch officer) in the group. */
export async function namedHousehold(
  ta: TestApp,
  headName: string,
  group: GroupName = 'groupA',
  status: 'poor' | 'near_poor' = 'poor',
): Promise<{ id: number; nationalId: string }> {
  const id12 = nationalId()
  const res = expectStatus(
    await ta.as(PARTNER_OF[group], {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: id12,
        headName,
        groupId: ta.world[group],
        area: 'rural',
        address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
      },
    }),
    201,
    'create household',
  )
  const id = res.json().id as number
  await povertyStatus(ta, id, status, '2020-01-01', OFFICER_OF[group])
  return { id, nationalId: id12 }
}

/** LoanOptions with a household made here (named, poverty status by branch staff) unless one is given. */
async function withHousehold(ta: TestApp, over: LoanOptions): Promise<LoanOptions> {
  if (over.householdId) return over
  const group = over.group ?? 'groupA'
  const { id } = await namedHousehold(
    ta,
    over.programmeCode === 'NEAR_POOR' ? 'Trần Thị Cận' : 'Nguyễn Văn A',
    group,
    over.programmeCode === 'NEAR_POOR' ? 'near_poor' : 'poor',
  )
  return { ...over, group, householdId: id }
}

/** An approved loan (not disbursed) of a new household; defaults as approvedLoan's. */
export async function approvedLoanOf(ta: TestApp, over: LoanOptions = {}) {
  return approvedLoan(ta, await withHousehold(ta, over))
}

/** A disbursed loan of a new household; defaults as disbursedLoan's (disbursed 2026-06-15). */
export async function disbursedLoanOf(ta: TestApp, over: LoanOptions & { valueDate?: string } = {}) {
  return disbursedLoan(ta, await withHousehold(ta, over))
}

/** The overdue loan (see above), with overrides. */
export async function overdueLoan(ta: TestApp, over: LoanOptions & { valueDate?: string } = {}) {
  return disbursedLoanOf(ta, { ...OVERDUE_LOAN, ...over })
}

export const writeOffBody = (over: Record<string, unknown> = {}) => ({
  decisionNo: unique('QD-XN'),
  cause: 'natural_disaster',
  causeDetail: 'Lũ quét cuốn trôi chuồng trại',
  ...over,
})

export function proposeWriteOff(
  ta: TestApp,
  who: KeyName,
  loanId: number,
  body: object = writeOffBody(),
): Promise<LightMyRequestResponse> {
  return ta.as(who, { method: 'POST', url: `/v1/loans/${loanId}/write-off`, payload: body })
}

export function decideWriteOff(
  ta: TestApp,
  who: KeyName,
  loanId: number,
  action: 'approve' | 'reject',
  body: object = action === 'reject' ? { reason: 'Hồ sơ chưa đủ' } : {},
): Promise<LightMyRequestResponse> {
  return ta.as(who, { method: 'POST', url: `/v1/loans/${loanId}/write-off/${action}`, payload: body })
}

/** An overdue loan written off on `valueDate` (proposed by managerA, approved by managerA2). */
export async function writtenOffLoan(ta: TestApp, valueDate = '2025-03-01', over: LoanOptions = {}) {
  const loan = await overdueLoan(ta, over)
  expectStatus(
    await proposeWriteOff(ta, 'managerA', loan.loanId, writeOffBody({ valueDate })),
    201,
    'propose write-off',
  )
  const approved = expectStatus(
    await decideWriteOff(ta, 'managerA2', loan.loanId, 'approve'),
    200,
    'approve write-off',
  ).json()
  return {
    ...loan,
    writeOffTransactionId: approved.transactionId as number,
    writtenOff: approved.writtenOff as { principal: number; interest: number },
  }
}

export function recover(
  ta: TestApp,
  who: KeyName,
  loanId: number,
  body: { amount: number; valueDate: string; reference?: string },
  key: string | null = unique('rec'),
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: `/v1/loans/${loanId}/recoveries`,
    headers: key === null ? {} : { 'idempotency-key': key },
    payload: body,
  })
}

/**
 * A disbursed loan (default: group A, 2026-06-15) with a `misused` inspection on the business date by the branch
 * officer (docs/rules.md §16), and a recall proposed on it by `proposer` when given.
 */
export async function misusedLoan(
  ta: TestApp,
  proposer?: KeyName,
  group: GroupName = 'groupA',
): Promise<{ loanId: number; inspectionId: number }> {
  const { loanId } = await disbursedLoan(ta, { group })
  const res = await ta.as(OFFICER_OF[group], {
    method: 'POST',
    url: '/v1/inspections',
    payload: { loanId, inspectedOn: '2026-06-30', finding: 'misused', evidence: 'Vốn vay dùng sai mục đích' },
  })
  const inspectionId = expectStatus(res, 201, 'inspection').json().id as number
  if (proposer)
    expectStatus(
      await ta.as(proposer, {
        method: 'POST',
        url: `/v1/loans/${loanId}/recall`,
        payload: { inspectionId, reason: 'Sử dụng vốn sai mục đích' },
      }),
      201,
      'recall proposal',
    )
  return { loanId, inspectionId }
}
