/**
 * The authorisation matrix (issue 8, item 3; API.md "Auth").
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
 *   2xx the caller may — each such cell acts on an entity made for it, in the right state.
 * Every 4xx is problem+json and changes nothing (row counts of every table).
 * Then four eyes: an application cannot be approved by its certifier (403 FOUR_EYES), and a
 * support payment cannot be paid by its approver (approve = branch_manager, pay = finance:
 * the approver's own key gets 403 on /pay).
 */
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'
import {
  applicationBody, approvedLoan, certifiedApplication, certifyBody, disbursedLoan, expectStatus, householdWithStatus, submittedApplication, unique,
} from '../helpers/origination.js'
import { supportAction } from '../helpers/support.js'
import {
  approvedSupportPayment, contractOperations, loanlessProgramme, openReconciliation, pendingSupportPayment, povertyRecord, problemViolation, reliabilityWorld, repayment,
} from '../helpers/reliability.js'

const ta = await buildTestApp(t)
const { app, world } = ta
const W = await reliabilityWorld(ta)
const RATES_PROGRAMME = await loanlessProgramme(ta, 'AUTHZ_RATES')
const BUSINESS_DATE = '2026-06-30'

// ————————————————————————————————————————————— callers

const CALLERS = ['none', 'bogus', 'admin', 'officerA', 'managerA', 'managerA2', 'officerB', 'managerB', 'partnerA', 'partnerA2', 'partnerB', 'finance', 'finance2', 'auditor'] as const
type Caller = (typeof CALLERS)[number]
/** A well-formed key no user has. */
const BOGUS_KEY = `pc_${'0'.repeat(12)}_${'A'.repeat(32)}`

