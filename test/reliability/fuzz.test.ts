/**
 * Fuzzing from the contract.
 *
 * For EVERY operation of openapi/openapi.json (paths × methods) fast-check generates
 * requests from the operation's own schemas — valid-ish ones (real ids of a fixture,
 * plausible money and dates) and mutated ones: wrong types, missing required fields,
 * huge / negative / fractional numbers, impossible dates, unicode and control characters,
 * very long strings, extra fields, arrays for objects, malformed JSON, odd content types,
 * odd Idempotency-Keys, nonexistent and invalid path ids, hostile query strings — sent with
 * a credential allowed on the route. A deterministic sweep then sets every declared field
 * to one value of each hostile kind and drops every required field, and every POST gets an
 * oversized body (> 1 MiB → 413). For every response:
 *   - never a 5xx;
 *   - every 4xx is application/problem+json with type, title, status (= HTTP status), detail, code;
 *   - a rejected request changed nothing: row counts of every table equal before and after
 *     (each request carries a fresh Idempotency-Key, so the body is what is tested);
 *   - the invariant verifier passes after each operation (and at teardown).
 * FUZZ_SEED=<n> replays a run; FUZZ_RUNS=<n> changes the runs per operation; FUZZ_VERBOSE=1 prints
 * the statuses per operation; FUZZ_TRACE=<regex> prints every request of the operations it matches.
 */
import t, { type Test } from 'tap'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { SYSTEM, buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'
import { createTransactionPoint } from '../../src/modules/organisation/service.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { createSource } from '../../src/modules/funding/service.js'
import { approvedLoan, disbursedLoan, unique } from '../helpers/origination.js'
import { misusedLoan } from '../helpers/loan-controls.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import {
  contractOperations,
  loanlessProgramme,
  operationsOf,
  pendingWithdrawal,
  pendingWriteOff,
  repayment,
  problemViolation,
  reliabilityWorld,
  type JsonSchema,
  type Operation,
} from '../helpers/reliability.js'
import {
  ACCEPT_HEADERS,
  BAD_DATES,
  CONTENT_TYPES,
  IDEMPOTENCY_KEYS,
  dateArb,
  MALFORMED_JSON,
  RAW_NUMBERS,
  deleteAt,
  nastyTextArb,
  nastyValueArb,
  pathsOf,
  schemaPathsOf,
  setAt,
  validArb,
  validTextArb,
  type Hints,
} from '../helpers/contract-fuzz.js'

// Every operation of the contract, with fixtures of its own: minutes on a loaded CI machine, past tap's default.
t.setTimeout(900_000)

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_630)
const RUNS = Number(process.env.FUZZ_RUNS ?? 20)
const TRACE = process.env.FUZZ_TRACE ? new RegExp(process.env.FUZZ_TRACE) : null

const ta = await buildTestApp(t)
const { app, world } = ta
const W = await reliabilityWorld(ta)
/** Rate versions are fuzzed on a programme no loan uses: see the rate-version bug below. */
const RATES_PROGRAMME = await loanlessProgramme(ta, 'FUZZ_RATES')
/** A funding source of its own (docs/rules.md §12): capital fuzzed onto it leaves the seeded sources alone. */
const FUZZ_FUND = app.commands.runNow(
  (ctx) => ({ statusCode: 201, body: createSource(ctx, { code: 'fuzz_fund', name: 'Nguồn vốn thử', kind: 'local' }) }),
  SYSTEM,
).body.code
const operations = contractOperations()
/**
 * Entities of their own for operations that an earlier operation's fuzzing would use up: a second pending write-off
 * and
 * withdrawal (approve is fuzzed before reject), an approved loan to cancel (the disbursements' fuzzing disburses
 * W's) and a
 * second active loan of group A for the sessions (W.overdueLoanA is written off by then).
 */
const OWN = {
  writeOffToReject: await pendingWriteOff(ta),
  withdrawalToReject: await pendingWithdrawal(ta, W.savingsA),
  loanToCancel: (await approvedLoan(ta)).loanId,
  sessionLoan: (await disbursedLoan(ta)).loanId,
}
/**
 * Recalls (docs/rules.md §16): a loan with a misuse finding to propose on, and two pending proposals (managerA's)
 * to approve and to reject; an inspection of branch B for the reads.
 */
const RECALLS = {
  misused: await misusedLoan(ta),
  toApprove: (await misusedLoan(ta, 'managerA')).loanId,
  toReject: (await misusedLoan(ta, 'managerA')).loanId,
  inspectionB: (await misusedLoan(ta, undefined, 'groupB')).inspectionId,
}
/**
 * The poverty review and relief decisions act on a point of branch A without loans, so that applying a fuzzed
 * decision changes no loan the other operations use; a draft review and a proposed (managerA) and an applied
 * decision.
 */
const RELIEF_POINT = app.commands.runNow(
  (ctx) => ({
    statusCode: 201,
    body: createTransactionPoint(ctx, {
      code: 'TP-FUZZ-RELIEF',
      name: 'Relief point',
      branchId: world.branchA,
      commune: 'Hòa Ninh',
      sessionDay: 12,
    }).id,
  }),
  SYSTEM,
).body
const reliefBody = (decisionNo: string) => ({
  decisionNo,
  cause: 'Bão số 3',
  kind: 'freeze',
  transactionPointIds: [RELIEF_POINT],
  months: 3,
})
const proposeRelief = async () =>
  (await ta.as('managerA', { method: 'POST', url: '/v1/relief-decisions', payload: reliefBody(unique('QD')) })).json()
    .id as number
const REVIEWS = {
  draft: (
    await ta.as('officerA', {
      method: 'POST',
      url: '/v1/poverty-reviews',
      payload: { transactionPointId: world.pointA, year: 2026, lines: [] },
    })
  ).json().id as number,
  reliefProposed: await proposeRelief(),
  reliefApplied: await proposeRelief(),
}
await ta.as('managerA2', {
  method: 'POST',
  url: `/v1/relief-decisions/${REVIEWS.reliefApplied}/approve`,
  headers: { 'idempotency-key': unique('relief') },
})

/** An open designation of a village of point A (docs/rules.md §14). */
const DESIGNATION_A = Number(
  ta.app.sqlite
    .prepare(
      'INSERT INTO area_designations (transaction_point_id, village, designation, effective_from, decision_no, ' +
        "created_by) VALUES (?, 'Thôn 9', 'remote', '2026-01-01', 'QD-FUZZ', 0)",
    )
    .run(world.pointA).lastInsertRowid,
)

