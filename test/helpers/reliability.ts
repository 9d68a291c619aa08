/**
 * Fixtures and checks shared by the reliability tests (fuzzing from the contract,
 * the authorisation matrix): the operations listed by openapi/openapi.json, the RFC 9457
 * problem shape every 4xx must have, and entities of branch A / partner A in every state
 * the routes act on — each made through the public API by the right role.
 */
import { readFileSync } from 'node:fs'
import type { LightMyRequestResponse } from 'fastify'
import type { KeyName, TestApp } from './app.js'
import {
  approvedLoan,
  certifiedApplication,
  disbursedLoan,
  expectStatus,
  householdWithStatus,
  submittedApplication,
  unique,
  type GroupName,
} from './origination.js'
import { paymentsOf, recordStatus, repaidOnTime, repay, supportAction } from './support.js'
import { overdueLoan, proposeWriteOff, writeOffBody, writtenOffLoan } from './loan-controls.js'
import { memberHousehold, move, openSavings } from './savings.js'
import { postSession } from './collections.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { SYSTEM } from './app.js'

// ————————————————————————————————————————————— the contract

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  format?: string
  pattern?: string
  minimum?: number
  maximum?: number
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  additionalProperties?: boolean | JsonSchema
  description?: string
  default?: unknown
}

export interface OpenApiParameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  description?: string
  schema: JsonSchema
}

export interface Operation {
  /** e.g. "POST /v1/loans/{id}/repayments" (the key of the expected-status tables) */
  key: string
  method: string
  /** OpenAPI path with {param} placeholders */
  path: string
  pathParams: OpenApiParameter[]
  queryParams: OpenApiParameter[]
  /** 'required' when the header is documented as Required, 'optional' when accepted, 'none' otherwise */
  idempotency: 'required' | 'optional' | 'none'
  /** request body schemas by media type (none: the route takes no body) */
  body: Record<string, JsonSchema> | null
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      { parameters?: OpenApiParameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }
    >
  >
}

/** Every operation of an OpenAPI document (paths × methods). */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const params = op.parameters ?? []
      const idem = params.find((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key')
      const content = op.requestBody?.content
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        idempotency: !idem
          ? 'none'
          : /^required/i.test(idem.description ?? idem.schema?.description ?? '')
            ? 'required'
            : 'optional',
        body: content ? Object.fromEntries(Object.entries(content).map(([type, c]) => [type, c.schema])) : null,
      })
    }
  }
  return out
}

/** openapi/openapi.json as committed (regenerate with `npm run openapi`). */
export function contractOperations(): Operation[] {
  const file = new URL('../../openapi/openapi.json', import.meta.url)
  return operationsOf(JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument)
}

// ————————————————————————————————————————————— problem details

/**
 * Why the response is not a proper RFC 9457 problem (application/problem+json with
 * type, title, status = the HTTP status, detail and a machine code; no stack), or null.
 */