function send(who: Caller, opts: InjectOptions): Promise<LightMyRequestResponse> {
  if (who === 'none') return app.inject(opts)
  if (who === 'bogus') return app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${BOGUS_KEY}` } })
  return ta.as(who as KeyName, opts)
}

// ————————————————————————————————————————————— the expected table

type Row = Record<Caller, number>
/** Expected status per caller, in CALLERS order: none bogus admin officerA managerA managerA2 officerB managerB partnerA partnerA2 partnerB finance finance2 auditor */
function row(...statuses: number[]): Row {
  if (statuses.length !== CALLERS.length) throw new Error(`a row needs ${CALLERS.length} statuses, got ${statuses.length}`)
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
const post = (url: string, payload?: object, headers: Record<string, string> = {}): InjectOptions => ({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) })

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
/** Risk decisions on a loan of branch A: branch managers of A only. */
const MANAGER_DECIDES_A = row(U, U, F, F, 201, 201, F, N, F, F, F, F, F, F)

const TABLE: Target[] = [
  // Operations
  { op: 'GET /health', expect: PUBLIC, request: get('/health') },
  { op: 'GET /ready', expect: PUBLIC, request: get('/ready') },
  { op: 'GET /v1/business-date', expect: ANY_ROLE, request: get('/v1/business-date') },
  { op: 'GET /v1/audit', expect: ADMIN_AUDITOR, request: get('/v1/audit?limit=5') },
  { op: 'POST /v1/close-of-business', expect: row(U, U, 200, F, F, F, F, F, F, F, F, F, F, F), request: () => post('/v1/close-of-business', { date: BUSINESS_DATE }) },

  // Organisation and reference data (admin)
  { op: 'POST /v1/branches', expect: ADMIN_CREATES, request: () => post('/v1/branches', { code: code('BR'), name: 'Branch', province: 'Quảng Nam' }) },
  { op: 'GET /v1/branches', expect: ANY_ROLE, request: get('/v1/branches') },
  { op: 'POST /v1/transaction-points', expect: ADMIN_CREATES, request: () => post('/v1/transaction-points', { code: code('TP'), name: 'Point', branchId: world.branchA, commune: 'Hòa Vang', sessionDay: 10 }) },
  { op: 'GET /v1/transaction-points', expect: ANY_ROLE, request: get('/v1/transaction-points') },
  { op: 'POST /v1/partners', expect: ADMIN_CREATES, request: () => post('/v1/partners', { code: code('P'), name: 'Youth Union', kind: 'youth_union', branchId: world.branchA }) },
  { op: 'GET /v1/partners', expect: ANY_ROLE, request: get('/v1/partners') },
  { op: 'POST /v1/groups', expect: ADMIN_CREATES, request: () => post('/v1/groups', { code: code('G'), name: 'Group', partnerId: world.partnerA, transactionPointId: world.pointA, village: 'Thôn 9' }) },
  { op: 'GET /v1/groups', expect: ANY_ROLE, request: get('/v1/groups') },
  { op: 'POST /v1/users', expect: ADMIN_CREATES, request: () => post('/v1/users', { name: 'New auditor', role: 'auditor' }) },
  { op: 'GET /v1/users', expect: ADMIN_AUDITOR, request: get('/v1/users') },
  { op: 'POST /v1/users/{id}/api-keys', expect: ADMIN_CREATES, request: () => post(`/v1/users/${W.userId}/api-keys`, { label: 'authz' }) },
  {
    op: 'POST /v1/programmes', expect: ADMIN_CREATES,
    request: () => post('/v1/programmes', {
      code: code('PROG'), name: 'Programme', legalBasis: 'Test', eligibleStatuses: ['poor'], eligibleAreas: 'any', maxAmount: 10_000_000, maxTermMonths: 12,
      fundingSource: 'central', defaultPrincipalPlan: { everyMonths: 1, graceMonths: 0 }, rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5000 }],
    }),
  },
  { op: 'GET /v1/programmes', expect: ANY_ROLE, request: get('/v1/programmes') },
  { op: 'GET /v1/programmes/{code}', expect: ANY_ROLE, request: get('/v1/programmes/POOR') },
  { op: 'POST /v1/programmes/{code}/rates', expect: ADMIN_CREATES, request: () => post(`/v1/programmes/${RATES_PROGRAMME}/rates`, { effectiveFrom: uniqueDate('2030-01-01'), monthlyRatePpm: 4000 }) },
  {
    op: 'POST /v1/local-policies', expect: ADMIN_CREATES,
    request: () => post('/v1/local-policies', { code: code('POL'), name: 'Policy', region: 'Đà Nẵng', programmeCode: 'POOR', borrowerRatePpm: 1000, effectiveFrom: '2030-01-01' }),
  },
  { op: 'GET /v1/local-policies', expect: ANY_ROLE, request: get('/v1/local-policies') },
  { op: 'POST /v1/fee-rates', expect: ADMIN_CREATES, request: () => post('/v1/fee-rates', { effectiveFrom: uniqueDate('2031-01-01'), entrustmentFeeRatePpm: 1000, groupCommissionRatePpm: 2000 }) },
  { op: 'GET /v1/fee-rates', expect: FINANCE_READ, request: get('/v1/fee-rates') },

  // Households
  {
    // The group is named in the body: another scope's staff get 403 FORBIDDEN (households/service.ts createHousehold).
    op: 'POST /v1/households', expect: row(U, U, 201, 201, 201, 201, F, F, 201, F, F, F, F, F),
    request: () => post('/v1/households', { nationalId: nationalId(), headName: 'Trần Thị B', groupId: world.groupA, area: 'rural', address: 'Thôn 1, Hòa Bắc' }),
  },
  { op: 'GET /v1/households', expect: ANY_ROLE, request: get('/v1/households') },
  { op: 'GET /v1/households/{id}', expect: READ_A, request: get(`/v1/households/${W.householdA}`) },
  { op: 'GET /v1/households/{id}', variant: 'household of branch B', expect: READ_B, request: get(`/v1/households/${W.householdB}`) },
  {
    op: 'POST /v1/households/{id}/poverty-status', expect: row(U, U, 201, 201, 201, 201, N, N, 201, N, N, F, F, F),
    request: () => post(`/v1/households/${W.householdA}/poverty-status`, { status: 'poor', effectiveDate: '2019-03-01', decisionNo: unique('QD') }),
  },
  { op: 'GET /v1/households/{id}/poverty-status', expect: READ_A, request: get(`/v1/households/${W.householdA}/poverty-status`) },
  {
    op: 'POST /v1/households/{id}/poverty-status/{recordId}/revoke', expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/households/${W.householdA}/poverty-status/${fresh ? await povertyRecord(ta, W.householdA) : W.povertyRecordA}/revoke`, { reason: 'Recorded in error' }),
  },

  // Origination
  {
    // The household is named in the body: another scope's callers get 403 FORBIDDEN (applications/service.ts submitApplication).
    op: 'POST /v1/applications', expect: row(U, U, 201, 201, F, F, F, F, 201, F, F, F, F, F),
    request: async (fresh) => post('/v1/applications', applicationBody(fresh ? await householdWithStatus(ta) : W.householdA, { applicationDate: '2026-06-01' })),
  },
  { op: 'GET /v1/applications', expect: ANY_ROLE, request: get('/v1/applications') },
  { op: 'GET /v1/applications/{id}', expect: READ_A, request: get(`/v1/applications/${W.submittedApplicationA}`) },
  { op: 'GET /v1/applications/{id}', variant: 'application of branch B', expect: READ_B, request: get(`/v1/applications/${W.applicationB}`) },
  {
    op: 'POST /v1/applications/{id}/certify', expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/certify`, certifyBody('2026-06-05')),
  },
  {
    // Branch managers only — not even admin (four eyes: the approver is a manager of the branch).
    op: 'POST /v1/applications/{id}/approve', expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/applications/${fresh ? (await certifiedApplication(ta)).applicationId : W.certifiedApplicationA}/approve`, { approvedOn: '2026-06-10' }),
  },
  {
    op: 'POST /v1/applications/{id}/reject', expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/reject`, { reason: 'Incomplete file' }),
  },
  {
    op: 'POST /v1/applications/{id}/withdraw', expect: row(U, U, 200, 200, 200, 200, N, N, 200, N, N, F, F, F),
    request: async (fresh) => post(`/v1/applications/${fresh ? (await submittedApplication(ta)).applicationId : W.submittedApplicationA}/withdraw`, { reason: 'No longer needed' }),
  },
  {
    op: 'POST /v1/schedules/preview', expect: row(U, U, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    request: () => post('/v1/schedules/preview', { amount: 30_000_000, termMonths: 36, principalPlan: { everyMonths: 6, graceMonths: 0 }, monthlyRatePpm: 5500, disbursementDate: '2026-06-15', sessionDay: 15 }),
  },

  // Loans
  { op: 'GET /v1/loans', expect: ANY_ROLE, request: get('/v1/loans') },
  { op: 'GET /v1/loans/{id}', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}`) },
  { op: 'GET /v1/loans/{id}', variant: 'loan of branch B', expect: READ_B, request: get(`/v1/loans/${W.activeLoanB}`) },
  { op: 'GET /v1/loans/{id}/schedule', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}/schedule`) },
  { op: 'GET /v1/loans/{id}/transactions', expect: READ_A, request: get(`/v1/loans/${W.activeLoanA}/transactions`) },
  {
    op: 'POST /v1/loans/{id}/disbursements', expect: BRANCH_POSTS_A,
    request: async (fresh) => post(`/v1/loans/${fresh ? (await approvedLoan(ta)).loanId : W.approvedLoanA}/disbursements`, { amount: 30_000_000, valueDate: '2026-06-15' }, idem()),
  },
  { op: 'POST /v1/loans/{id}/repayments', expect: BRANCH_POSTS_A, request: () => post(`/v1/loans/${W.activeLoanA}/repayments`, { amount: 50_000, valueDate: BUSINESS_DATE }, idem()) },
  {
    op: 'POST /v1/loans/{id}/repayments', variant: 'loan of branch B', expect: row(U, U, F, N, N, N, 201, 201, F, F, F, F, F, F),
    request: () => post(`/v1/loans/${W.activeLoanB}/repayments`, { amount: 50_000, valueDate: BUSINESS_DATE }, idem()),
  },
  {
    op: 'POST /v1/loans/{id}/transactions/{txId}/reverse', expect: BRANCH_POSTS_A,
    request: async (fresh) => post(`/v1/loans/${W.activeLoanA}/transactions/${fresh ? await repayment(ta, W.activeLoanA, 20_000) : W.repaymentTxA}/reverse`, { reason: 'Posted twice' }),
  },
  {
    op: 'POST /v1/loans/{id}/extensions', expect: MANAGER_DECIDES_A,
    request: async (fresh) => post(`/v1/loans/${fresh ? (await disbursedLoan(ta)).loanId : W.activeLoanA}/extensions`, { decisionNo: unique('QD'), cause: 'Flood', instalmentNumber: 1, newDueDate: '2026-12-15' }),
  },
  {
    op: 'POST /v1/loans/{id}/freeze', expect: MANAGER_DECIDES_A,
    request: async (fresh) => post(`/v1/loans/${fresh ? (await disbursedLoan(ta)).loanId : W.activeLoanA}/freeze`, { decisionNo: unique('QD'), cause: 'Typhoon', untilDate: '2026-12-31' }),
  },
  {
    op: 'POST /v1/loans/{id}/write-off', expect: MANAGER_DECIDES_A,
    request: async (fresh) => post(`/v1/loans/${fresh ? (await disbursedLoan(ta)).loanId : W.activeLoanA}/write-off`, { decisionNo: unique('QD'), cause: 'Death of the borrower' }),
  },
  {
    // The group is named in the body; another branch's staff get 404 (collections/service.ts assertInScope).
    op: 'POST /v1/collection-sessions', expect: BRANCH_POSTS_A,
    request: () => post('/v1/collection-sessions', { transactionPointId: world.pointA, groupId: world.groupA, sessionDate: BUSINESS_DATE, lines: [{ loanId: W.activeLoanA, interest: 0, principal: 30_000, savings: 10_000 }] }, idem()),
  },

  // Support payments
  { op: 'GET /v1/support-payments', expect: ANY_ROLE, request: get('/v1/support-payments') },
  { op: 'GET /v1/support-payments/{id}', expect: READ_A, request: get(`/v1/support-payments/${W.pendingSupportA}`) },
  {
    op: 'POST /v1/support-payments/{id}/approve', expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/support-payments/${fresh ? (await pendingSupportPayment(ta)).id : W.pendingSupportA}/approve`, undefined, idem()),
  },
  {
    op: 'POST /v1/support-payments/{id}/reject', expect: row(U, U, F, F, 200, 200, F, N, F, F, F, F, F, F),
    request: async (fresh) => post(`/v1/support-payments/${fresh ? (await pendingSupportPayment(ta)).id : W.pendingSupportA}/reject`, { reason: 'Exit not confirmed' }, idem()),
  },
  {
    // Finance only: the branch manager who approves can never pay (four eyes by role).
    op: 'POST /v1/support-payments/{id}/pay', expect: row(U, U, F, F, F, F, F, F, F, F, F, 200, 200, F),
    request: async (fresh) => post(`/v1/support-payments/${fresh ? (await approvedSupportPayment(ta)).id : W.approvedSupportA}/pay`, { paidOn: BUSINESS_DATE, reference: unique('VCB') }, idem()),
  },

  // Finance and reports
  { op: 'GET /v1/ledger/trial-balance', expect: FINANCE_READ, request: get('/v1/ledger/trial-balance') },
  { op: 'GET /v1/ledger/entries', expect: FINANCE_READ, request: get('/v1/ledger/entries?limit=5') },
  { op: 'GET /v1/reports/portfolio', expect: ANY_ROLE, request: get('/v1/reports/portfolio?groupBy=branch') },
  { op: 'GET /v1/reports/collections', expect: ANY_ROLE, request: get('/v1/reports/collections?from=2026-06-01&to=2026-06-30') },
  { op: 'GET /v1/reports/posting-list', expect: ANY_ROLE, request: get(`/v1/reports/posting-list?transactionPointId=${world.pointA}`) },
  { op: 'GET /v1/reports/support-payments', expect: ANY_ROLE, request: get('/v1/reports/support-payments') },
  { op: 'GET /v1/reports/partner-fees', expect: FINANCE_READ, request: get('/v1/reports/partner-fees?month=2026-05') },
  {
    op: 'POST /v1/reconciliations', expect: row(U, U, F, F, F, F, F, F, F, F, F, 201, 201, F),
    request: () => post('/v1/reconciliations', { transactionPointId: world.pointA, date: uniqueDate('2026-03-01'), lines: [] }),
  },
  { op: 'GET /v1/reconciliations', expect: row(U, U, 200, 200, 200, 200, 200, 200, F, F, F, 200, 200, 200), request: get('/v1/reconciliations') },
  { op: 'GET /v1/reconciliations/{id}', expect: row(U, U, 200, 200, 200, 200, N, N, F, F, F, 200, 200, 200), request: get(`/v1/reconciliations/${W.reconciliationA}`) },
  {
    op: 'GET /v1/reconciliations/{id}', variant: 'reconciliation of branch B', expect: row(U, U, 200, N, N, N, 200, 200, F, F, F, 200, 200, 200),
    request: get(`/v1/reconciliations/${W.reconciliationB}`),
  },
  {
    op: 'POST /v1/reconciliations/{id}/close', expect: row(U, U, F, F, F, F, F, F, F, F, F, 200, 200, F),
    request: async (fresh) => post(`/v1/reconciliations/${fresh ? await openReconciliation(ta, uniqueDate('2026-04-01')) : W.reconciliationA}/close`),
  },
]

