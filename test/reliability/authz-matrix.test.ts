/**
 * The authorisation matrix (docs/api.md).
 *
 * One table over every operation of openapi/openapi.json × every caller: no key, an unknown
 * key, and one key per role and scope (branch A / branch B staff, partner A / partner A2 /
 * partner B officers, finance, auditor, admin). The entities are of branch A / partner A
 * (a few rows repeat a route with an entity of branch B, to show the scope is symmetric).
 *
 * The expected statuses are written out below as data, derived from the routes' `config.auth`
 * (src/modules/<module>/routes.ts, src/platform/routes.ts READERS) and the services' scope
 * checks — NOT computed from them, so a change that loosens (or tightens) a route fails here:
 *   401 no key or an unknown key (public routes: 200);
 *   403 a role the route does not declare;
 *   404 a role that may call the route but the entity is outside its branch / partner
 *       (existence must not leak); 403 where the service says FORBIDDEN instead (creating a
 *       household or an application for another scope's group: the target is named in the body);
 *       422 REFERENCE_NOT_FOUND for a savings account opened for another scope's household
 *       (named in the body; answered as for a household that does not exist);
 *   2xx the caller may — each such cell acts on an entity made for it, in the right state.
 * Every 4xx is problem+json and changes nothing (row counts of every table).
 * Then four eyes: an application cannot be approved by its certifier (403 FOUR_EYES), a
 * support payment cannot be paid by its approver (approve = branch_manager, pay = finance:
 * the approver's own key gets 403 on /pay), a write-off is not approved by its proposer and a
 * savings withdrawal above the approval threshold is not approved by its proposer (FOUR_EYES).
 * Last, the lists answer only what is in the caller's scope.
 */
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'
import {
  applicationBody,
  approvedLoan,
  certifiedApplication,
  certifyBody,
  disbursedLoan,
  expectStatus,
  householdWithStatus,
  submittedApplication,
  unique,
} from '../helpers/origination.js'
import { supportAction } from '../helpers/support.js'
import { createApiKey, createUser, deactivateUser } from '../../src/modules/users/service.js'
import { SYSTEM } from '../helpers/app.js'
import { createTransactionPoint } from '../../src/modules/organisation/service.js'
import { createSource } from '../../src/modules/funding/service.js'
import {
  approvedSupportPayment,
  contractOperations,
  loanlessProgramme,
  openReconciliation,
  pendingSupportPayment,
  pendingWithdrawal,
  pendingWriteOff,
  povertyRecord,
  problemViolation,
  reliabilityWorld,
  repayment,
} from '../helpers/reliability.js'
import { decideWriteOff, misusedLoan, overdueLoan, writeOffBody } from '../helpers/loan-controls.js'
import { memberHousehold, move } from '../helpers/savings.js'
import { newUsername, userWithPassword } from '../helpers/session.js'
import { postJournal } from '../../src/modules/ledger/journal.js'

// Every operation of the contract, with fixtures of its own: minutes on a loaded CI machine, past tap's default.
t.setTimeout(900_000)

const ta = await buildTestApp(t)
const { app, world } = ta
const W = await reliabilityWorld(ta)
const RATES_PROGRAMME = await loanlessProgramme(ta, 'AUTHZ_RATES')
const BUSINESS_DATE = '2026-06-30'

// ————————————————————————————————————————————— callers

const CALLERS = [
  'none',
  'bogus',
  'admin',
  'officerA',
  'managerA',
  'managerA2',
  'officerB',
  'managerB',
  'partnerA',
  'partnerA2',
  'partnerB',
  'finance',
  'finance2',
  'auditor',
] as const
type Caller = (typeof CALLERS)[number]
/** A well-formed key no user has. */
const BOGUS_KEY = `pc_${'0'.repeat(12)}_${'A'.repeat(32)}`

function send(who: Caller, opts: InjectOptions): Promise<LightMyRequestResponse> {
  if (who === 'none') return app.inject(opts)
  if (who === 'bogus')
    return app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${BOGUS_KEY}` } })
  return ta.as(who as KeyName, opts)
}

// ————————————————————————————————————————————— the expected table

type Row = Record<Caller, number>
/**
 * Expected status per caller, in CALLERS order: none bogus admin officerA managerA managerA2 officerB managerB
 * partnerA partnerA2 partnerB finance finance2 auditor
 */
function row(...statuses: number[]): Row {
  if (statuses.length !== CALLERS.length)
    throw new Error(`a row needs ${CALLERS.length} statuses, got ${statuses.length}`)
  return Object.fromEntries(CALLERS.map((c, i) => [c, statuses[i]!])) as Row
}
const U = 401
const F = 403
const N = 404

interface Target {
  /** the operation, as in openapi/openapi.json */
  op: string
  /** a variant of the operation (e.g. an entity of branch B) */
  variant?: string
  expect: Row
  /** the request; `fresh` = the cell expects success: make it its own entity in the right state */
  request: (fresh: boolean, who: Caller) => Promise<InjectOptions> | InjectOptions
}

let dateSeq = 0
/** A date no other cell of this file uses (for versions and reconciliations that must be unique). */
const uniqueDate = (base: string) => {
  const d = new Date(`${base}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + dateSeq++)
  return d.toISOString().slice(0, 10)
}
const code = (prefix: string) => unique(prefix).replace(/-/g, '_').toUpperCase()
const idem = () => ({ 'idempotency-key': unique('authz') })

const get = (url: string) => (): InjectOptions => ({ method: 'GET', url })
const post = (url: string, payload?: object, headers: Record<string, string> = {}): InjectOptions => ({
  method: 'POST',
  url,
  headers,
  ...(payload === undefined ? {} : { payload }),
})
const put = (url: string, payload: object): InjectOptions => ({ method: 'PUT', url, payload })

//                                    none bogus admin offA manA manA2 offB manB parA parA2 parB  fin  fin2 aud
const PUBLIC = /*          */ row(200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
const ANY_ROLE = /*        */ row(U, U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200)
const ADMIN_AUDITOR = /*   */ row(U, U, 200, F, F, F, F, F, F, F, F, F, F, 200)
const FINANCE_READ = /*    */ row(U, U, 200, F, F, F, F, F, F, F, F, 200, 200, 200)
const ADMIN_CREATES = /*   */ row(U, U, 201, F, F, F, F, F, F, F, F, F, F, F)
/** GET of an entity of branch A / partner A: other branch and other partner get 404. */
const READ_A = /*          */ row(U, U, 200, 200, 200, 200, N, N, 200, N, N, 200, 200, 200)
/** GET of an entity of branch B / partner B. */
const READ_B = /*          */ row(U, U, 200, N, N, N, 200, 200, N, N, 200, 200, 200, 200)
/** Posting money on a loan of branch A: branch staff of A only (admin and finance do not post). */
const BRANCH_POSTS_A = /*  */ row(U, U, F, 201, 201, 201, N, N, F, F, F, F, F, F)
/** The current session's routes called with a key: every role may call them, but a key has no session. */
const NO_SESSION = /*      */ row(U, U, N, N, N, N, N, N, N, N, N, N, N, N)
/** Admin-only actions that answer 200. */
const ADMIN_OK = /*        */ row(U, U, 200, F, F, F, F, F, F, F, F, F, F, F)
/** A user of its own for each cell (deactivated first when `deactivated`). */
function freshUser(deactivated = false): number {
  return app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: unique('authz user'), role: 'auditor' })
    if (deactivated) deactivateUser(ctx, user.id, 'authz')
    return { statusCode: 201, body: user.id }
  }, SYSTEM).body
}
function freshKey(): { id: string; userId: number } {
  const userId = freshUser()
  return app.commands.runNow((ctx) => ({ statusCode: 201, body: createApiKey(ctx, userId, 'authz') }), SYSTEM).body
}
/** Risk decisions on a loan of branch A: branch managers of A only. */
const MANAGER_DECIDES_A = row(U, U, F, F, 201, 201, F, N, F, F, F, F, F, F)
/**
 * Recorded by the branch (admin or branch staff of A), never by a partner officer: poverty decisions, household
 * changes.
 */
