/**
 * Fixtures for collection sheets and sessions: named households, loans disbursed
 * on a chosen date, repayments and sessions over HTTP.
 */
import type { LightMyRequestResponse } from 'fastify'
import { nationalId, type KeyName, type TestApp } from './app.js'
import {
  OFFICER_OF,
  PARTNER_OF,
  disbursedLoan,
  expectStatus,
  povertyStatus,
  repay as repayLoan,
  unique,
  type GroupName,
} from './origination.js'

/** A poor household of `group` with the given head name and village. */
export async function namedHousehold(
  ta: TestApp,
  group: GroupName,
  headName: string,
  village = 'Thôn 1',
): Promise<{ id: number; nationalId: string }> {
  const id = nationalId()
  const res = expectStatus(
    await ta.as(PARTNER_OF[group], {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: id,
        headName,
        groupId: ta.world[group],
        area: 'rural',
        address: { commune: 'Hòa Bắc', village },
      },
    }),
    201,
    'create household',
  )
  const householdId = res.json().id as number
  // Poverty-status decisions are recorded by branch staff.
  await povertyStatus(ta, householdId, 'poor', '2020-01-01', OFFICER_OF[group])
  return { id: householdId, nationalId: id }
}

/**
 * A loan (POOR unless said) of `amount` over `termMonths` (principal monthly) disbursed on `disbursedOn`, for
 * `householdId`
 * (or a new household): applied 9 days, certified 7 days and approved 4 days before the disbursement (same month
 * for disbursement dates from the 10th on).
 */
export async function loanDisbursedOn(
  ta: TestApp,
  group: GroupName,
  disbursedOn: string,
  opts: { householdId?: number; amount?: number; termMonths?: number; programmeCode?: string } = {},
): Promise<number> {
  const month = disbursedOn.slice(0, 8)
  const day = Number(disbursedOn.slice(8, 10))
  const on = (d: number) => `${month}${String(Math.max(1, day - d)).padStart(2, '0')}`
  const loan = await disbursedLoan(ta, {
    group,
    programmeCode: opts.programmeCode,
    householdId: opts.householdId ?? (await namedHousehold(ta, group, 'Nguyễn Văn A')).id,
    amount: opts.amount ?? 12_000_000,
    termMonths: opts.termMonths ?? 12,
    principalPlan: { everyMonths: 1, graceMonths: 0 },
    applicationDate: on(9),
    certifiedOn: on(7),
    approvedOn: on(4),
    valueDate: disbursedOn,
  })
  return loan.loanId
}

/** POST /v1/loans/{id}/repayments by the group's officer (no status check). */
export function repay(
  ta: TestApp,
  loanId: number,
  amount: number,
  valueDate: string,
  who: KeyName = 'officerA',
): Promise<LightMyRequestResponse> {
  return repayLoan(ta, loanId, amount, valueDate, { who })
}

/** POST /v1/collection-sessions (no status check). */
export function postSession(
  ta: TestApp,
  body: unknown,
  who: KeyName = 'officerA',
  key = unique('session'),
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': key },
    payload: body as object,
  })
}