export function problemViolation(res: LightMyRequestResponse): string | null {
  const type = String(res.headers['content-type'] ?? '')
  if (!/^application\/problem\+json\b/.test(type)) return `content-type is "${type}", not application/problem+json`
  let body: Record<string, unknown>
  try {
    body = JSON.parse(res.body) as Record<string, unknown>
  } catch {
    return `body is not JSON: ${res.body.slice(0, 120)}`
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'body is not a JSON object'
  for (const member of ['type', 'title', 'detail', 'code'] as const) {
    if (typeof body[member] !== 'string' || (body[member] as string).length === 0)
      return `member "${member}" is missing or not a non-empty string`
  }
  if (body.status !== res.statusCode)
    return `member "status" is ${JSON.stringify(body.status)}, the HTTP status is ${res.statusCode}`
  if ('stack' in body) return 'the problem carries a stack trace'
  return null
}

// ————————————————————————————————————————————— entities

/** A support loan of 3 monthly instalments repaid on time, then a poverty exit: one payment pending approval. */
export async function pendingSupportPayment(
  ta: TestApp,
  group: GroupName = 'groupA',
): Promise<{ id: number; householdId: number; loanId: number }> {
  const loan = await repaidOnTime(ta, { termMonths: 3, group })
  await recordStatus(ta, loan.householdId, '2026-03-01', 'escaped', group === 'groupB' ? 'officerB' : 'officerA')
  const [payment] = await paymentsOf(ta, loan.householdId, 'admin')
  if (!payment || payment.status !== 'pending_approval')
    throw new Error(`fixture: no pending support payment for household ${loan.householdId}`)
  return { id: payment.id, householdId: loan.householdId, loanId: loan.loanId }
}

/** … approved by the branch manager (`approver`, default managerA). */
export async function approvedSupportPayment(ta: TestApp, approver: KeyName = 'managerA', group: GroupName = 'groupA') {
  const p = await pendingSupportPayment(ta, group)
  expectStatus(await supportAction(ta, approver, p.id, 'approve'), 200, 'approve support payment')
  return p
}

/** POST /v1/reconciliations by finance: an open, empty statement of point A on `date`. Returns its id. */
export async function openReconciliation(
  ta: TestApp,
  date: string,
  point: 'pointA' | 'pointB' = 'pointA',
  who: KeyName = 'finance',
): Promise<number> {
  const res = expectStatus(
    await ta.as(who, {
      method: 'POST',
      url: '/v1/reconciliations',
      headers: { 'idempotency-key': unique('recon') },
      payload: { transactionPointId: ta.world[point], date, lines: [] },
    }),
    201,
    `reconciliation of ${point} on ${date}`,
  )
  return res.json().id as number
}

/** POST /v1/households/{id}/poverty-status (a harmless 'poor' decision in the past). Returns the record id. */
export async function povertyRecord(ta: TestApp, householdId: number, who: KeyName = 'officerA'): Promise<number> {
  const res = expectStatus(
    await ta.as(who, {
      method: 'POST',
      url: `/v1/households/${householdId}/poverty-status`,
      payload: { status: 'poor', effectiveDate: '2019-06-01', decisionNo: unique('QD') },
    }),
    201,
    'poverty record',
  )
  return res.json().id as number
}

/** A repayment of `amount` on the business date by officerA. Returns the transaction id. */
export async function repayment(
  ta: TestApp,
  loanId: number,
  amount = 100_000,
  valueDate = '2026-06-30',
  who: KeyName = 'officerA',
): Promise<number> {
  return expectStatus(await repay(ta, loanId, amount, valueDate, { who }), 201, 'repayment').json()
    .transactionId as number
}

/** Entities in every state the routes act on (branch A / partner A unless named B). */
export interface ReliabilityWorld {
  householdA: number
  householdB: number
  povertyRecordA: number
  submittedApplicationA: number
  certifiedApplicationA: number
  applicationB: number
  approvedLoanA: number
  activeLoanA: number
  activeLoanB: number
  disbursementTxA: number
  repaymentTxA: number
  pendingSupportA: number
  approvedSupportA: number
  reconciliationA: number
  reconciliationB: number
  userId: number
  /**
   * an auditor no test key belongs to, with a key of its own: deactivated, reactivated and revoked by the fuzzing
   * without locking anyone out
   */
  spareUserId: number
  spareKeyId: string
  /**
   * an active loan whose principal is overdue (disbursed 2025-01-10, 12 monthly instalments): may be written off
   */
  overdueLoanA: number
  /** an overdue loan with a write-off proposal of managerA pending approval */
  writeOffPendingLoanA: number
  /** a loan written off on 2025-03-01 (proposed by managerA, approved by managerA2) */
  writtenOffLoanA: number
  /** savings accounts of a group A / group B household, each with 100,000,000 VND deposited */
  savingsA: number
  savingsB: number
  /** a withdrawal of 2,500,000 VND from savingsA above the approval threshold, proposed by officerA */
  pendingWithdrawalA: number
  /** collection sessions of group A at point A and of group B at point B */
  sessionA: number
  sessionB: number
}

export async function reliabilityWorld(ta: TestApp): Promise<ReliabilityWorld> {
  const householdA = await householdWithStatus(ta)
  const householdB = await householdWithStatus(ta, { group: 'groupB' })
  const povertyRecordA = await povertyRecord(ta, householdA)
  const submittedApplicationA = (await submittedApplication(ta)).applicationId
  const certifiedApplicationA = (await certifiedApplication(ta)).applicationId
  const applicationB = (await submittedApplication(ta, { group: 'groupB' })).applicationId
  const approvedLoanA = (await approvedLoan(ta)).loanId
  const active = await disbursedLoan(ta)
  const activeLoanB = (await disbursedLoan(ta, { group: 'groupB' })).loanId
  const repaymentTxA = await repayment(ta, active.loanId)
  const pendingSupportA = (await pendingSupportPayment(ta)).id
  const approvedSupportA = (await approvedSupportPayment(ta)).id
  const reconciliationA = await openReconciliation(ta, '2026-06-01')
  const reconciliationB = await openReconciliation(ta, '2026-06-01', 'pointB')
  const spare = spareUser(ta)
  const overdueLoanA = (await overdueLoan(ta)).loanId
  const writeOffPendingLoanA = await pendingWriteOff(ta)
  const writtenOffLoanA = (await writtenOffLoan(ta)).loanId
  const savingsA = await savingsAccount(ta)
  const savingsB = await savingsAccount(ta, 'groupB')
  const pendingWithdrawalA = await pendingWithdrawal(ta, savingsA)
  const sessionA = await collectionSession(ta, active.loanId)
  const sessionB = await collectionSession(ta, activeLoanB, 'groupB')
  return {
    householdA,
    householdB,
    povertyRecordA,
    submittedApplicationA,
    certifiedApplicationA,
    applicationB,
    approvedLoanA,
    activeLoanA: active.loanId,
    activeLoanB,
    disbursementTxA: active.transactionId,
    repaymentTxA,
    pendingSupportA,
    approvedSupportA,
    reconciliationA,
    reconciliationB,
    userId: ta.world.userIds.auditor,
    spareUserId: spare.userId,
    spareKeyId: spare.keyId,
    overdueLoanA,
    writeOffPendingLoanA,
    writtenOffLoanA,
    savingsA,
    savingsB,
    pendingWithdrawalA,
    sessionA,
    sessionB,
  }
}

/** An auditor made directly (no HTTP), with one API key. */
export function spareUser(ta: TestApp): { userId: number; keyId: string } {
  return ta.app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: unique('spare auditor'), role: 'auditor' })
    return { statusCode: 201, body: { userId: user.id, keyId: createApiKey(ctx, user.id, 'spare').id } }
  }, SYSTEM).body
}