// ————————————————————————————————————————————— the tests

let cells = 0

t.test('the table covers every operation of openapi/openapi.json, and nothing else', async (t) => {
  const contract = contractOperations().map((o) => o.key).sort()
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
      t.equal(res.statusCode, expected, `${who} → ${expected}`, res.statusCode === expected ? {} : { body: res.body.slice(0, 300) })
      if (res.statusCode >= 400) {
        const why = problemViolation(res)
        t.notOk(why, `${who}: problem+json`, why ? { why, body: res.body.slice(0, 200) } : {})
        t.same(rowCounts(app), before, `${who}: refused, nothing changed`)
      }
      const codeFor: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }
      if (res.statusCode === expected && codeFor[expected]) t.equal(res.json().code, codeFor[expected], `${who}: code ${codeFor[expected]}`)
    }
  })
}

t.test('four eyes: an application is not approved by its certifier', async (t) => {
  // A branch manager may certify; the same manager may then not approve (FOUR_EYES), another manager of the branch may.
  const a = await certifiedApplication(ta, { certifier: 'managerA' })
  const before = rowCounts(app)
  const own = await ta.as('managerA', { method: 'POST', url: `/v1/applications/${a.applicationId}/approve`, payload: { approvedOn: '2026-06-10' } })
  cells++
  t.equal(own.statusCode, 403, 'the certifier approving → 403')
  t.equal(own.json().code, 'FOUR_EYES', 'code FOUR_EYES')
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const app1 = expectStatus(await ta.as('managerA', { method: 'GET', url: `/v1/applications/${a.applicationId}` }), 200, 'get application').json()
  t.equal(app1.status, 'certified', 'still certified')
  const other = await ta.as('managerA2', { method: 'POST', url: `/v1/applications/${a.applicationId}/approve`, payload: { approvedOn: '2026-06-10' } })
  cells++
  t.equal(other.statusCode, 200, 'another manager of the branch approves → 200')
})