/**
 * Supervision findings (docs/rules.md §22): the world has no supervisor, so one of branch A's province is added to
 * the world's keys here; a finding of its on branch A's district for the reads and answers.
 */
const SUPERVISOR = 'supervisorA' as KeyName
const SUPERVISION = (() => {
  const office = (sql: string, id: number) => ta.app.sqlite.prepare(sql).pluck().get(id) as number
  const districtA = office('SELECT office_id FROM branches WHERE id = ?', world.branchA)
  const provinceA = office('SELECT parent_id FROM offices WHERE id = ?', districtA)
  const districtB = office('SELECT office_id FROM branches WHERE id = ?', world.branchB)
  const communeA = office('SELECT place_id FROM transaction_points WHERE id = ?', world.pointA)
  const villageA = office('SELECT place_id FROM groups WHERE id = ?', world.groupA)
  world.keys[SUPERVISOR] = app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: 'Giám sát viên', role: 'supervisor', officeId: provinceA })
    return { statusCode: 201, body: createApiKey(ctx, user.id, 'fuzz').key }
  }, SYSTEM).body
  return { districtA, provinceA, districtB, communeA, villageA }
})()
const FINDING_A = (
  await ta.app.inject({
    method: 'POST',
    url: '/v1/supervision-findings',
    headers: { authorization: `Bearer ${world.keys[SUPERVISOR]}` },
    payload: {
      date: '2026-06-30',
      officeId: SUPERVISION.districtA,
      finding: 'Chưa niêm yết danh sách hộ vay',
      followUp: 'Niêm yết trước phiên sau',
      supervisingBody: 'fatherland_front',
    },
  })
).json().id as number
/** A contract of partner B in 2030 (docs/rules.md §23): the end operation acts on it. */
const CONTRACT_B = Number(
  ta.app.sqlite
    .prepare(
      'INSERT INTO entrustment_contracts (partner_id, contract_no, signed_on, effective_from, office_id, ' +
        "entrustment_fee_rate_ppm, group_commission_rate_ppm, created_by) SELECT id, 'HĐ-FUZZ', '2026-06-01', " +
        "'2030-01-01', office_id, 500, 85000, 0 FROM partners WHERE id = ?",
    )
    .run(world.partnerB).lastInsertRowid,
)

// ————————————————————————————————————————————— who sends what