const BRANCH_RECORDS_A = row(U, U, 201, 201, 201, 201, N, N, F, F, F, F, F, F)
/**
 * The second person of four eyes on something of branch A: admin or a branch manager of A (not the proposer: each
 * cell's entity is proposed by someone else).
 */
const SECOND_PERSON_A = row(U, U, 200, F, 200, 200, F, N, F, F, F, F, F, F)
/** The manager who proposes the write-off a caller decides on: never the caller (four eyes). */
const otherManager = (who: Caller): KeyName => (who === 'managerA' ? 'managerA2' : 'managerA')
/** Branch staff of both branches and the roles that read everything; never a partner officer. */
const BRANCH_AND_READERS = row(U, U, 200, 200, 200, 200, 200, 200, F, F, F, 200, 200, 200)
/** An open designation of a village of point A (a fresh one per cell that ends it). */
function designationA(): number {
  return Number(
    app.sqlite
      .prepare(
        'INSERT INTO area_designations (transaction_point_id, village, designation, effective_from, decision_no, ' +
          "created_by) VALUES (?, ?, 'remote', '2026-01-01', ?, 0)",
      )
      .run(world.pointA, unique('Thôn'), unique('QD')).lastInsertRowid,
  )
}
const DESIGNATION_A = designationA()
/** A funding source of its own (docs/rules.md §12): the capital cells post to it leave the seeded sources alone. */
const FUND = app.commands.runNow(
  (ctx) => ({ statusCode: 201, body: createSource(ctx, { code: 'authz_fund', name: 'Nguồn vốn thử', kind: 'local' }) }),
  SYSTEM,
).body.code
/** Capital is posted by finance or admin. */
const FINANCE_POSTS = /*   */ row(U, U, 201, F, F, F, F, F, F, F, F, 201, 201, F)
/** A contract of partner A in 2030 (no month the matrix accrues), open; a fresh one per cell that ends it. */
function contractA(): number {
  return Number(
    app.sqlite
      .prepare(
        'INSERT INTO entrustment_contracts (partner_id, contract_no, signed_on, effective_from, office_id, ' +
          "entrustment_fee_rate_ppm, group_commission_rate_ppm, created_by) SELECT id, ?, '2026-06-01', " +
          "'2030-01-01', office_id, 500, 85000, 0 FROM partners WHERE id = ?",
      )
      .run(unique('HĐ'), world.partnerA).lastInsertRowid,
  )
}
const CONTRACT_A = contractA()
/** Partner A's fee for April 2026 accrued by the system user (entry and record, as the accrual posts them). */
function accruedFee(amount: number): void {
  app.commands.runNow((ctx) => {
    const entry = postJournal(ctx.sqlite, {
      kind: 'partner_fee_accrual',
      valueDate: '2026-04-30',
      postedOn: ctx.businessDate,
      description: 'authz fixture',
      lines: [
        { account: 'partner_fee_expense', fundingSource: 'central', debit: amount },
        { account: 'partner_fee_payable', fundingSource: 'central', credit: amount },
      ],
    })
    const id = ctx.sqlite
      .prepare(
        'INSERT INTO partner_fee_accruals (month, partner_id, entrustment_fee, group_commission, journal_entry_id, ' +
          "accrued_on, accrued_by) VALUES ('2026-04', ?, ?, 0, ?, ?, 0)",
      )
      .run(world.partnerA, amount, entry, ctx.businessDate).lastInsertRowid
    ctx.sqlite.prepare("INSERT INTO partner_fee_accrual_lines VALUES (?, 'central', ?, 0)").run(id, amount)
    return { statusCode: 201, body: null }
  }, SYSTEM)
}
/** A draft poverty review of point A (empty list) by branch A's officer. */
async function draftReview(): Promise<number> {
  const res = await ta.as('officerA', {
    method: 'POST',
    url: '/v1/poverty-reviews',
    payload: { transactionPointId: world.pointA, year: 2026, lines: [] },
  })
  return expectStatus(res, 201, 'draft review').json().id as number
}
const REVIEW_A = await draftReview()
/** Relief decisions name a point of branch A without loans: approving one changes no other cell's loan. */
const RELIEF_POINT = app.commands.runNow(
  (ctx) => ({
    statusCode: 201,
    body: createTransactionPoint(ctx, {
      code: 'TP-RELIEF',
      name: 'Relief point',
      branchId: world.branchA,
      commune: 'Hòa Ninh',
      sessionDay: 12,
    }).id,
  }),
  SYSTEM,
).body
const reliefBody = () => ({
  decisionNo: unique('QD-TT'),
  cause: 'Bão số 3',
  kind: 'freeze',
  transactionPointIds: [RELIEF_POINT],
  months: 3,
})
async function proposedRelief(who: KeyName): Promise<number> {
  const res = await ta.as(who, { method: 'POST', url: '/v1/relief-decisions', payload: reliefBody() })
  return expectStatus(res, 201, 'relief proposal').json().id as number
}
const RELIEF_A = await proposedRelief('managerA')
const RELIEF_APPLIED = await proposedRelief('managerA')
expectStatus(
  await ta.as('managerA2', {
    method: 'POST',
    url: `/v1/relief-decisions/${RELIEF_APPLIED}/approve`,
    headers: { 'idempotency-key': unique('relief') },
  }),
  200,
  'relief approval',
)

/** Branch A's district office in the organisation tree (docs/rules.md §20). */
const OFFICE_A = app.sqlite.prepare('SELECT office_id FROM branches WHERE id = ?').pluck().get(world.branchA) as number

/**
 * A supervision finding on branch A's district (docs/rules.md §22), recorded by a supervisor of branch A's province
 * (the callers have no supervisor: test/reliability/supervisor-read-only.test.ts walks the supervisor's refusals).
 */
const FINDING_A = await (async () => {
  const provinceA = app.sqlite.prepare('SELECT parent_id FROM offices WHERE id = ?').pluck().get(OFFICE_A) as number
  const supervisorKey = app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: 'Giám sát viên', role: 'supervisor', officeId: provinceA })
    return { statusCode: 201, body: createApiKey(ctx, user.id, 'authz').key }
  }, SYSTEM).body
  const res = await app.inject({
    method: 'POST',
    url: '/v1/supervision-findings',
    headers: { authorization: `Bearer ${supervisorKey}` },
    payload: {
      date: BUSINESS_DATE,
      officeId: OFFICE_A,
      finding: 'Chưa niêm yết danh sách hộ vay',
      followUp: 'Niêm yết trước phiên sau',
      supervisingBody: 'fatherland_front',
    },
  })
  return expectStatus(res, 201, 'supervision finding').json().id as number
})()
const findingBody = () => ({
  date: BUSINESS_DATE,
  officeId: OFFICE_A,
  finding: 'Chưa niêm yết danh sách hộ vay',
  followUp: 'Niêm yết trước phiên sau',
  supervisingBody: 'womens_union',
})

/** Recalls (docs/rules.md §16) act on loans with a misuse finding; the pending proposals are the branch officer's. */
const MISUSED_A = await misusedLoan(ta)
const RECALL_PENDING_A = (await misusedLoan(ta, 'officerA')).loanId