t.test('four eyes: a support payment is not paid by its approver', async (t) => {
  const p = await approvedSupportPayment(ta, 'managerA2')
  const before = rowCounts(app)
  const own = await supportAction(ta, 'managerA2', p.id, 'pay', { paidOn: BUSINESS_DATE, reference: unique('VCB') })
  cells++
  t.equal(own.statusCode, 403, 'the approver\'s own key on /pay → 403 (pay is finance\'s role)')
  t.notOk(problemViolation(own), 'problem+json')
  t.same(rowCounts(app), before, 'nothing changed')
  const view = expectStatus(await ta.as('finance', { method: 'GET', url: `/v1/support-payments/${p.id}` }), 200, 'get payment').json()
  t.equal(view.status, 'approved', 'still approved, not paid')
  t.equal(view.approvedBy, world.userIds.managerA2, 'approved by managerA2')
  const paid = await supportAction(ta, 'finance', p.id, 'pay', { paidOn: BUSINESS_DATE, reference: unique('VCB') })
  cells++
  t.equal(paid.statusCode, 200, 'finance pays → 200')
  t.equal(paid.json().paidBy, world.userIds.finance, 'paid by finance, not by the approver')
})

t.test('lists show only the caller\'s scope', async (t) => {
  const scoped: { who: KeyName; fits: (item: { branchId?: number; partnerId?: number }) => boolean }[] = [
    { who: 'officerA', fits: (i) => i.branchId === world.branchA },
    { who: 'officerB', fits: (i) => i.branchId === world.branchB },
    { who: 'partnerA', fits: (i) => i.partnerId === world.partnerA },
    { who: 'partnerA2', fits: (i) => i.partnerId === world.partnerA2 },
    { who: 'partnerB', fits: (i) => i.partnerId === world.partnerB },
  ]
  for (const url of ['/v1/loans?limit=500', '/v1/households?limit=500', '/v1/applications?limit=500']) {
    for (const { who, fits } of scoped) {
      const res = expectStatus(await ta.as(who, { method: 'GET', url }), 200, `${who} ${url}`)
      cells++
      const items = res.json().items as { id: number; branchId?: number; partnerId?: number }[]
      const outside = items.filter((i) => !fits(i)).map((i) => i.id)
      t.same(outside, [], `${who} ${url}: ${items.length} items, none outside the scope`)
    }
  }
  const all = expectStatus(await ta.as('auditor', { method: 'GET', url: '/v1/loans?limit=500' }), 200, 'auditor loans').json().items as { branchId: number }[]
  cells++
  t.ok(all.some((l) => l.branchId === world.branchA) && all.some((l) => l.branchId === world.branchB), 'the auditor sees both branches')
})

t.test('totals', async (t) => {
  t.comment(`authorisation matrix: ${cells} cells checked (${TABLE.length} rows × ${CALLERS.length} callers + four eyes + scoped lists)`)
  t.ok(cells >= TABLE.length * CALLERS.length, `${cells} cells`)
})