/** A key allowed on the route (default admin); several where the scope matters. */
const ACTORS: Record<string, KeyName[]> = {
  'GET /v1/audit': ['admin', 'auditor'],
  'GET /v1/users': ['admin', 'auditor'],
  'GET /v1/ledger/trial-balance': ['admin', 'finance', 'auditor'],
  'GET /v1/ledger/entries': ['admin', 'finance', 'auditor'],
  'GET /v1/reports/partner-fees': ['admin', 'finance', 'auditor'],
  'GET /v1/fee-rates': ['admin', 'finance', 'auditor'],
  // Funding sources (docs/rules.md §12): never partner officers; finance posts capital.
  'GET /v1/funding-sources': ['admin', 'finance', 'officerA', 'auditor'],
  'GET /v1/funding-sources/{code}': ['admin', 'finance', 'officerA', 'auditor'],
  'GET /v1/funding-sources/{code}/capital': ['admin', 'finance', 'officerA', 'auditor'],
  'GET /v1/reports/funding-sources': ['admin', 'finance', 'officerA', 'auditor'],
  'POST /v1/funding-sources/{code}/capital': ['finance', 'admin'],
  'GET /v1/reconciliations': ['admin', 'finance', 'officerA', 'managerB'],
  'GET /v1/reconciliations/{id}': ['admin', 'finance', 'officerA', 'managerB'],
  'POST /v1/households': ['admin', 'partnerA', 'officerA'],
  'POST /v1/households/{id}/poverty-status': ['admin', 'officerA', 'managerA'],
  'POST /v1/households/{id}/poverty-status/{recordId}/revoke': ['admin', 'officerA', 'managerA'],
  'POST /v1/households/{id}/changes': ['admin', 'officerA', 'managerA'],
  'POST /v1/applications': ['partnerA', 'officerA', 'admin'],
  'POST /v1/applications/{id}/certify': ['officerA', 'admin'],
  'POST /v1/applications/{id}/approve': ['managerA', 'managerA2'],
  'POST /v1/applications/{id}/reject': ['admin', 'officerA', 'managerA'],
  'POST /v1/applications/{id}/withdraw': ['admin', 'partnerA', 'officerA'],
  'POST /v1/loans/{id}/disbursements': ['officerA', 'managerA'],
  'POST /v1/loans/{id}/repayments': ['officerA', 'managerA'],
  'POST /v1/loans/{id}/transactions/{txId}/reverse': ['officerA', 'managerA'],
  'POST /v1/loans/{id}/extensions': ['managerA'],
  'POST /v1/loans/{id}/freeze': ['managerA'],
  'POST /v1/loans/{id}/cancel': ['managerA', 'admin'],
  'POST /v1/loans/{id}/write-off': ['managerA', 'managerA2'],
  // The pending proposal is managerA's: the second person is admin or managerA2 (managerA is refused with
  // FOUR_EYES).
  'POST /v1/loans/{id}/write-off/approve': ['admin', 'managerA2', 'managerA'],
  'POST /v1/loans/{id}/write-off/reject': ['admin', 'managerA2', 'managerA'],
  'POST /v1/loans/{id}/recoveries': ['officerA', 'managerA'],
  'POST /v1/inspections': ['officerA', 'partnerA', 'admin'],
  'POST /v1/loans/{id}/recall': ['officerA', 'managerA'],
  // The pending proposals are managerA's: the second person is admin or managerA2 (managerA: FOUR_EYES).
  'POST /v1/loans/{id}/recall/approve': ['admin', 'managerA2', 'managerA'],
  'POST /v1/loans/{id}/recall/reject': ['admin', 'managerA2', 'managerA'],
  'POST /v1/savings-accounts': ['admin', 'officerA', 'partnerA'],
  'POST /v1/savings-accounts/{id}/commitment': ['admin', 'officerA', 'partnerA'],
  'POST /v1/savings-accounts/{id}/deposits': ['officerA', 'managerA'],
  'POST /v1/savings-accounts/{id}/withdrawals': ['officerA', 'managerA'],
  // The pending withdrawal is officerA's: every approver here is a second person.
  'POST /v1/savings-accounts/{id}/withdrawals/{withdrawalId}/approve': ['managerA', 'admin'],
  'POST /v1/savings-accounts/{id}/withdrawals/{withdrawalId}/reject': ['managerA', 'admin'],
  'POST /v1/collection-sessions': ['officerA', 'managerA'],
  'POST /v1/support-payments/{id}/approve': ['managerA'],
  'POST /v1/support-payments/{id}/reject': ['managerA'],
  'POST /v1/support-payments/{id}/pay': ['finance', 'finance2'],
  'POST /v1/reconciliations': ['finance'],
  'POST /v1/reconciliations/{id}/close': ['finance'],
  // Signing in is public (the key sent along is ignored); the session's own routes answer 404 to any key.
  'POST /v1/session': ['admin', 'partnerA'],
  'GET /v1/session': ['admin', 'auditor'],
  'DELETE /v1/session': ['admin', 'officerA'],
  'POST /v1/session/password': ['admin', 'partnerA'],
  'POST /v1/users/{id}/password': ['admin'],
  'POST /v1/poverty-reviews': ['officerA', 'managerA', 'admin'],
  'POST /v1/poverty-reviews/{id}/apply': ['officerA', 'managerA', 'admin'],
  'GET /v1/poverty-reviews': ['admin', 'officerA', 'officerB', 'auditor'],
  'GET /v1/poverty-reviews/{id}': ['admin', 'officerA', 'officerB', 'auditor'],
  'GET /v1/reports/poverty-movements': ['admin', 'officerA', 'officerB', 'auditor'],
  'POST /v1/relief-decisions': ['managerA', 'managerB'],
  'GET /v1/relief-decisions': ['admin', 'officerA', 'officerB', 'auditor'],
  'GET /v1/relief-decisions/{id}': ['admin', 'officerA', 'officerB', 'auditor'],
  // The proposals are managerA's: the second person is admin or managerA2 (managerA is refused with FOUR_EYES).
  'POST /v1/relief-decisions/{id}/approve': ['admin', 'managerA2', 'managerA'],
  'POST /v1/relief-decisions/{id}/resume': ['admin', 'managerA2'],
  'POST /v1/relief-decisions/{id}/reject': ['admin', 'managerA2', 'managerA'],
  'POST /v1/partner-fees/accruals': ['finance', 'finance2'],
  'POST /v1/partner-fees/payments': ['finance', 'finance2'],
  'GET /v1/partner-fees/accruals': ['admin', 'finance', 'auditor'],
  'GET /v1/partner-fees/payments': ['admin', 'finance', 'auditor'],
  'GET /v1/partner-fees/payable': ['admin', 'finance', 'auditor'],
  'POST /v1/area-designations': ['managerA', 'managerB', 'admin'],
  'POST /v1/area-designations/{id}/end': ['managerA', 'admin'],
  'GET /v1/area-designations': ['admin', 'officerA', 'officerB', 'auditor'],
  'GET /v1/area-designations/{id}': ['admin', 'officerA', 'officerB', 'auditor'],
  'POST /v1/supervision-findings': [SUPERVISOR],
  'POST /v1/supervision-findings/{id}/answer': ['officerA', 'managerA', 'admin'],
  'GET /v1/supervision-findings': ['admin', 'officerA', 'officerB', SUPERVISOR, 'auditor'],
  'GET /v1/supervision-findings/{id}': ['admin', 'officerA', 'officerB', SUPERVISOR, 'auditor'],
}
/** What a refused request of an operation may still write: a failed sign-in (401) is audited, by design. */
const WRITES_WHEN_REFUSED: Record<string, { status: number; tables: string[] }> = {
  'POST /v1/session': { status: 401, tables: ['audit_log'] },
}
/** Reads open to every role: sent by roles of every scope. */
const READER_KEYS: KeyName[] = ['admin', 'officerA', 'partnerA', 'officerB', 'auditor']

function actorsOf(op: Operation): KeyName[] {
  return ACTORS[op.key] ?? (op.method === 'GET' && !/^\/(health|ready)$/.test(op.path) ? READER_KEYS : ['admin'])
}

// ————————————————————————————————————————————— values

const hints: Hints = {
  householdId: fc.constantFrom(W.householdA, W.householdB),
  loanId: fc.constantFrom(W.activeLoanA, W.approvedLoanA, W.activeLoanB),
  groupId: fc.constantFrom(world.groupA, world.groupA2, world.groupB),
  transactionPointId: fc.constantFrom(world.pointA, world.pointB),
  partnerId: fc.constantFrom(world.partnerA, world.partnerA2, world.partnerB),
  branchId: fc.constantFrom(world.branchA, world.branchB),
  programmeCode: fc.constantFrom('POOR', 'NEAR_POOR', 'HOUSING', 'WATER_SANITATION'),
  localPolicyCode: fc.constantFrom('DANANG_INTEREST_FREE'),
  nationalId: fc.constant(null).map(() => nationalId()),
  termMonths: fc.constantFrom(3, 12, 36),
  instalmentNumber: fc.integer({ min: 1, max: 6 }),
  month: fc.constantFrom('2026-05', '2026-04', '2026-06', '2025-12', '2026-07'),
  entity: fc.constantFrom(
    'loan',
    'application',
    'household',
    'support_payment',
    'savings_account',
    'savings_withdrawal',
    'user',
  ),
  policyCode: fc.constantFrom('DANANG_INTEREST_FREE', 'NO_SUCH_POLICY'),
  withdrawalApprovalThreshold: fc.constantFrom(2_000_000, 1_000_000, 5_000_000),
  sessionDate: fc.constantFrom('2026-06-30', '2026-06-15', '2026-05-15'),
  cursor: fc.constantFrom('1', '2', '10'),
  limit: fc.integer({ min: 1, max: 10 }),
  inspectionId: fc.constant(RECALLS.misused.inspectionId),
  inspectedOn: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('2026-06-30', '2026-06-20') },
    { weight: 1, arbitrary: dateArb },
  ),
  // Money moves dated on or just before the business date (2026-06-30), and now and then any date.
  valueDate: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('2026-06-30', '2026-06-29', '2026-06-25') },
    { weight: 1, arbitrary: dateArb },
  ),
}