/**
 * An overdue loan of group A (see test/helpers/loan-controls.ts) with a write-off proposed by `proposer`, pending
 * approval. Returns the loan id.
 */
export async function pendingWriteOff(ta: TestApp, proposer: KeyName = 'managerA'): Promise<number> {
  const { loanId } = await overdueLoan(ta)
  expectStatus(await proposeWriteOff(ta, proposer, loanId, writeOffBody()), 201, 'propose write-off')
  return loanId
}

/**
 * A member household of `group` with a savings account holding `deposit` VND (deposited on the business date by
 * branch staff). Returns the account id.
 */
export async function savingsAccount(ta: TestApp, group: GroupName = 'groupA', deposit = 100_000_000): Promise<number> {
  const householdId = await memberHousehold(ta, group)
  const accountId = await openSavings(ta, householdId, group === 'groupB' ? 'officerB' : 'officerA')
  if (deposit > 0)
    expectStatus(
      await move(ta, group === 'groupB' ? 'officerB' : 'officerA', accountId, 'deposits', {
        amount: deposit,
        valueDate: '2026-06-30',
      }),
      201,
      'savings deposit',
    )
  return accountId
}

/**
 * A withdrawal above the approval threshold (default 2,000,000 VND): pending approval, proposed by `proposer`.
 * Returns the withdrawal id.
 */
export async function pendingWithdrawal(
  ta: TestApp,
  accountId: number,
  proposer: KeyName = 'officerA',
  amount = 2_500_000,
): Promise<number> {
  const res = expectStatus(
    await move(ta, proposer, accountId, 'withdrawals', { amount, valueDate: '2026-06-30' }),
    201,
    'savings withdrawal',
  )
  const withdrawal = res.json().withdrawal as { id: number; status: string }
  if (withdrawal.status !== 'pending_approval')
    throw new Error(`fixture: withdrawal ${withdrawal.id} is ${withdrawal.status}, not pending_approval`)
  return withdrawal.id
}

/**
 * A collection session of the group at its point on the business date: 10,000 VND of principal on `loanId`. Returns
 * the session id.
 */
export async function collectionSession(
  ta: TestApp,
  loanId: number,
  group: 'groupA' | 'groupB' = 'groupA',
): Promise<number> {
  const point = group === 'groupB' ? ta.world.pointB : ta.world.pointA
  const res = expectStatus(
    await postSession(
      ta,
      {
        transactionPointId: point,
        groupId: ta.world[group],
        sessionDate: '2026-06-30',
        lines: [{ loanId, interest: 0, principal: 10_000, savings: 0 }],
      },
      group === 'groupB' ? 'officerB' : 'officerA',
    ),
    201,
    'collection session',
  )
  return res.json().id as number
}

/**
 * POST /v1/programmes (admin): a programme no loan uses, for rate versions that must not re-price live loans.
 * Returns its code.
 */
export async function loanlessProgramme(ta: TestApp, code: string): Promise<string> {
  expectStatus(
    await ta.as('admin', {
      method: 'POST',
      url: '/v1/programmes',
      payload: {
        code,
        name: `Test programme ${code}`,
        legalBasis: 'Test fixture',
        eligibleStatuses: ['poor'],
        eligibleAreas: 'any',
        maxAmount: 10_000_000,
        maxTermMonths: 12,
        fundingSource: 'central',
        defaultPrincipalPlan: { everyMonths: 1, graceMonths: 0 },
        rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5000 }],
      },
    }),
    201,
    `programme ${code}`,
  )
  return code
}
