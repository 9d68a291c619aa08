/** Fixtures for members' savings tests. */
import type { LightMyRequestResponse } from 'fastify'
import type { KeyName, TestApp } from './app.js'
import {
  OFFICER_OF,
  disbursedLoan,
  expectStatus,
  householdWithStatus,
  povertyStatus,
  unique,
  type GroupName,
} from './origination.js'

/** A household of `group` (registered by its partner officer), without any poverty record. */
export function memberHousehold(ta: TestApp, group: GroupName = 'groupA'): Promise<number> {
  return householdWithStatus(ta, { group, status: null })
}

/** POST /v1/savings-accounts, expecting 201; returns the account id. */
export async function openSavings(
  ta: TestApp,
  householdId: number,
  who: KeyName = 'officerA',
  monthlyCommitment?: number,
): Promise<number> {
  const res = expectStatus(
    await ta.as(who, {
      method: 'POST',
      url: '/v1/savings-accounts',
      payload: { householdId, ...(monthlyCommitment === undefined ? {} : { monthlyCommitment }) },
    }),
    201,
    'open savings account',
  )
  return res.json().id as number
}

/** POST a deposit or withdrawal with a fresh Idempotency-Key unless one is given (null = none). */
export function move(
  ta: TestApp,
  who: KeyName,
  accountId: number,
  kind: 'deposits' | 'withdrawals',
  body: object,
  key: string | null = unique(kind),
): Promise<LightMyRequestResponse> {
  return ta.as(who, {
    method: 'POST',
    url: `/v1/savings-accounts/${accountId}/${kind}`,
    headers: key === null ? {} : { 'idempotency-key': key },
    payload: body,
  })
}

/** A disbursed POOR loan whose poverty record is made by branch staff (as the rules now require). */
export async function loanOfMember(
  ta: TestApp,
  group: GroupName = 'groupA',
  opts: { valueDate?: string } = {},
): Promise<{ householdId: number; loanId: number }> {
  const householdId = await memberHousehold(ta, group)
  await povertyStatus(ta, householdId, 'poor', '2020-01-01', OFFICER_OF[group])
  const loan = await disbursedLoan(ta, { householdId, group, ...(opts.valueDate ? { valueDate: opts.valueDate } : {}) })
  return { householdId, loanId: loan.loanId }
}