/** Hints for one operation only (over the shared ones). */
const OP_HINTS: Record<string, Hints> = {
  // The timeline's cursor is "<effective date>.<record id>", not an id.
  'GET /v1/households/{id}/poverty-status': {
    cursor: fc.constantFrom('2019-06-01.1', '2020-01-01.0', '2026-06-30.999'),
  },
  // docs/rules.md §24: restrictions to real nodes (the head office, branch A's district, point A's commune) or not.
  'GET /v1/reports/roll-up': {
    officeId: fc.constantFrom(
      ...(ta.app.sqlite.prepare("SELECT id FROM offices WHERE code IN ('HO', 'BR-A')").pluck().all() as number[]),
      999_999,
    ),
    placeId: fc.constantFrom(
      ...(ta.app.sqlite
        .prepare('SELECT place_id FROM transaction_points WHERE id = ?')
        .pluck()
        .all(world.pointA) as number[]),
      999_999,
    ),
    asOf: fc.constantFrom('2026-06-30', '2026-06-01', '2025-12-31'),
    from: fc.constantFrom('2026-06-01', '2026-01-01'),
    to: fc.constantFrom('2026-06-30', '2026-05-31'),
  },
  // The area of a finding: offices and places of the supervisor's province, and of another province.
  'POST /v1/supervision-findings': {
    officeId: fc.constantFrom(SUPERVISION.districtA, SUPERVISION.provinceA, SUPERVISION.districtB),
    placeId: fc.constantFrom(SUPERVISION.communeA, SUPERVISION.villageA),
    date: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('2026-06-30', '2026-06-01') },
      { weight: 1, arbitrary: dateArb },
    ),
  },
}
const hintsOf = (op: Operation): Hints => ({ ...hints, ...OP_HINTS[op.key] })

/**
 * Bodies whose fields depend on each other (a group at its own point, lines of its own loans), besides the
 * schema-derived ones.
 */
const OP_BODIES: Record<string, () => fc.Arbitrary<unknown>> = {
  // A point without loans (applying the decision changes no other operation's loan) or another branch's.
  'POST /v1/relief-decisions': () =>
    fc.record({
      decisionNo: fc.constant(null).map(() => unique('QD')),
      cause: fc.constantFrom('Bão số 3', 'Dịch bệnh'),
      kind: fc.constantFrom('freeze', 'extension'),
      transactionPointIds: fc.constantFrom([RELIEF_POINT], [world.pointB]),
      months: fc.integer({ min: 1, max: 24 }),
    }),
  'POST /v1/collection-sessions': () =>
    fc.record({
      transactionPointId: fc.constant(world.pointA),
      groupId: fc.constant(world.groupA),
      sessionDate: fc.constantFrom('2026-06-30', '2026-06-29'),
      lines: fc.subarray([W.activeLoanA, OWN.sessionLoan], { minLength: 1 }).chain((loans) =>
        fc.tuple(
          ...loans.map((loanId) =>
            fc.record({
              loanId: fc.constant(loanId),
              interest: fc.constantFrom(0, 1_000),
              principal: fc.constantFrom(10_000, 100_000),
              savings: fc.constantFrom(0, 5_000),
            }),
          ),
        ),
      ),
    }),
}

/** A valid-ish body of the operation: the realistic one (when there is one) or one derived from the schema. */
function bodyArb(op: Operation): fc.Arbitrary<unknown> {
  const schema = jsonSchemaOf(op)
  if (!schema) return fc.constant(undefined)
  const derived = validArb(schema, hintsOf(op))
  const real = OP_BODIES[op.key]
  return real ? fc.oneof({ weight: 3, arbitrary: real() }, { weight: 1, arbitrary: derived }) : derived
}

const NONEXISTENT = [999_999, 2_147_483_647]
/** Text sent as is, not percent-encoded (broken encodings). */
const RAW = '\u0001raw:'
const INVALID_IDS = [
  '0',
  '-1',
  '2147483648',
  '1.5',
  'abc',
  '٣',
  '%00',
  ' 1',
  '9007199254740993',
  '1e300',
  'null',
  '-0',
  'x'.repeat(3000),
  '١٢',
  '0x10',
  `${RAW}%E0%A4%A`,
  `${RAW}%zz`,
  `${RAW}%`,
]

/** Loans in the state each loan operation acts on (the first is the sweep's). */
const LOANS_FOR: Record<string, () => number[]> = {
  'POST /v1/loans/{id}/cancel': () => [OWN.loanToCancel, W.approvedLoanA, W.activeLoanA],
  'POST /v1/loans/{id}/write-off': () => [W.overdueLoanA, W.activeLoanA, W.activeLoanB],
  'POST /v1/loans/{id}/write-off/approve': () => [W.writeOffPendingLoanA, W.overdueLoanA],
  'POST /v1/loans/{id}/write-off/reject': () => [OWN.writeOffToReject, W.overdueLoanA],
  'GET /v1/loans/{id}/write-off-proposals': () => [W.writeOffPendingLoanA, W.writtenOffLoanA, W.activeLoanB],
  'POST /v1/loans/{id}/recoveries': () => [W.writtenOffLoanA, W.activeLoanA],
  'POST /v1/loans/{id}/recall': () => [RECALLS.misused.loanId, W.activeLoanA, W.activeLoanB],
  'POST /v1/loans/{id}/recall/approve': () => [RECALLS.toApprove, W.activeLoanA],
  'POST /v1/loans/{id}/recall/reject': () => [RECALLS.toReject, W.activeLoanA],
  'GET /v1/loans/{id}/recall-proposals': () => [RECALLS.toApprove, W.activeLoanB],
}