const TABLE: Target[] = [
  // Operations
  { op: 'GET /health', expect: PUBLIC, request: get('/health') },
  { op: 'GET /ready', expect: PUBLIC, request: get('/ready') },
  { op: 'GET /v1/business-date', expect: ANY_ROLE, request: get('/v1/business-date') },
  { op: 'GET /v1/audit', expect: ADMIN_AUDITOR, request: get('/v1/audit?limit=5') },
  {
    op: 'POST /v1/close-of-business',
    expect: row(U, U, 200, F, F, F, F, F, F, F, F, F, F, F),
    request: () => post('/v1/close-of-business', { date: BUSINESS_DATE }),
  },

  // Organisation and reference data (admin)
  {
    op: 'POST /v1/branches',
    expect: ADMIN_CREATES,
    request: () => post('/v1/branches', { code: code('BR'), name: 'Branch', province: 'Quảng Nam' }),
  },
  { op: 'GET /v1/branches', expect: ANY_ROLE, request: get('/v1/branches') },
  {
    op: 'POST /v1/transaction-points',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/transaction-points', {
        code: code('TP'),
        name: 'Point',
        branchId: world.branchA,
        commune: 'Hòa Vang',
        sessionDay: 10,
      }),
  },
  { op: 'GET /v1/transaction-points', expect: ANY_ROLE, request: get('/v1/transaction-points') },
  {
    op: 'POST /v1/partners',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/partners', { code: code('P'), name: 'Youth Union', kind: 'youth_union', branchId: world.branchA }),
  },
  { op: 'GET /v1/partners', expect: ANY_ROLE, request: get('/v1/partners') },
  {
    op: 'POST /v1/groups',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/groups', {
        code: code('G'),
        name: 'Group',
        partnerId: world.partnerA,
        transactionPointId: world.pointA,
        village: 'Thôn 9',
      }),
  },
  { op: 'GET /v1/groups', expect: ANY_ROLE, request: get('/v1/groups') },
  // The organisation tree (docs/rules.md §20): admin writes, every role reads the whole tree (reference data).
  {
    op: 'POST /v1/offices',
    expect: ADMIN_CREATES,
    request: () => post('/v1/offices', { code: code('OF'), name: 'Chi nhánh tỉnh', level: 'province' }),
  },
  { op: 'GET /v1/offices', expect: ANY_ROLE, request: get('/v1/offices') },
  { op: 'GET /v1/offices/{id}', expect: ANY_ROLE, request: get(`/v1/offices/${OFFICE_A}`) },
  {
    op: 'POST /v1/places',
    expect: ADMIN_CREATES,
    request: () => post('/v1/places', { code: code('PL'), name: 'Xã Hòa Phú', kind: 'commune', officeId: OFFICE_A }),
  },
  { op: 'GET /v1/places', expect: ANY_ROLE, request: get('/v1/places') },
  {
    op: 'POST /v1/places/import',
    expect: ADMIN_OK,
    request: () =>
      post('/v1/places/import?mode=apply', { lines: [{ code: code('IM'), name: 'Xã Hòa Sơn', parentCode: 'BR-A' }] }),
  },
  {
    op: 'POST /v1/users',
    expect: ADMIN_CREATES,
    request: () => post('/v1/users', { name: 'New auditor', role: 'auditor' }),
  },
  { op: 'GET /v1/users', expect: ADMIN_AUDITOR, request: get('/v1/users') },
  { op: 'GET /v1/users/names', expect: ANY_ROLE, request: get(`/v1/users/names?ids=${W.userId}`) },
  {
    op: 'POST /v1/users/{id}/api-keys',
    expect: ADMIN_CREATES,
    request: () => post(`/v1/users/${W.userId}/api-keys`, { label: 'authz' }),
  },
  { op: 'GET /v1/users/{id}/api-keys', expect: ADMIN_AUDITOR, request: get(`/v1/users/${W.userId}/api-keys`) },
  {
    op: 'POST /v1/users/{id}/deactivate',
    expect: ADMIN_OK,
    request: (fresh) =>
      post(`/v1/users/${fresh ? freshUser() : W.spareUserId}/deactivate`, { reason: 'left the branch' }),
  },
  {
    op: 'POST /v1/users/{id}/reactivate',
    expect: ADMIN_OK,
    request: (fresh) => post(`/v1/users/${fresh ? freshUser(true) : W.spareUserId}/reactivate`),
  },
  {
    op: 'POST /v1/users/{id}/api-keys/{keyId}/revoke',
    expect: ADMIN_OK,
    request: () => {
      const key = freshKey()
      return post(`/v1/users/${key.userId}/api-keys/${key.id}/revoke`)
    },
  },
  {
    op: 'POST /v1/users/{id}/password',
    expect: ADMIN_OK,
    request: (fresh) =>
      post(`/v1/users/${fresh ? freshUser() : W.spareUserId}/password`, { username: newUsername('authz') }),
  },

  // Staff sign-in: public; the session's own routes answer 404 to a key (a key has no session; cookie sessions:
  // test/modules/staff-sign-in.test.ts)
  {
    op: 'POST /v1/session',
    expect: row(201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201, 201),
    request: async () => {
      const u = await userWithPassword(app)
      return post('/v1/session', { username: u.username, password: u.password })
    },
  },
  { op: 'GET /v1/session', expect: NO_SESSION, request: get('/v1/session') },
  { op: 'DELETE /v1/session', expect: NO_SESSION, request: () => ({ method: 'DELETE', url: '/v1/session' }) },
  {
    op: 'POST /v1/session/password',
    expect: NO_SESSION,
    request: () => post('/v1/session/password', { currentPassword: 'x', newPassword: 'a new password' }),
  },
  {
    op: 'POST /v1/programmes',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/programmes', {
        code: code('PROG'),
        name: 'Programme',
        legalBasis: 'Test',
        eligibleStatuses: ['poor'],
        eligibleAreas: 'any',
        maxAmount: 10_000_000,
        maxTermMonths: 12,
        fundingSource: 'central',
        defaultPrincipalPlan: { everyMonths: 1, graceMonths: 0 },
        rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5000 }],
      }),
  },
  { op: 'GET /v1/programmes', expect: ANY_ROLE, request: get('/v1/programmes') },
  { op: 'GET /v1/programmes/{code}', expect: ANY_ROLE, request: get('/v1/programmes/POOR') },
  {
    op: 'POST /v1/programmes/{code}/rates',
    expect: ADMIN_CREATES,
    request: () =>
      post(`/v1/programmes/${RATES_PROGRAMME}/rates`, {
        effectiveFrom: uniqueDate('2030-01-01'),
        monthlyRatePpm: 4000,
      }),
  },
  {
    op: 'POST /v1/local-policies',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/local-policies', {
        code: code('POL'),
        name: 'Policy',
        region: 'Đà Nẵng',
        programmeCode: 'POOR',
        borrowerRatePpm: 1000,
        effectiveFrom: '2030-01-01',
      }),
  },
  { op: 'GET /v1/local-policies', expect: ANY_ROLE, request: get('/v1/local-policies') },
  // docs/rules.md §15: purposes are read by all, kept by the admin.
  { op: 'GET /v1/purposes', expect: ANY_ROLE, request: get('/v1/purposes?programmeCode=POOR') },
  {
    op: 'POST /v1/purposes',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/purposes', {
        programmeCode: 'POOR',
        code: code('p').toLowerCase(),
        nameVi: 'Mục đích',
        nameEn: 'Purpose',
      }),
  },
  {
    op: 'POST /v1/purposes/{programmeCode}/{code}/retire',
    expect: ADMIN_OK,
    request: () => {
      // A fresh active purpose per cell (made before the row counts are taken).
      const purpose = code('p').toLowerCase()
      app.sqlite
        .prepare("INSERT INTO loan_purposes (programme_code, code, name_vi, name_en) VALUES ('POOR', ?, 'x', 'x')")
        .run(purpose)
      return post(`/v1/purposes/POOR/${purpose}/retire`)
    },
  },
  {
    op: 'POST /v1/fee-rates',
    expect: ADMIN_CREATES,
    request: () =>
      post('/v1/fee-rates', {
        effectiveFrom: uniqueDate('2031-01-01'),
        entrustmentFeeRatePpm: 1000,
        groupCommissionRatePpm: 2000,
      }),
  },
  { op: 'GET /v1/fee-rates', expect: FINANCE_READ, request: get('/v1/fee-rates') },
  // Funding sources and capital (docs/rules.md §12): staff and the read-all roles read; admin creates; finance posts.
  { op: 'GET /v1/funding-sources', expect: BRANCH_AND_READERS, request: get('/v1/funding-sources') },
  {
    op: 'POST /v1/funding-sources',
    expect: ADMIN_CREATES,
    request: () => post('/v1/funding-sources', { code: code('fund').toLowerCase(), name: 'Nguồn vốn', kind: 'local' }),
  },
  { op: 'GET /v1/funding-sources/{code}', expect: BRANCH_AND_READERS, request: get(`/v1/funding-sources/${FUND}`) },
  {
    op: 'POST /v1/funding-sources/{code}/capital',
    expect: FINANCE_POSTS,
    request: () =>
      post(
        `/v1/funding-sources/${FUND}/capital`,
        { amount: 1_000_000, valueDate: BUSINESS_DATE, decisionNo: unique('QĐ') },
        idem(),
      ),
  },
  {
    op: 'GET /v1/funding-sources/{code}/capital',
    expect: BRANCH_AND_READERS,
    request: get(`/v1/funding-sources/${FUND}/capital`),
  },
  { op: 'GET /v1/reports/funding-sources', expect: BRANCH_AND_READERS, request: get('/v1/reports/funding-sources') },
  // Partner fees as money (docs/rules.md §19): finance accrues and pays (four eyes: each paying cell pays a fee
  // accrued by the system user).
  {
    op: 'POST /v1/partner-fees/accruals',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, 201, 201, F),
    request: () => post('/v1/partner-fees/accruals', { month: '2026-05' }, idem()),
  },
  {
    op: 'POST /v1/partner-fees/payments',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, 201, 201, F),
    request: (fresh) => {
      if (fresh) accruedFee(1000)
      return post(
        '/v1/partner-fees/payments',
        { partnerId: world.partnerA, month: '2026-04', amount: 1000, paidOn: BUSINESS_DATE, reference: unique('UNC') },
        idem(),
      )
    },
  },
  { op: 'GET /v1/partner-fees/accruals', expect: FINANCE_READ, request: get('/v1/partner-fees/accruals') },
  { op: 'GET /v1/partner-fees/payments', expect: FINANCE_READ, request: get('/v1/partner-fees/payments') },
  { op: 'GET /v1/partner-fees/payable', expect: FINANCE_READ, request: get('/v1/partner-fees/payable') },
  // Entrustment contracts by level (docs/rules.md §23): admin records and ends; every role reads within its scope
  // (a contract of partner A: branch A staff and partner A's officer; partner A2 is beside it, not under or above).
  {
    op: 'POST /v1/entrustment-contracts',
    expect: ADMIN_CREATES,
    request: () => {
      const day = uniqueDate('2032-01-01')
      return post(
        '/v1/entrustment-contracts',
        {
          partnerId: world.partnerB,
          contractNo: unique('HĐ'),
          signedOn: BUSINESS_DATE,
          effectiveFrom: day,
          effectiveTo: day,
          entrustmentFeeRatePpm: 500,
          groupCommissionRatePpm: 85_000,
        },
        idem(),
      )
    },
  },
  {
    op: 'POST /v1/entrustment-contracts/{id}/end',
    expect: ADMIN_OK,
    request: (fresh) =>
      post(
        `/v1/entrustment-contracts/${fresh ? contractA() : CONTRACT_A}/end`,
        { effectiveTo: '2030-06-30', reference: unique('BB') },
        idem(),
      ),
  },
  { op: 'GET /v1/entrustment-contracts', expect: ANY_ROLE, request: get('/v1/entrustment-contracts') },
  { op: 'GET /v1/entrustment-contracts/{id}', expect: READ_A, request: get(`/v1/entrustment-contracts/${CONTRACT_A}`) },

  // Priority attributes (docs/rules.md §14): designations by admin or a manager of the commune's branch.
  {
    op: 'POST /v1/area-designations',
    expect: row(U, U, 201, F, 201, 201, F, F, F, F, F, F, F, F),
    request: () =>
      post('/v1/area-designations', {
        transactionPointId: world.pointA,
        village: unique('Thôn'),
        designation: 'remote',
        effectiveFrom: '2026-01-01',
        decisionNo: unique('QD'),
      }),
  },
  {
    op: 'POST /v1/area-designations/{id}/end',
    expect: row(U, U, 200, F, 200, 200, F, N, F, F, F, F, F, F),
    request: (fresh) =>
      post(`/v1/area-designations/${fresh ? designationA() : DESIGNATION_A}/end`, {
        effectiveTo: BUSINESS_DATE,
        decisionNo: unique('QD'),
      }),
  },
  { op: 'GET /v1/area-designations', expect: BRANCH_AND_READERS, request: get('/v1/area-designations') },
  {
    op: 'GET /v1/area-designations/{id}',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200),
    request: get(`/v1/area-designations/${DESIGNATION_A}`),
  },
  {
    op: 'GET /v1/households/{id}/priority',
    expect: READ_A,
    request: get(`/v1/households/${W.householdA}/priority`),
  },

  // Households
  {
    // The group is named in the body: another scope's staff get 403 FORBIDDEN (households/service.ts
    // createHousehold).
    op: 'POST /v1/households',
    expect: row(U, U, 201, 201, 201, 201, F, F, 201, F, F, F, F, F),
    request: () =>
      post('/v1/households', {
        nationalId: nationalId(),
        headName: 'Trần Thị B',
        groupId: world.groupA,
        area: 'rural',
        address: 'Thôn 1, Hòa Bắc',
      }),
  },
  { op: 'GET /v1/households', expect: ANY_ROLE, request: get('/v1/households') },
  { op: 'GET /v1/households/{id}', expect: READ_A, request: get(`/v1/households/${W.householdA}`) },
  {
    op: 'GET /v1/households/{id}',
    variant: 'household of branch B',
    expect: READ_B,
    request: get(`/v1/households/${W.householdB}`),
  },
  {
    // Commune decisions are recorded by the branch: partner officers get 403.
    op: 'POST /v1/households/{id}/poverty-status',
    expect: BRANCH_RECORDS_A,
    request: () =>
      post(`/v1/households/${W.householdA}/poverty-status`, {
        status: 'poor',
        effectiveDate: '2019-03-01',
        decisionNo: unique('QD'),
      }),
  },
  {
    op: 'POST /v1/households/{id}/changes',
    expect: BRANCH_RECORDS_A,
    request: () =>
      post(`/v1/households/${W.householdA}/changes`, {
        effectiveDate: BUSINESS_DATE,
        reason: 'Moved to another village',
        address: { commune: 'Hòa Bắc', village: unique('Thôn') },
      }),
  },
  { op: 'GET /v1/households/{id}/changes', expect: READ_A, request: get(`/v1/households/${W.householdA}/changes`) },
  {
    op: 'GET /v1/households/{id}/poverty-status',
    expect: READ_A,
    request: get(`/v1/households/${W.householdA}/poverty-status`),
  },
  {
    op: 'POST /v1/households/{id}/poverty-status/{recordId}/revoke',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/households/${W.householdA}/poverty-status/${fresh ? await povertyRecord(ta, W.householdA) : W.povertyRecordA}/revoke`,
        { reason: 'Recorded in error' },
      ),
  },

  // Origination
  {
    // The household is named in the body: another scope's callers get 403 FORBIDDEN (applications/service.ts
    // submitApplication).
    op: 'POST /v1/applications',
    expect: row(U, U, 201, 201, F, F, F, F, 201, F, F, F, F, F),
    request: async (fresh) =>
      post(
        '/v1/applications',
        applicationBody(fresh ? await householdWithStatus(ta) : W.householdA, { applicationDate: '2026-06-01' }),
      ),
  },
  { op: 'GET /v1/applications', expect: ANY_ROLE, request: get('/v1/applications') },
  { op: 'GET /v1/applications/{id}', expect: READ_A, request: get(`/v1/applications/${W.submittedApplicationA}`) },
  {
    op: 'GET /v1/applications/{id}',
    variant: 'application of branch B',
    expect: READ_B,
    request: get(`/v1/applications/${W.applicationB}`),
  },
  {
    op: 'POST /v1/applications/{id}/certify',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/certify`,
        certifyBody('2026-06-05'),
      ),
  },
  {
    // Branch managers only — not even admin (four eyes: the approver is a manager of the branch).
    op: 'POST /v1/applications/{id}/approve',
    expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/applications/${fresh ? (await certifiedApplication(ta)).applicationId : W.certifiedApplicationA}/approve`,
        { approvedOn: '2026-06-10' },
      ),
  },
  {
    op: 'POST /v1/applications/{id}/reject',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/reject`,
        { reason: 'Incomplete file' },
      ),
  },
  {
    op: 'POST /v1/applications/{id}/withdraw',
    expect: row(U, U, 200, 200, 200, 200, N, N, 200, N, N, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/withdraw`,
        { reason: 'No longer needed' },
      ),
  },
  {
    op: 'POST /v1/schedules/preview',
    expect: row(U, U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    request: () =>
      post('/v1/schedules/preview', {
        amount: 30_000_000,
        termMonths: 36,
        principalPlan: { everyMonths: 6, graceMonths: 0 },
        monthlyRatePpm: 5500,
        disbursementDate: '2026-06-15',
        sessionDay: 15,
      }),
  },

  // Loans
  { op: 'GET /v1/loans', expect: ANY_ROLE, request: get('/v1/loans') },
  { op: 'GET /v1/loans/{id}', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}`) },
  { op: 'GET /v1/loans/{id}', variant: 'loan of branch B', expect: READ_B, request: get(`/v1/loans/${W.activeLoanB}`) },
  { op: 'GET /v1/loans/{id}/schedule', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}/schedule`) },
  { op: 'GET /v1/loans/{id}/transactions', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}/transactions`) },
  {
    op: 'POST /v1/loans/{id}/disbursements',
    expect: BRANCH_POSTS_A,
    request: async (fresh) =>
      post(
        `/v1/loans/${fresh ? (await approvedLoan(ta)).loanId : W.approvedLoanA}/disbursements`,
        { amount: 30_000_000, valueDate: '2026-06-15' },
        idem(),
      ),
  },
  {
    op: 'POST /v1/loans/{id}/repayments',
    expect: BRANCH_POSTS_A,
    request: () => post(`/v1/loans/${W.activeLoanA}/repayments`, { amount: 50_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    op: 'POST /v1/loans/{id}/repayments',
    variant: 'loan of branch B',
    expect: row(U, U, F, N, N, N, 201, 201, F, F, F, F, F, F),
    request: () => post(`/v1/loans/${W.activeLoanB}/repayments`, { amount: 50_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    op: 'POST /v1/loans/{id}/transactions/{txId}/reverse',
    expect: BRANCH_POSTS_A,
    request: async (fresh) =>
      post(
        `/v1/loans/${W.activeLoanA}/transactions/${fresh ? await repayment(ta, W.activeLoanA, 20_000) : W.repaymentTxA}/reverse`,
        { reason: 'Posted twice' },
      ),
  },
  {
    op: 'POST /v1/loans/{id}/extensions',
    expect: MANAGER_DECIDES_A,
    request: async (fresh) =>
      post(`/v1/loans/${fresh ? (await disbursedLoan(ta)).loanId : W.activeLoanA}/extensions`, {
        decisionNo: unique('QD'),
        cause: 'Flood',
        instalmentNumber: 1,
        newDueDate: '2026-12-15',
      }),
  },
  {
    op: 'POST /v1/loans/{id}/freeze',
    expect: MANAGER_DECIDES_A,
    request: async (fresh) =>
      post(`/v1/loans/${fresh ? (await disbursedLoan(ta)).loanId : W.activeLoanA}/freeze`, {
        decisionNo: unique('QD'),
        cause: 'Typhoon',
        untilDate: '2026-12-31',
      }),
  },
  {
    // Admin or a branch manager of the loan's branch; an approved loan that was never disbursed.
    op: 'POST /v1/loans/{id}/cancel',
    expect: row(U, U, 200, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(`/v1/loans/${fresh ? (await approvedLoan(ta)).loanId : W.approvedLoanA}/cancel`, {
        reason: 'The household gave the loan up',
      }),
  },
  {
    // A proposal (nothing written off yet) by a branch manager of the branch, on an active loan with overdue
    // principal.
    op: 'POST /v1/loans/{id}/write-off',
    expect: MANAGER_DECIDES_A,
    request: async (fresh) =>
      post(
        `/v1/loans/${fresh ? (await overdueLoan(ta)).loanId : W.overdueLoanA}/write-off`,
        writeOffBody({ cause: 'borrower_deceased' }),
      ),
  },
  {
    // The second person: admin or another manager of the branch (each cell's proposal is by a manager other than
    // the caller).
    op: 'POST /v1/loans/{id}/write-off/approve',
    expect: SECOND_PERSON_A,
    request: async (fresh, who) =>
      post(
        `/v1/loans/${fresh ? await pendingWriteOff(ta, otherManager(who)) : W.writeOffPendingLoanA}/write-off/approve`,
      ),
  },
  {
    op: 'POST /v1/loans/{id}/write-off/reject',
    expect: SECOND_PERSON_A,
    request: async (fresh, who) =>
      post(
        `/v1/loans/${fresh ? await pendingWriteOff(ta, otherManager(who)) : W.writeOffPendingLoanA}/write-off/reject`,
        { reason: 'The commune has not confirmed the loss' },
      ),
  },
  {
    op: 'GET /v1/loans/{id}/write-off-proposals',
    expect: READ_A,
    request: get(`/v1/loans/${W.writeOffPendingLoanA}/write-off-proposals`),
  },
  { op: 'GET /v1/write-off-proposals', expect: ANY_ROLE, request: get('/v1/write-off-proposals') },
  {
    // Inspections are joint: branch staff of the loan's branch, admin, or a partner officer of the loan's partner.
    op: 'POST /v1/inspections',
    expect: row(U, U, 201, 201, 201, 201, N, N, 201, N, N, F, F, F),
    request: () =>
      post('/v1/inspections', {
        loanId: W.activeLoanA,
        inspectedOn: BUSINESS_DATE,
        finding: 'as_intended',
        evidence: 'Đã mua bò giống',
        outcomes: { animalsBought: 1 },
      }),
  },
  { op: 'GET /v1/inspections', expect: ANY_ROLE, request: get('/v1/inspections') },
  { op: 'GET /v1/inspections/{id}', expect: READ_A, request: get(`/v1/inspections/${MISUSED_A.inspectionId}`) },
  // Supervision findings (docs/rules.md §22): recorded by supervisors only; read by branch staff of a branch under the
  // area, admin, finance and auditors (never partner officers); answered by the area's branch staff or admin.
  {
    op: 'POST /v1/supervision-findings',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, F, F, F),
    request: () => post('/v1/supervision-findings', findingBody()),
  },
  { op: 'GET /v1/supervision-findings', expect: BRANCH_AND_READERS, request: get('/v1/supervision-findings') },
  {
    op: 'GET /v1/supervision-findings/{id}',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200),
    request: get(`/v1/supervision-findings/${FINDING_A}`),
  },
  {
    // Answers are added (never changed): every allowed cell answers the same finding.
    op: 'POST /v1/supervision-findings/{id}/answer',
    expect: row(U, U, 201, 201, 201, 201, N, N, F, F, F, F, F, F),
    request: () => post(`/v1/supervision-findings/${FINDING_A}/answer`, { answer: 'Đã niêm yết' }),
  },
  {
    // Proposed by branch staff of the loan's branch (not admin: a branch's own decision), on a misuse finding.
    op: 'POST /v1/loans/{id}/recall',
    expect: row(U, U, F, 201, 201, 201, N, N, F, F, F, F, F, F),
    request: async (fresh) => {
      const m = fresh ? await misusedLoan(ta) : MISUSED_A
      return post(`/v1/loans/${m.loanId}/recall`, { inspectionId: m.inspectionId, reason: 'Sai mục đích' })
    },
  },
  {
    // The second person (every proposal here is the branch officer's): admin or a branch manager of the branch.
    op: 'POST /v1/loans/{id}/recall/approve',
    expect: SECOND_PERSON_A,
    request: async (fresh) =>
      post(
        `/v1/loans/${fresh ? (await misusedLoan(ta, 'officerA')).loanId : RECALL_PENDING_A}/recall/approve`,
        { decisionNo: unique('QD-TH') },
        idem(),
      ),
  },
  {
    op: 'POST /v1/loans/{id}/recall/reject',
    expect: SECOND_PERSON_A,
    request: async (fresh) =>
      post(`/v1/loans/${fresh ? (await misusedLoan(ta, 'officerA')).loanId : RECALL_PENDING_A}/recall/reject`, {
        reason: 'Cần kiểm tra lại',
      }),
  },
  {
    op: 'GET /v1/loans/{id}/recall-proposals',
    expect: READ_A,
    request: get(`/v1/loans/${RECALL_PENDING_A}/recall-proposals`),
  },
  { op: 'GET /v1/recall-proposals', expect: ANY_ROLE, request: get('/v1/recall-proposals?status=pending_approval') },
  {
    // Money received on a written-off loan: branch staff of the loan's branch, as repayments.
    op: 'POST /v1/loans/{id}/recoveries',
    expect: BRANCH_POSTS_A,
    request: () =>
      post(
        `/v1/loans/${W.writtenOffLoanA}/recoveries`,
        { amount: 10_000, valueDate: BUSINESS_DATE, reference: unique('BL') },
        idem(),
      ),
  },
  {
    // The group is named in the body; another branch's staff get 404 (collections/service.ts assertInScope).
    op: 'POST /v1/collection-sessions',
    expect: BRANCH_POSTS_A,
    request: () =>
      post(
        '/v1/collection-sessions',
        {
          transactionPointId: world.pointA,
          groupId: world.groupA,
          sessionDate: BUSINESS_DATE,
          lines: [{ loanId: W.activeLoanA, interest: 0, principal: 30_000, savings: 10_000 }],
        },
        idem(),
      ),
  },
  {
    // A partner officer reads the sheet of a point of its partner's branch, with its own groups only (partner A2
    // has group A2 at point A).
    op: 'GET /v1/transaction-points/{id}/collection-sheet',
    expect: row(U, U, 200, 200, 200, 200, N, N, 200, 200, N, 200, 200, 200),
    request: get(`/v1/transaction-points/${world.pointA}/collection-sheet`),
  },
  {
    op: 'GET /v1/transaction-points/{id}/collection-sheet',
    variant: 'point of branch B',
    expect: READ_B,
    request: get(`/v1/transaction-points/${world.pointB}/collection-sheet`),
  },
  { op: 'GET /v1/collection-sessions', expect: ANY_ROLE, request: get('/v1/collection-sessions') },
  { op: 'GET /v1/collection-sessions/{id}', expect: READ_A, request: get(`/v1/collection-sessions/${W.sessionA}`) },
  {
    op: 'GET /v1/collection-sessions/{id}',
    variant: 'session of branch B',
    expect: READ_B,
    request: get(`/v1/collection-sessions/${W.sessionB}`),
  },

  // Members' savings
  {
    // The household is named in the body: outside the caller's scope it is REFERENCE_NOT_FOUND (422), as a
    // household that does not exist (savings/service.ts openAccount).
    op: 'POST /v1/savings-accounts',
    expect: row(U, U, 201, 201, 201, 201, 422, 422, 201, 422, 422, F, F, F),
    request: async (fresh) =>
      post('/v1/savings-accounts', {
        householdId: fresh ? await memberHousehold(ta) : W.householdA,
        monthlyCommitment: 50_000,
      }),
  },
  { op: 'GET /v1/savings-accounts', expect: ANY_ROLE, request: get('/v1/savings-accounts') },
  { op: 'GET /v1/savings-accounts/settings', expect: ANY_ROLE, request: get('/v1/savings-accounts/settings') },
  // The default threshold again, so the other cells' withdrawals behave as planned.
  {
    op: 'PUT /v1/savings-accounts/settings',
    expect: ADMIN_OK,
    request: () => put('/v1/savings-accounts/settings', { withdrawalApprovalThreshold: 2_000_000 }),
  },
  { op: 'GET /v1/savings-accounts/{id}', expect: READ_A, request: get(`/v1/savings-accounts/${W.savingsA}`) },
  {
    op: 'GET /v1/savings-accounts/{id}',
    variant: 'account of branch B',
    expect: READ_B,
    request: get(`/v1/savings-accounts/${W.savingsB}`),
  },
  {
    // Moves no money: the household's partner officer may set it too.
    op: 'POST /v1/savings-accounts/{id}/commitment',
    expect: row(U, U, 200, 200, 200, 200, N, N, 200, N, N, F, F, F),
    request: () => post(`/v1/savings-accounts/${W.savingsA}/commitment`, { monthlyCommitment: 100_000 }),
  },
  {
    op: 'POST /v1/savings-accounts/{id}/deposits',
    expect: BRANCH_POSTS_A,
    request: () =>
      post(`/v1/savings-accounts/${W.savingsA}/deposits`, { amount: 20_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    // Below the approval threshold: paid at once.
    op: 'POST /v1/savings-accounts/{id}/withdrawals',
    expect: BRANCH_POSTS_A,
    request: () =>
      post(`/v1/savings-accounts/${W.savingsA}/withdrawals`, { amount: 10_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    op: 'POST /v1/savings-accounts/{id}/withdrawals',
    variant: 'account of branch B',
    expect: row(U, U, F, N, N, N, 201, 201, F, F, F, F, F, F),
    request: () =>
      post(`/v1/savings-accounts/${W.savingsB}/withdrawals`, { amount: 10_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    op: 'GET /v1/savings-accounts/{id}/withdrawals',
    expect: READ_A,
    request: get(`/v1/savings-accounts/${W.savingsA}/withdrawals`),
  },
  {
    // Each cell's withdrawal is proposed by officerA, so every approver here is a second person.
    op: 'POST /v1/savings-accounts/{id}/withdrawals/{withdrawalId}/approve',
    expect: SECOND_PERSON_A,
    request: async (fresh) =>
      post(
        `/v1/savings-accounts/${W.savingsA}/withdrawals/${fresh ? await pendingWithdrawal(ta, W.savingsA) : W.pendingWithdrawalA}/approve`,
        undefined,
        idem(),
      ),
  },
  {
    op: 'POST /v1/savings-accounts/{id}/withdrawals/{withdrawalId}/reject',
    expect: SECOND_PERSON_A,
    request: async (fresh) =>
      post(
        `/v1/savings-accounts/${W.savingsA}/withdrawals/${fresh ? await pendingWithdrawal(ta, W.savingsA) : W.pendingWithdrawalA}/reject`,
        { reason: 'The member came back the next day' },
        idem(),
      ),
  },
  {
    op: 'GET /v1/savings-accounts/{id}/statement',
    expect: READ_A,
    request: get(`/v1/savings-accounts/${W.savingsA}/statement`),
  },
  { op: 'GET /v1/reports/savings', expect: ANY_ROLE, request: get('/v1/reports/savings') },

  // Support payments
  { op: 'GET /v1/support-payments', expect: ANY_ROLE, request: get('/v1/support-payments') },
  { op: 'GET /v1/support-evaluations', expect: ANY_ROLE, request: get('/v1/support-evaluations') },
  { op: 'GET /v1/support-payments/{id}', expect: READ_A, request: get(`/v1/support-payments/${W.pendingSupportA}`) },
  {
    op: 'POST /v1/support-payments/{id}/approve',
    expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/support-payments/${fresh ? (await pendingSupportPayment(ta)).id : W.pendingSupportA}/approve`,
        undefined,
        idem(),
      ),
  },
  {
    op: 'POST /v1/support-payments/{id}/reject',
    expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(
        `/v1/support-payments/${fresh ? (await pendingSupportPayment(ta)).id : W.pendingSupportA}/reject`,
        { reason: 'Exit not confirmed' },
        idem(),
      ),
  },
  {
    // Finance only: the branch manager who approves can never pay (four eyes by role).
    op: 'POST /v1/support-payments/{id}/pay',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, 200, 200, F),
    request: async (fresh) =>
      post(
        `/v1/support-payments/${fresh ? (await approvedSupportPayment(ta)).id : W.approvedSupportA}/pay`,
        { paidOn: BUSINESS_DATE, reference: unique('VCB') },
        idem(),
      ),
  },

  // Finance and reports
  { op: 'GET /v1/ledger/trial-balance', expect: FINANCE_READ, request: get('/v1/ledger/trial-balance') },
  { op: 'GET /v1/ledger/entries', expect: FINANCE_READ, request: get('/v1/ledger/entries?limit=5') },
  { op: 'GET /v1/reports/portfolio', expect: ANY_ROLE, request: get('/v1/reports/portfolio?groupBy=branch') },
  {
    op: 'GET /v1/reports/collections',
    expect: ANY_ROLE,
    request: get('/v1/reports/collections?from=2026-06-01&to=2026-06-30'),
  },
  { op: 'GET /v1/reports/monthly', expect: ANY_ROLE, request: get('/v1/reports/monthly?from=2026-01&to=2026-06') },
  {
    op: 'GET /v1/reports/posting-list',
    expect: ANY_ROLE,
    request: get(`/v1/reports/posting-list?transactionPointId=${world.pointA}`),
  },
  { op: 'GET /v1/reports/support-payments', expect: ANY_ROLE, request: get('/v1/reports/support-payments') },
  {
    op: 'GET /v1/reports/purposes',
    expect: ANY_ROLE,
    request: get('/v1/reports/purposes?from=2026-06-01&to=2026-06-30&groupBy=partner'),
  },
  {
    op: 'GET /v1/reports/outcomes',
    expect: ANY_ROLE,
    request: get('/v1/reports/outcomes?from=2026-06-01&to=2026-06-30'),
  },
  { op: 'GET /v1/reports/partner-fees', expect: FINANCE_READ, request: get('/v1/reports/partner-fees?month=2026-05') },
  // docs/rules.md §24: every role reads roll-ups within its scope; the fees roll-up as the partner-fee report.
  {
    op: 'GET /v1/reports/roll-up',
    expect: ANY_ROLE,
    request: get('/v1/reports/roll-up?report=portfolio&level=province'),
  },
  {
    op: 'GET /v1/reports/roll-up',
    variant: 'fees',
    expect: FINANCE_READ,
    request: get('/v1/reports/roll-up?report=fees&level=district&month=2026-05'),
  },
  {
    op: 'POST /v1/reconciliations',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, 201, 201, F),
    request: () =>
      post('/v1/reconciliations', { transactionPointId: world.pointA, date: uniqueDate('2026-03-01'), lines: [] }),
  },
  {
    op: 'GET /v1/reconciliations',
    expect: row(U, U, 200, 200, 200, 200, 200, 200, F, F, F, 200, 200, 200),
    request: get('/v1/reconciliations'),
  },
  {
    op: 'GET /v1/reconciliations/{id}',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200),
    request: get(`/v1/reconciliations/${W.reconciliationA}`),
  },
  {
    op: 'GET /v1/reconciliations/{id}',
    variant: 'reconciliation of branch B',
    expect: row(U, U, 200, N, N, N, 200, 200, F, F, F, 200, 200, 200),
    request: get(`/v1/reconciliations/${W.reconciliationB}`),
  },
  {
    op: 'POST /v1/reconciliations/{id}/close',
    expect: row(U, U, F, F, F, F, F, F, F, F, F, 200, 200, F),
    request: async (fresh) =>
      post(
        `/v1/reconciliations/${fresh ? await openReconciliation(ta, uniqueDate('2026-04-01')) : W.reconciliationA}/close`,
      ),
  },

  // The annual poverty review: branch staff (and admin) of the commune's branch; finance and auditors read.
  {
    // The point is named in the body: another branch's staff get 422 REFERENCE_NOT_FOUND.
    op: 'POST /v1/poverty-reviews',
    expect: row(U, U, 201, 201, 201, 201, 422, 422, F, F, F, F, F, F),
    request: () => post('/v1/poverty-reviews', { transactionPointId: world.pointA, year: 2026, lines: [] }),
  },
  { op: 'GET /v1/poverty-reviews', expect: BRANCH_AND_READERS, request: get('/v1/poverty-reviews') },
  {
    op: 'GET /v1/poverty-reviews/{id}',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200),
    request: get(`/v1/poverty-reviews/${REVIEW_A}`),
  },
  {
    op: 'POST /v1/poverty-reviews/{id}/apply',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) =>
      post(`/v1/poverty-reviews/${fresh ? await draftReview() : REVIEW_A}/apply`, undefined, idem()),
  },
  {
    op: 'GET /v1/reports/poverty-movements',
    expect: BRANCH_AND_READERS,
    request: get('/v1/reports/poverty-movements?from=2020-01-01&to=2026-06-30'),
  },

  // Area-wide relief: proposed by a branch manager, approved (four eyes), resumed or rejected by another approver.
  {
    op: 'POST /v1/relief-decisions',
    expect: row(U, U, F, F, 201, 201, F, 422, F, F, F, F, F, F),
    request: () => post('/v1/relief-decisions', reliefBody()),
  },
  { op: 'GET /v1/relief-decisions', expect: BRANCH_AND_READERS, request: get('/v1/relief-decisions') },
  {
    op: 'GET /v1/relief-decisions/{id}',
    expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200),
    request: get(`/v1/relief-decisions/${RELIEF_A}`),
  },
  {
    op: 'POST /v1/relief-decisions/{id}/approve',
    expect: SECOND_PERSON_A,
    request: async (fresh, who) =>
      post(
        `/v1/relief-decisions/${fresh ? await proposedRelief(otherManager(who)) : RELIEF_A}/approve`,
        undefined,
        idem(),
      ),
  },
  {
    op: 'POST /v1/relief-decisions/{id}/resume',
    expect: SECOND_PERSON_A,
    request: (fresh) => post(`/v1/relief-decisions/${fresh ? RELIEF_APPLIED : RELIEF_A}/resume`, undefined, idem()),
  },
  {
    op: 'POST /v1/relief-decisions/{id}/reject',
    expect: SECOND_PERSON_A,
    request: async (fresh, who) =>
      post(`/v1/relief-decisions/${fresh ? await proposedRelief(otherManager(who)) : RELIEF_A}/reject`, {
        reason: 'Sai địa bàn',
      }),
  },
]

// ————————————————————————————————————————————— the tests

let cells = 0

t.test('the table covers every operation of openapi/openapi.json, and nothing else', async (t) => {
  const contract = contractOperations()
    .map((o) => o.key)
    .sort()
  const table = [...new Set(TABLE.map((r) => r.op))].sort()
  t.same(table, contract, 'one row (at least) per operation')
})

for (const target of TABLE) {
  const name = `${target.op}${target.variant ? ` (${target.variant})` : ''}`
  await t.test(name, async (t) => {
    for (const who of CALLERS) {
      const expected = target.expect[who]
      const opts = await target.request(expected < 300, who)
      const before = rowCounts(app)
      const res = await send(who, opts)
      cells++
      t.equal(
        res.statusCode,
        expected,
        `${who} → ${expected}`,
        res.statusCode === expected ? {} : { body: res.body.slice(0, 300) },
      )
      if (res.statusCode >= 400) {
        const why = problemViolation(res)
        t.notOk(why, `${who}: problem+json`, why ? { why, body: res.body.slice(0, 200) } : {})
        t.same(rowCounts(app), before, `${who}: refused, nothing changed`)
      }
      const codeFor: Record<number, string> = {
        401: 'UNAUTHORIZED',
        403: 'FORBIDDEN',
        404: 'NOT_FOUND',
        422: 'REFERENCE_NOT_FOUND',
      }
      if (res.statusCode === expected && codeFor[expected])
        t.equal(res.json().code, codeFor[expected], `${who}: code ${codeFor[expected]}`)
    }
  })
}

t.test('four eyes: an application is not approved by its certifier', async (t) => {
  // A branch manager may certify; the same manager may then not approve (FOUR_EYES), another manager of the branch
  // may.
  const a = await certifiedApplication(ta, { certifier: 'managerA' })
  const before = rowCounts(app)
  const own = await ta.as('managerA', {
    method: 'POST',
    url: `/v1/applications/${a.applicationId}/approve`,
    payload: { approvedOn: '2026-06-10' },
  })
  cells++
  t.equal(own.statusCode, 403, 'the certifier approving → 403')
  t.equal(own.json().code, 'FOUR_EYES', 'code FOUR_EYES')
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const app1 = expectStatus(
    await ta.as('managerA', { method: 'GET', url: `/v1/applications/${a.applicationId}` }),
    200,
    'get application',
  ).json()
  t.equal(app1.status, 'certified', 'still certified')
  const other = await ta.as('managerA2', {
    method: 'POST',
    url: `/v1/applications/${a.applicationId}/approve`,
    payload: { approvedOn: '2026-06-10' },
  })
  cells++
  t.equal(other.statusCode, 200, 'another manager of the branch approves → 200')
})

t.test('four eyes: a support payment is not paid by its approver', async (t) => {
  const p = await approvedSupportPayment(ta, 'managerA2')
  const before = rowCounts(app)
  const own = await supportAction(ta, 'managerA2', p.id, 'pay', { paidOn: BUSINESS_DATE, reference: unique('VCB') })
  cells++
  t.equal(own.statusCode, 403, "the approver's own key on /pay → 403 (pay is finance's role)")
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const view = expectStatus(
    await ta.as('finance', { method: 'GET', url: `/v1/support-payments/${p.id}` }),
    200,
    'get payment',
  ).json()
  t.equal(view.status, 'approved', 'still approved, not paid')
  t.equal(view.approvedBy, world.userIds.managerA2, 'approved by managerA2')
  const paid = await supportAction(ta, 'finance', p.id, 'pay', { paidOn: BUSINESS_DATE, reference: unique('VCB') })
  cells++
  t.equal(paid.statusCode, 200, 'finance pays → 200')
  t.equal(paid.json().paidBy, world.userIds.finance, 'paid by finance, not by the approver')
})

t.test('four eyes: a write-off is not approved by its proposer', async (t) => {
  // managerA proposes; managerA may not approve it (FOUR_EYES), managerA2 (another manager of the branch) may.
  const loanId = await pendingWriteOff(ta, 'managerA')
  const before = rowCounts(app)
  const own = await decideWriteOff(ta, 'managerA', loanId, 'approve')
  cells++
  t.equal(own.statusCode, 403, 'the proposer approving → 403')
  t.equal(own.json().code, 'FOUR_EYES', 'code FOUR_EYES')
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const loan = expectStatus(
    await ta.as('managerA', { method: 'GET', url: `/v1/loans/${loanId}` }),
    200,
    'get loan',
  ).json()
  t.equal(loan.status, 'active', 'the loan is still active')
  const [proposal] = expectStatus(
    await ta.as('managerA', { method: 'GET', url: `/v1/loans/${loanId}/write-off-proposals` }),
    200,
    'proposals',
  ).json().items
  t.equal(proposal.status, 'pending_approval', 'the proposal still waits')
  const other = await decideWriteOff(ta, 'managerA2', loanId, 'approve')
  cells++
  t.equal(other.statusCode, 200, 'another manager of the branch approves → 200')
  t.equal(other.json().proposal.decidedBy, world.userIds.managerA2, 'decided by managerA2, not by the proposer')
})

t.test('four eyes: a savings withdrawal above the threshold is not approved by its proposer', async (t) => {
  // A branch manager may both withdraw and approve: managerA proposes 2,500,000 VND (threshold 2,000,000), managerA
  // may not approve it.
  const accountId = W.savingsA
  const withdrawalId = await pendingWithdrawal(ta, accountId, 'managerA')
  const url = `/v1/savings-accounts/${accountId}/withdrawals/${withdrawalId}/approve`
  const before = rowCounts(app)
  const own = await ta.as('managerA', { method: 'POST', url, headers: idem() })
  cells++
  t.equal(own.statusCode, 403, 'the proposer approving → 403')
  t.equal(own.json().code, 'FOUR_EYES', 'code FOUR_EYES')
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const pending = expectStatus(
    await ta.as('managerA', {
      method: 'GET',
      url: `/v1/savings-accounts/${accountId}/withdrawals?status=pending_approval`,
    }),
    200,
    'withdrawals',
  ).json().items as { id: number }[]
  t.ok(
    pending.some((w) => w.id === withdrawalId),
    'the withdrawal still waits',
  )
  const other = await ta.as('managerA2', { method: 'POST', url, headers: idem() })
  cells++
  t.equal(other.statusCode, 200, 'another manager of the branch approves → 200')
  t.equal(other.json().withdrawal.status, 'paid', 'paid')
  t.equal(other.json().withdrawal.decidedBy, world.userIds.managerA2, 'decided by managerA2')
  // Up to the threshold there is no second person: paid at once by the one who posts it.
  const small = expectStatus(
    await move(ta, 'managerA', accountId, 'withdrawals', { amount: 2_000_000, valueDate: BUSINESS_DATE }),
    201,
    'withdrawal at the threshold',
  )
  cells++
  t.equal(small.json().withdrawal.status, 'paid', 'a withdrawal of exactly the threshold is paid at once')
})

t.test("lists show only the caller's scope", async (t) => {
  const scoped: { who: KeyName; fits: (item: { branchId?: number; partnerId?: number }) => boolean }[] = [
    { who: 'officerA', fits: (i) => i.branchId === world.branchA },
    { who: 'officerB', fits: (i) => i.branchId === world.branchB },
    { who: 'partnerA', fits: (i) => i.partnerId === world.partnerA },
    { who: 'partnerA2', fits: (i) => i.partnerId === world.partnerA2 },
    { who: 'partnerB', fits: (i) => i.partnerId === world.partnerB },
  ]
  const lists = [
    '/v1/loans?limit=500',
    '/v1/households?limit=500',
    '/v1/applications?limit=500',
    '/v1/savings-accounts?limit=500',
    '/v1/collection-sessions?limit=500',
    '/v1/support-evaluations?limit=500',
  ]
  for (const url of lists) {
    for (const { who, fits } of scoped) {
      const res = expectStatus(await ta.as(who, { method: 'GET', url }), 200, `${who} ${url}`)
      cells++
      const items = res.json().items as { id: number; branchId?: number; partnerId?: number }[]
      const outside = items.filter((i) => !fits(i)).map((i) => i.id)
      t.same(outside, [], `${who} ${url}: ${items.length} items, none outside the scope`)
    }
  }
  // The collection sheet of point A: a partner officer gets its own groups only, branch staff every group of the
  // point.
  for (const { who, partners } of [
    { who: 'partnerA', partners: [world.partnerA] },
    { who: 'partnerA2', partners: [world.partnerA2] },
    { who: 'officerA', partners: [world.partnerA, world.partnerA2] },
  ] as const) {
    const sheet = expectStatus(
      await ta.as(who, { method: 'GET', url: `/v1/transaction-points/${world.pointA}/collection-sheet` }),
      200,
      `${who} collection sheet`,
    ).json()
    cells++
    const groups = sheet.groups as { groupId: number; partnerId: number }[]
    t.same(
      groups.filter((g) => !(partners as readonly number[]).includes(g.partnerId)).map((g) => g.groupId),
      [],
      `${who} collection sheet of point A: ${groups.length} groups, none of another partner`,
    )
  }
  // Write-off proposals carry their branch only: branch staff see their branch's, a partner officer its partner's
  // loans'.
  for (const { who, branch } of [
    { who: 'managerA', branch: world.branchA },
    { who: 'officerB', branch: world.branchB },
  ] as const) {
    const items = expectStatus(
      await ta.as(who, { method: 'GET', url: '/v1/write-off-proposals?limit=500' }),
      200,
      `${who} write-off proposals`,
    ).json().items as { id: number; branchId: number }[]
    cells++
    t.same(
      items.filter((i) => i.branchId !== branch).map((i) => i.id),
      [],
      `${who} /v1/write-off-proposals: ${items.length} items, none outside the branch`,
    )
  }
  for (const who of ['partnerA2', 'partnerB'] as const) {
    const items = expectStatus(
      await ta.as(who, { method: 'GET', url: '/v1/write-off-proposals?limit=500' }),
      200,
      `${who} write-off proposals`,
    ).json().items as { id: number }[]
    cells++
    t.same(
      items.map((i) => i.id),
      [],
      `${who} /v1/write-off-proposals: none (every proposal is on a loan of partner A)`,
    )
  }
  const all = expectStatus(
    await ta.as('auditor', { method: 'GET', url: '/v1/loans?limit=500' }),
    200,
    'auditor loans',
  ).json().items as { branchId: number }[]
  cells++
  t.ok(
    all.some((l) => l.branchId === world.branchA) && all.some((l) => l.branchId === world.branchB),
    'the auditor sees both branches',
  )
})

t.test('totals', async (t) => {
  t.comment(
    `authorisation matrix: ${cells} cells checked (${TABLE.length} rows × ${CALLERS.length} callers + four ` +
      `eyes + scoped lists)`,
  )
  t.ok(cells >= TABLE.length * CALLERS.length, `${cells} cells`)
})