function realValues(op: Operation, param: string): (string | number)[] {
  // docs/rules.md §15: a programme's purpose (the sweep may retire a seeded one: nothing else here names it).
  if (op.path.startsWith('/v1/purposes/'))
    return param === 'programmeCode' ? ['POOR', 'WATER_SANITATION'] : ['livestock', 'sanitation']
  if (op.path.startsWith('/v1/funding-sources/'))
    return op.method === 'POST' ? [FUZZ_FUND] : [FUZZ_FUND, 'central', 'local_budget']
  if (param === 'code')
    return op.key === 'POST /v1/programmes/{code}/rates' ? [RATES_PROGRAMME] : ['POOR', 'HOUSING', RATES_PROGRAMME]
  if (param === 'recordId') return [W.povertyRecordA]
  if (param === 'txId') return [W.repaymentTxA, W.disbursementTxA]
  if (param === 'keyId') return [W.spareKeyId]
  if (param === 'withdrawalId') return [op.key.endsWith('/reject') ? OWN.withdrawalToReject : W.pendingWithdrawalA]
  switch (op.path.split('/')[2]) {
    // Never the keys the fuzzing sends with: the users operations act on a spare user.
    case 'users':
      return [W.spareUserId]
    case 'households':
      return [W.householdA, W.householdB]
    case 'applications':
      return [W.submittedApplicationA, W.certifiedApplicationA, W.applicationB]
    case 'loans':
      return LOANS_FOR[op.key]?.() ?? [W.activeLoanA, W.approvedLoanA, W.activeLoanB, W.writtenOffLoanA]
    case 'support-payments':
      return [W.pendingSupportA, W.approvedSupportA]
    case 'reconciliations':
      return [W.reconciliationA, W.reconciliationB]
    case 'transaction-points':
      return [world.pointA, world.pointB]
    case 'collection-sessions':
      return [W.sessionA, W.sessionB]
    case 'poverty-reviews':
      return [REVIEWS.draft]
    case 'offices':
      // docs/rules.md §20: the head office and branch A's district office.
      return ta.app.sqlite
        .prepare("SELECT id FROM offices WHERE level = 'head_office' OR code = 'BR-A'")
        .pluck()
        .all() as number[]
    case 'relief-decisions':
      return [REVIEWS.reliefProposed, REVIEWS.reliefApplied]
    case 'inspections':
      return [RECALLS.misused.inspectionId, RECALLS.inspectionB]
    case 'area-designations':
      return [DESIGNATION_A]
    case 'supervision-findings':
      return [FINDING_A]
    case 'entrustment-contracts':
      return [CONTRACT_B]
    case 'savings-accounts':
      return param === 'id' && op.path.includes('{withdrawalId}') ? [W.savingsA] : [W.savingsA, W.savingsB]
    default:
      throw new Error(`fixture: no ids for {${param}} of ${op.key}; add them to realValues()`)
  }
}
const nonexistentValues = (param: string): (string | number)[] =>
  param === 'code' ? ['NO_SUCH_PROGRAMME', 'ZZ'] : param === 'keyId' ? ['000000000000', 'ffffffffffff'] : NONEXISTENT
const invalidValues = (param: string): string[] =>
  param === 'code'
    ? ['x'.repeat(41), 'x'.repeat(101), '٣', '\u0000', "'; DROP TABLE programmes; --", '%', `${RAW}%E0%A4%A`]
    : param === 'keyId'
      ? [
          '',
          'ABCDEF012345',
          '0'.repeat(11),
          '0'.repeat(13),
          'g'.repeat(12),
          '%00'.repeat(12),
          'x'.repeat(3000),
          `${RAW}%zz`,
        ]
      : INVALID_IDS

// ————————————————————————————————————————————— requests

interface FuzzRequest {
  kind: string
  who: KeyName
  path: Record<string, string | number>
  query: [string, string][]
  /** JSON value to send (serialised), unless rawBody is given */
  body?: unknown
  rawBody?: string
  contentType?: string
  /** 'fresh' = a new key per request, 'none' = no header, or this exact value */
  idempotency: 'fresh' | 'none' | string
  accept?: string
}

const jsonSchemaOf = (op: Operation): JsonSchema | undefined => op.body?.['application/json']

function baseArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const path: Record<string, fc.Arbitrary<string | number>> = {}
  for (const p of op.pathParams) path[p.name] = fc.constantFrom(...realValues(op, p.name))
  const queryModel: Record<string, fc.Arbitrary<string>> = {}
  for (const q of op.queryParams) queryModel[q.name] = validTextArb(q.schema, hintsOf(op), q.name)
  const required = op.queryParams.filter((q) => q.required).map((q) => q.name)
  return fc
    .record({
      who: fc.constantFrom(...actorsOf(op)),
      path: fc.record(path),
      query: fc.record(queryModel, { requiredKeys: required }).map((q) => Object.entries(q) as [string, string][]),
      body: bodyArb(op),
      idempotency:
        op.idempotency === 'none'
          ? fc.constant('none')
          : op.idempotency === 'required'
            ? fc.constant('fresh')
            : fc.constantFrom('fresh', 'none'),
    })
    .map((r) => ({ kind: 'valid-ish', ...r }))
}

/** A CSV statement (reconciliations): header variants and hostile cells. */
const csvArb = fc
  .tuple(
    fc.constantFrom(
      'loanId,amount,reference',
      'loanId,amount',
      'amount,loanId',
      '',
      'LOANID,AMOUNT',
      '\ufeffloanId,amount,reference',
      'loanId;amount',
      'loanId,amount,reference,extra',
    ),
    fc.array(
      fc.tuple(
        fc.oneof(fc.constantFrom(W.activeLoanA, W.activeLoanB, 999_999).map(String), nastyTextArb),
        fc.oneof(fc.constantFrom('0', '100000', '1000000'), nastyTextArb),
        fc.oneof(fc.constant(''), fc.constantFrom('=1+1', '"quoted, cell"', '"unterminated'), nastyTextArb),
      ),
      { maxLength: 5 },
    ),
    fc.constantFrom('\r\n', '\n', '\r'),
  )
  .map(([header, lines, nl]) => [header, ...lines.map((cells) => cells.join(','))].join(nl))

function requestArb(op: Operation): fc.Arbitrary<FuzzRequest> {
  const base = baseArb(op)
  const hasBody = op.method !== 'GET'
  const arbs: fc.WeightedArbitrary<FuzzRequest>[] = [{ weight: 3, arbitrary: base }]
  if (hasBody) {
    arbs.push(
      // one field (declared, present or not, or the whole body) set to a hostile value
      {
        weight: 5,
        arbitrary: fc.tuple(base, fc.nat(), nastyValueArb).map(([r, i, v]) => {
          const paths = [[], ...pathsOf(r.body), ...schemaPathsOf(jsonSchemaOf(op))]
          const p = paths[i % paths.length]!
          return { ...r, kind: `set ${p.join('.') || '(body)'}`, body: setAt(r.body ?? {}, p, v) }
        }),
      },
      // a field dropped
      {
        weight: 2,
        arbitrary: fc.tuple(base, fc.nat()).map(([r, i]) => {
          const paths = pathsOf(r.body)
          if (paths.length === 0) return { ...r, kind: 'drop (empty body)', body: {} }
          const p = paths[i % paths.length]!
          return { ...r, kind: `drop ${p.join('.')}`, body: deleteAt(r.body, p) }
        }),
      },
      // extra fields, incl. ones that look privileged (mass assignment)
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            base,
            fc.dictionary(
              fc.constantFrom(
                'id',
                'status',
                'role',
                'branchId',
                'approvedBy',
                'createdAt',
                'isAdmin',
                'extra',
                'ünïcode',
                '',
              ),
              nastyValueArb,
              { minKeys: 1, maxKeys: 3 },
            ),
          )
          .map(([r, extra]) => ({
            ...r,
            kind: 'extra fields',
            body:
              r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body) ? { ...extra, ...r.body } : extra,
          })),
      },
      // arrays where objects are expected
      { weight: 1, arbitrary: base.map((r) => ({ ...r, kind: 'array for object', body: [r.body ?? {}] })) },
      // number literals JSON.stringify never writes
      {
        weight: 1,
        arbitrary: fc.tuple(base, fc.nat(), fc.constantFrom(...RAW_NUMBERS)).map(([r, i, literal]) => {
          const paths = [...pathsOf(r.body), ...schemaPathsOf(jsonSchemaOf(op))]
          const p = paths.length ? paths[i % paths.length]! : ['n']
          const marker = '"\u0001RAW\u0001"'
          return {
            ...r,
            kind: `raw number ${literal} at ${p.join('.')}`,
            rawBody: JSON.stringify(setAt(r.body ?? {}, p, '\u0001RAW\u0001')).replace(marker, literal),
          }
        }),
      },
      // not JSON at all (or JSON that is not an object), or truncated
      {
        weight: 1,
        arbitrary: fc
          .oneof(
            fc.constantFrom(...MALFORMED_JSON),
            fc.tuple(base, fc.nat()).map(([r, n]) => {
              const s = JSON.stringify(r.body ?? {})
              return s.slice(0, n % Math.max(1, s.length))
            }),
          )
          .chain((raw) => base.map((r) => ({ ...r, kind: 'malformed JSON', rawBody: raw }))),
      },
      // odd content types
      {
        weight: 1,
        arbitrary: fc
          .tuple(base, fc.constantFrom(...CONTENT_TYPES))
          .map(([r, type]) => ({ ...r, kind: `content-type ${type}`, contentType: type })),
      },
    )
    if (op.idempotency !== 'none') {
      arbs.push({
        weight: 1,
        arbitrary: fc
          .tuple(base, fc.constantFrom(...IDEMPOTENCY_KEYS, 'none'))
          .map(([r, key]) => ({ ...r, kind: `idempotency-key ${JSON.stringify(key.slice(0, 12))}`, idempotency: key })),
      })
    }
    if (op.body?.['text/csv']) {
      arbs.push({
        weight: 4,
        arbitrary: fc
          .tuple(
            base,
            csvArb,
            fc.option(fc.oneof(fc.constantFrom(world.pointA, world.pointB).map(String), nastyTextArb)),
            fc.option(
              fc.oneof(fc.constantFrom('2026-06-20', '2026-06-30', '2026-07-01'), fc.constantFrom(...BAD_DATES)),
            ),
          )
          .map(([r, csv, point, date]) => ({
            ...r,
            kind: 'csv statement',
            rawBody: csv,
            contentType: 'text/csv',
            query: [
              ...(point === null ? [] : [['transactionPointId', point] as [string, string]]),
              ...(date === null ? [] : [['date', date] as [string, string]]),
            ],
          })),
      })
    }
  } else {
    arbs.push({
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...ACCEPT_HEADERS))
        .map(([r, accept]) => ({ ...r, kind: `accept ${accept}`, accept })),
    })
  }
  if (op.pathParams.length > 0) {
    arbs.push({
      weight: 3,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...op.pathParams.map((p) => p.name)), fc.boolean(), fc.nat())
        .map(([r, name, missing, i]) => {
          const pool = missing ? nonexistentValues(name) : invalidValues(name)
          return {
            ...r,
            kind: `${missing ? 'nonexistent' : 'invalid'} {${name}}`,
            path: { ...r.path, [name]: pool[i % pool.length]! },
          }
        }),
    })
  }
  // hostile query strings: a declared parameter, an undeclared one, or a repeated one
  arbs.push({
    weight: op.queryParams.length > 0 ? 4 : 1,
    arbitrary: fc
      .tuple(
        base,
        fc.constantFrom(...op.queryParams.map((q) => q.name), 'undeclared', '__proto__'),
        nastyTextArb,
        fc.boolean(),
      )
      .map(([r, name, value, repeat]) => ({
        ...r,
        kind: `query ${name}${repeat ? ' (repeated)' : ''}`,
        query: [
          ...r.query.filter(([k]) => k !== name),
          [name, value],
          ...(repeat ? [[name, '1'] as [string, string]] : []),
        ],
      })),
  })
  return fc.oneof(...arbs)
}

// ————————————————————————————————————————————— sending and checking

let fuzzed = 0

interface Findings {
  server: string[]
  problem: string[]
  router: string[]
  changed: string[]
  notFound: string[]
  oversized: string[]
  statuses: Record<number, number>
}
const newFindings = (): Findings => ({
  server: [],
  problem: [],
  router: [],
  changed: [],
  notFound: [],
  oversized: [],
  statuses: {},
})

/**
 * The router's own answers: a path parameter too long (414) or badly percent-encoded (400); problem+json since
 * src/platform/errors.ts frameworkErrors.
 */
const isRouterError = (res: LightMyRequestResponse) =>
  res.statusCode === 414 || /"code":"FST_ERR_(BAD_URL|MAX_PARAM_LENGTH)"/.test(res.body)

const cut = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s)

/** Percent-encodes text; a lone surrogate (not UTF-8 encodable) becomes its WTF-8 bytes; RAW text goes as is. */
function encode(value: string | number): string {
  const s = String(value)
  if (s.startsWith(RAW)) return s.slice(RAW.length)
  try {
    return encodeURIComponent(s)
  } catch {
    return [...s]
      .map((ch) => {
        const c = ch.charCodeAt(0)
        if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff)
          return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        return encodeURIComponent(ch)
      })
      .join('')
  }
}

function urlOf(op: Operation, r: FuzzRequest): string {
  const qs = r.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encode(r.path[name]!))
  return path + (qs ? `?${qs}` : '')
}

interface Sent {
  res: LightMyRequestResponse
  changed: string | null
  describe: string
}

async function send(op: Operation, r: FuzzRequest): Promise<Sent> {
  const headers: Record<string, string> = { authorization: `Bearer ${world.keys[r.who]}` }
  const payload = r.rawBody ?? (r.body === undefined ? undefined : JSON.stringify(r.body))
  if (payload !== undefined) headers['content-type'] = r.contentType ?? 'application/json'
  else if (r.contentType) headers['content-type'] = r.contentType
  if (r.idempotency === 'fresh') headers['idempotency-key'] = unique('fuzz')
  else if (r.idempotency !== 'none') headers['idempotency-key'] = r.idempotency
  if (r.accept) headers.accept = r.accept
  const url = urlOf(op, r)
  const before = rowCounts(app)
  const res = await app.inject({
    method: op.method as 'GET',
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  })
  fuzzed++
  const after = rowCounts(app)
  const allowed = WRITES_WHEN_REFUSED[op.key]?.status === res.statusCode ? WRITES_WHEN_REFUSED[op.key]!.tables : []
  const diff = Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k] && !allowed.includes(k))
    .map((k) => `${k} ${before[k]}→${after[k]}`)
  const describe =
    `[${r.kind}] ${op.method} ${cut(url, 120)} as ${r.who}${payload === undefined ? '' : ` body=${cut(payload)}`} ` +
    `→ ${res.statusCode} ${cut(res.body, 200)}`
  if (TRACE?.test(op.key)) console.error(describe)
  return { res, changed: diff.length ? diff.join(', ') : null, describe }
}

function check(f: Findings, sent: Sent): void {
  const { res } = sent
  f.statuses[res.statusCode] = (f.statuses[res.statusCode] ?? 0) + 1
  if (res.statusCode >= 500) f.server.push(sent.describe)
  if (res.statusCode >= 400 && res.statusCode < 500) {
    const why = problemViolation(res)
    if (why) (isRouterError(res) ? f.router : f.problem).push(`${why}: ${sent.describe}`)
  }
  if (res.statusCode >= 400 && sent.changed) f.changed.push(`${sent.changed}: ${sent.describe}`)
}

/** One schema-valid body for the sweep (the same for every field of the operation). */
function sampleBody(op: Operation, seed: number): unknown {
  return fc.sample(bodyArb(op), { numRuns: 1, seed })[0]
}

/** One representative per hostile kind named in the issue, for the field sweep. */
const SWEEP_VALUES: [string, unknown][] = [
  ['wrong type (string)', 'text'],
  ['wrong type (number)', 123],
  ['null', null],
  ['wrong type (boolean)', true],
  ['array', [1]],
  ['object', { a: 1 }],
  ['huge 1e300', 1e300],
  ['2^53+1', 2 ** 53 + 1],
  ['negative', -1],
  ['fraction 0.5', 0.5],
  ['fraction 1e-9', 1e-9],
  ['2025-02-30', '2025-02-30'],
  ['2025-13-01', '2025-13-01'],
  ['2025-1-1', '2025-1-1'],
  ['empty string', ''],
  ['control and unicode', '\u0000\u0007\u202e🙂 Nguyễn'],
  ['lone surrogate', '\ud800'],
  ['10,000 chars', 'ǅ'.repeat(10_000)],
]

function report(t: Test, op: Operation, f: Findings, requests: number) {
  if (process.env.FUZZ_VERBOSE)
    t.comment(
      `statuses: ${Object.entries(f.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    )
  const show = (list: string[]) => ({ count: list.length, first: list.slice(0, 3) })
  t.equal(f.server.length, 0, `${op.key}: never a 5xx (${requests} requests)`, show(f.server))
  t.equal(
    f.problem.length,
    0,
    `${op.key}: every 4xx is application/problem+json with type, title, status, detail and code`,
    show(f.problem),
  )
  if (op.pathParams.length > 0)
    t.equal(
      f.router.length,
      0,
      `${op.key}: a path parameter too long (414) or badly encoded (400) is problem+json too`,
      show(f.router),
    )
  t.equal(
    f.changed.length,
    0,
    `${op.key}: a rejected request changes nothing (row counts of every table)`,
    show(f.changed),
  )
  if (op.pathParams.length > 0)
    t.equal(f.notFound.length, 0, `${op.key}: a nonexistent id is 404 NOT_FOUND`, show(f.notFound))
  if (op.method !== 'GET')
    t.equal(f.oversized.length, 0, `${op.key}: a body over 1 MiB is 413 PAYLOAD_TOO_LARGE`, show(f.oversized))
  const v = verifyInvariants(app.sqlite)
  t.ok(v.ok, `${op.key}: the invariant verifier passes after fuzzing`, { failures: v.failures.slice(0, 5) })
}

// ————————————————————————————————————————————— the tests

t.test('the contract file lists every operation the app serves (regenerate with npm run openapi)', async (t) => {
  const live = operationsOf(app.swagger() as never)
    .map((o) => o.key)
    .sort()
  t.same(operations.map((o) => o.key).sort(), live, 'openapi/openapi.json = the live OpenAPI document')
  t.ok(operations.length >= 60, `${operations.length} operations`)
})

await t.test(
  'a rate version dated in the past is refused: it would re-price interest already charged and posted',
  async (t) => {
    // The fuzzing below adds rate versions to a programme no loan uses (FUZZ_RATES); here it is POOR,
    // with a loan disbursed on 2026-06-15 and repaid on 2026-06-30. A version dated before the business
    // date would re-price interest already charged and posted, so it is refused (docs/rules.md §2).
    const loan = await disbursedLoan(ta)
    await repayment(ta, loan.loanId, 500_000)
    const before = rowCounts(app)
    const res = await ta.as('admin', {
      method: 'POST',
      url: '/v1/programmes/POOR/rates',
      payload: { effectiveFrom: '2026-06-16', monthlyRatePpm: 1000 },
    })
    fuzzed++
    t.equal(res.statusCode, 422, 'refused', { body: res.body })
    t.equal(res.json().code, 'RATE_DATE_NOT_FUTURE')
    t.same(rowCounts(app), before, 'nothing changed')
    t.ok(verifyInvariants(app.sqlite).ok, 'the invariant verifier passes')
  },
)

await t.test(
  'former 5xx cases (month before year 100, an amount whose interest overflows) are 4xx problems',
  async (t) => {
    const month = await ta.as('auditor', { method: 'GET', url: '/v1/reports/partner-fees?month=0091-12' })
    const preview = await ta.as('admin', {
      method: 'POST',
      url: '/v1/schedules/preview',
      payload: {
        amount: 9_007_199_254_740_949,
        termMonths: 236,
        principalPlan: { everyMonths: 1, graceMonths: 149 },
        monthlyRatePpm: 1_000_000,
        disbursementDate: '2026-06-30',
        sessionDay: 15,
      },
    })
    // The largest amount allowed (10^15 VND) at 100 % a month over 20 years: the interest leaves the safe-integer
    // range.
    const capped = await ta.as('admin', {
      method: 'POST',
      url: '/v1/schedules/preview',
      payload: {
        amount: 1_000_000_000_000_000,
        termMonths: 240,
        principalPlan: { everyMonths: 1, graceMonths: 0 },
        monthlyRatePpm: 1_000_000,
        disbursementDate: '2026-06-30',
        sessionDay: 15,
      },
    })
    fuzzed += 3
    for (const [res, op] of [
      [month, 'GET /v1/reports/partner-fees'],
      [preview, 'POST /v1/schedules/preview'],
      [capped, 'POST /v1/schedules/preview'],
    ] as const) {
      t.ok(res.statusCode >= 400 && res.statusCode < 500, `${op}: a 4xx problem, not ${res.statusCode}`, {
        body: res.body.slice(0, 200),
      })
      t.notOk(problemViolation(res), `${op}: problem+json`)
    }
  },
)

t.comment(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${RUNS} generated requests per operation`)
const started = Date.now()

for (const [index, op] of operations.entries()) {
  await t.test(op.key, async (t) => {
    const f = newFindings()
    const startCount = fuzzed

    // 1. generated requests
    await fc.assert(
      fc.asyncProperty(requestArb(op), async (r) => {
        const sent = await send(op, r)
        check(f, sent)
        return true
      }),
      { numRuns: RUNS, seed: SEED + index, endOnFailure: true },
    )

    const body = sampleBody(op, SEED + index)
    const who = actorsOf(op)[0]!
    const baseRequest = (): FuzzRequest => {
      const path: Record<string, string | number> = {}
      for (const p of op.pathParams) path[p.name] = realValues(op, p.name)[0]!
      const query = op.queryParams
        .filter((q) => q.required)
        .map(
          (q) =>
            [q.name, fc.sample(validTextArb(q.schema, hintsOf(op), q.name), { numRuns: 1, seed: SEED })[0]!] as [
              string,
              string,
            ],
        )
      return { kind: 'sweep', who, path, query, body, idempotency: op.idempotency === 'none' ? 'none' : 'fresh' }
    }

    // 2. the sweep: every declared field × every hostile kind, and every required field dropped
    if (body !== undefined) {
      const schema = jsonSchemaOf(op)
      for (const p of schemaPathsOf(schema)) {
        for (const [kind, value] of SWEEP_VALUES)
          check(
            f,
            await send(op, { ...baseRequest(), kind: `sweep ${p.join('.')} = ${kind}`, body: setAt(body, p, value) }),
          )
      }
      for (const p of pathsOf(body))
        check(f, await send(op, { ...baseRequest(), kind: `sweep drop ${p.join('.')}`, body: deleteAt(body, p) }))
      check(f, await send(op, { ...baseRequest(), kind: 'sweep array body', body: [body] }))
    }

    // 3. nonexistent ids: 404, whatever the role (existence must not leak either way)
    for (const p of op.pathParams) {
      for (const missing of nonexistentValues(p.name)) {
        const sent = await send(op, {
          ...baseRequest(),
          kind: `nonexistent {${p.name}}`,
          path: { ...baseRequest().path, [p.name]: missing },
        })
        check(f, sent)
        // A body the schema refuses is a 400 before any lookup; anything else must be 404.
        if (
          sent.res.statusCode !== 404 &&
          !(sent.res.statusCode === 400 && sent.res.json().code === 'VALIDATION_ERROR' && body !== undefined)
        )
          f.notFound.push(sent.describe)
        else if (sent.res.statusCode === 404 && sent.res.json().code !== 'NOT_FOUND') f.notFound.push(sent.describe)
      }
    }

    // 4. path parameters the router refuses itself: too long, badly percent-encoded
    for (const p of op.pathParams) {
      for (const value of ['9'.repeat(101), `${RAW}%E0%A4%A`])
        check(
          f,
          await send(op, {
            ...baseRequest(),
            kind: `router {${p.name}}`,
            path: { ...baseRequest().path, [p.name]: value },
          }),
        )
    }

    // 5. an oversized body (> 1 MiB): 413 before anything is parsed
    if (op.method !== 'GET') {
      for (const contentType of Object.keys(op.body ?? { 'application/json': {} })) {
        const pad = 'a'.repeat(1_048_577)
        const rawBody =
          contentType === 'text/csv'
            ? `loanId,amount,reference\r\n1,1,${pad}`
            : JSON.stringify({ ...((body ?? {}) as object), pad })
        const sent = await send(op, {
          ...baseRequest(),
          kind: `oversized ${contentType}`,
          rawBody,
          contentType,
          query:
            contentType === 'text/csv'
              ? [
                  ['transactionPointId', String(world.pointA)],
                  ['date', '2026-06-20'],
                ]
              : baseRequest().query,
        })
        check(f, sent)
        if (sent.res.statusCode !== 413 || sent.res.json().code !== 'PAYLOAD_TOO_LARGE') f.oversized.push(sent.describe)
      }
    }

    report(t, op, f, fuzzed - startCount)
  })
}

t.test('totals', async (t) => {
  t.comment(
    `requests fuzzed: ${fuzzed} over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} ` +
      `s (seed ${SEED})`,
  )
  t.ok(fuzzed >= operations.length * RUNS, `${fuzzed} requests fuzzed`)
})
