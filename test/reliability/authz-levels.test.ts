/**
 * The authorisation matrix extended with levels (docs/rules.md §21): every role at every level of the organisation
 * tree sees exactly its subtree.
 *
 * The world: two provinces — P (Đà Nẵng) with districts A (branch A of the shared fixtures) and A2 (a branch created
 * under P), Q (Huế) with district B — and a partner tree of the Women's Union: the province union of P → the district
 * association at A → the commune chapter of point A's commune; another association at A2, under the same union.
 * Groups of the chapter and the association meet at point A, the A2 association's at point A2; group B (partner B)
 * at point B. Each of these four "slots" gets households, applications, loans (disbursed, some overdue), collection
 * sessions, support payments and savings accounts as the shared fixtures allow.
 *
 * The callers, one node each: a branch manager of the head office, branch managers of provinces P and Q, the officer
 * of district A (a branch user), an officer scoped to district A's office (an office user over a district: must behave
 * exactly like the branch user), supervisors of P and of district A2, and the partner officers of the union, the A
 * association and the chapter.
 *
 * Expected statuses and the slots each caller sees in every list are written out as data below — derived from the
 * rule in docs/rules.md §21, NOT computed from src/platform/scope.ts — so a change of the rule fails here.
 */
import t, { type Test } from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, nationalId, rowCounts, type KeyName, type TestApp } from '../helpers/app.js'
import {
  certifiedApplication,
  certifyBody,
  disbursedLoan,
  expectStatus,
  submittedApplication,
  unique,
} from '../helpers/origination.js'
import { overdueLoan } from '../helpers/loan-controls.js'
import { sessionCookieOf, signIn, userWithPassword, withSession } from '../helpers/session.js'
import { collectionSession, pendingSupportPayment, problemViolation, savingsAccount } from '../helpers/reliability.js'

t.setTimeout(600_000)

const ta = await buildTestApp(t)
const { app, world } = ta
const BUSINESS_DATE = '2026-06-30'

const admin = (opts: InjectOptions) => ta.as('admin', opts)
const must = async (res: Promise<LightMyRequestResponse>, status: number, what: string) =>
  expectStatus(await res, status, what).json()

// ————————————————————————————————————————————— the tree

const headOffice = app.sqlite.prepare("SELECT id FROM offices WHERE level = 'head_office'").pluck().get() as number
const officeOfBranch = (branchId: number) =>
  app.sqlite.prepare('SELECT office_id FROM branches WHERE id = ?').pluck().get(branchId) as number
const parentOf = (officeId: number) =>
  app.sqlite.prepare('SELECT parent_id FROM offices WHERE id = ?').pluck().get(officeId) as number
const districtA = officeOfBranch(world.branchA)
const provinceP = parentOf(districtA)
const provinceQ = parentOf(officeOfBranch(world.branchB))

const branchA2 = (
  await must(
    admin({
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-A2', name: 'Branch A2 (Hòa Vang)', province: 'Đà Nẵng', provinceOfficeId: provinceP },
    }),
    201,
    'branch A2',
  )
).id as number
const pointA2 = (
  await must(
    admin({
      method: 'POST',
      url: '/v1/transaction-points',
      payload: { code: 'TP-A2', name: 'Point A2', branchId: branchA2, commune: 'Hòa Phú', sessionDay: 15 },
    }),
    201,
    'point A2',
  )
).id as number
const communeOfPointA = app.sqlite
  .prepare('SELECT place_id FROM transaction_points WHERE id = ?')
  .pluck()
  .get(world.pointA) as number

const partner = async (payload: object, what: string) =>
  (await must(admin({ method: 'POST', url: '/v1/partners', payload }), 201, what)).id as number
const unionP = await partner(
  { code: 'WU-P', name: 'Hội LHPN tỉnh P', kind: 'womens_union', level: 'province', officeId: provinceP },
  'province union',
)
const assocA = await partner(
  { code: 'WU-A', name: 'Hội LHPN huyện A', kind: 'womens_union', branchId: world.branchA, parentId: unionP },
  'district association A',
)
const chapterA = await partner(
  {
    code: 'WU-A-C1',
    name: 'Chi hội phụ nữ xã Hòa Bắc',
    kind: 'womens_union',
    level: 'commune',
    branchId: world.branchA,
    placeId: communeOfPointA,
    parentId: assocA,
  },
  'commune chapter',
)
const assocA2 = await partner(
  { code: 'WU-A2', name: 'Hội LHPN huyện A2', kind: 'womens_union', branchId: branchA2, parentId: unionP },
  'district association A2',
)
const group = async (code: string, partnerId: number, transactionPointId: number, village: string) =>
  (
    await must(
      admin({
        method: 'POST',
        url: '/v1/groups',
        payload: { code, name: `Tổ ${code}`, partnerId, transactionPointId, village },
      }),
      201,
      `group ${code}`,
    )
  ).id as number
const groupChapter = await group('G-C1', chapterA, world.pointA, 'Thôn 1')
const groupAssoc = await group('G-WA', assocA, world.pointA, 'Thôn 2')
const groupAssocA2 = await group('G-WA2', assocA2, pointA2, 'Thôn 5')

// ————————————————————————————————————————————— users, one node each

/** POST /v1/users then an API key for it (both by admin, over HTTP). */
async function userKey(payload: object): Promise<string> {
  const user = await must(admin({ method: 'POST', url: '/v1/users', payload }), 201, `user ${JSON.stringify(payload)}`)
  const key = await must(admin({ method: 'POST', url: `/v1/users/${user.id}/api-keys`, payload: {} }), 201, 'key')
  return key.key as string
}

const CALLERS = [
  'hoManager',
  'provPManager',
  'provQManager',
  'officerA',
  'officeA',
  'supervisorP',
  'supervisorA2',
  'unionP',
  'assocA',
  'chapterA',
] as const
type Caller = (typeof CALLERS)[number]

const KEYS: Record<Caller, string> = {
  hoManager: await userKey({ name: 'Giám đốc Hội sở', role: 'branch_manager', officeId: headOffice }),
  provPManager: await userKey({ name: 'Giám đốc chi nhánh tỉnh P', role: 'branch_manager', officeId: provinceP }),
  provQManager: await userKey({ name: 'Giám đốc chi nhánh tỉnh Q', role: 'branch_manager', officeId: provinceQ }),
  officerA: world.keys.officerA,
  officeA: await userKey({ name: 'Cán bộ phòng giao dịch A', role: 'branch_officer', officeId: districtA }),
  supervisorP: await userKey({ name: 'Kiểm soát viên tỉnh P', role: 'supervisor', officeId: provinceP }),
  supervisorA2: await userKey({ name: 'Kiểm soát viên huyện A2', role: 'supervisor', branchId: branchA2 }),
  unionP: await userKey({ name: 'Cán bộ Hội tỉnh P', role: 'partner_officer', partnerId: unionP }),
  assocA: await userKey({ name: 'Cán bộ Hội huyện A', role: 'partner_officer', partnerId: assocA }),
  chapterA: await userKey({ name: 'Chi hội trưởng xã Hòa Bắc', role: 'partner_officer', partnerId: chapterA }),
}
/** Fixture users of A2 (they make its entities; they are not callers of the matrix). */
const A2_KEYS = {
  partner: await userKey({ name: 'Cán bộ Hội huyện A2', role: 'partner_officer', partnerId: assocA2 }),
  officer: await userKey({ name: 'Cán bộ tín dụng A2', role: 'branch_officer', branchId: branchA2 }),
  manager: await userKey({ name: 'Giám đốc phòng giao dịch A2', role: 'branch_manager', branchId: branchA2 }),
}

const send = (who: Caller, opts: InjectOptions) =>
  app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${KEYS[who]}` } })

// ————————————————————————————————————————————— the four slots and their entities

type SlotName = 'chapter' | 'assoc' | 'a2' | 'b'
/**
 * The shared fixtures act on "group A" with the keys partnerA / officerA / managerA: a slot is the same test app seen
 * with another group, point and keys under those names.
 */
function slotApp(groupId: number, pointId: number, keys: Partial<Record<KeyName, string>>): TestApp {
  return {
    app,
    world: { ...world, groupA: groupId, pointA: pointId },
    as: (who, opts) =>
      app.inject({
        ...opts,
        headers: { authorization: `Bearer ${(who && keys[who]) ?? world.keys[who!]}`, ...(opts.headers ?? {}) },
      }),
  }
}
const SLOT_APP: Record<Exclude<SlotName, 'b'>, TestApp> = {
  chapter: slotApp(groupChapter, world.pointA, { partnerA: KEYS.chapterA }),
  assoc: slotApp(groupAssoc, world.pointA, { partnerA: KEYS.assocA }),
  a2: slotApp(groupAssocA2, pointA2, {
    partnerA: A2_KEYS.partner,
    officerA: A2_KEYS.officer,
    managerA: A2_KEYS.manager,
    managerA2: A2_KEYS.manager,
  }),
}
const SLOT_PARTNER: Record<SlotName, number> = { chapter: chapterA, assoc: assocA, a2: assocA2, b: world.partnerB }

interface SlotEntities {
  household: number
  application: number
  loan: number
  session: number
  savings: number
  support: number | null
}
async function entitiesOf(slot: SlotName): Promise<SlotEntities> {
  const sa = slot === 'b' ? ta : SLOT_APP[slot]
  const g = slot === 'b' ? 'groupB' : 'groupA'
  const application = await submittedApplication(sa, { group: g })
  const loan = await disbursedLoan(sa, { group: g })
  await overdueLoan(sa, { group: g })
  return {
    household: application.householdId,
    application: application.applicationId,
    loan: loan.loanId,
    session: await collectionSession(sa, loan.loanId, g),
    savings: await savingsAccount(sa, g),
    // The support fixture's local policy is Đà Nẵng's: none in province Q.
    support: slot === 'b' ? null : (await pendingSupportPayment(sa)).id,
  }
}
const E: Record<SlotName, SlotEntities> = {
  chapter: await entitiesOf('chapter'),
  assoc: await entitiesOf('assoc'),
  a2: await entitiesOf('a2'),
  b: await entitiesOf('b'),
}

// ————————————————————————————————————————————— the expected table

type Row = Record<Caller, number>
/**
 * Expected status per caller, in CALLERS order: hoManager provPManager provQManager officerA officeA supervisorP
 * supervisorA2 unionP assocA chapterA
 */
function row(...statuses: number[]): Row {
  if (statuses.length !== CALLERS.length) throw new Error(`a row needs ${CALLERS.length} statuses`)
  return Object.fromEntries(CALLERS.map((c, i) => [c, statuses[i]!])) as Row
}
const F = 403
const N = 404

//                                    ho   P    Q  offA offiA supP supA2 union assoc chapter
const READ_CHAPTER = /*   */ row(200, 200, N, 200, 200, 200, N, 200, 200, 200)
const READ_ASSOC = /*     */ row(200, 200, N, 200, 200, 200, N, 200, 200, N)
const READ_A2 = /*        */ row(200, 200, N, N, N, 200, 200, 200, N, N)
const READ_B = /*         */ row(200, N, 200, N, N, N, N, N, N, N)
const READ: Record<SlotName, Row> = { chapter: READ_CHAPTER, assoc: READ_ASSOC, a2: READ_A2, b: READ_B }
/** Registering a household in a slot's group (branch staff and partner officers; the group is named in the body). */
const REGISTER_CHAPTER = row(201, 201, F, 201, 201, F, F, 201, 201, 201)
const REGISTER_A2 = /*    */ row(201, 201, F, F, F, F, F, 201, F, F)
/** Certifying (branch staff). */
const CERTIFY_CHAPTER = /**/ row(200, 200, N, 200, 200, F, F, F, F, F)
const CERTIFY_A2 = /*     */ row(200, 200, N, N, N, F, F, F, F, F)
/** Approving (branch managers). */
const APPROVE_CHAPTER = /**/ row(200, 200, N, F, F, F, F, F, F, F)
const APPROVE_A2 = /*     */ row(200, 200, N, F, F, F, F, F, F, F)
const APPROVE_B = /*      */ row(200, N, 200, F, F, F, F, F, F, F)
/** Posting a repayment (branch staff handle cash; supervisors and partners never). */
const REPAY_CHAPTER = /*  */ row(201, 201, N, 201, 201, F, F, F, F, F)
const REPAY_A2 = /*       */ row(201, 201, N, N, N, F, F, F, F, F)
const REPAY_B = /*        */ row(201, N, 201, N, N, F, F, F, F, F)

interface Target {
  name: string
  expect: Row
  /** `fresh`: the cell expects success — act on an entity of its own in the right state */
  request: (fresh: boolean) => Promise<InjectOptions> | InjectOptions
}
const get = (url: string) => () => ({ method: 'GET', url }) as InjectOptions
const idem = () => ({ 'idempotency-key': unique('levels') })
const household = (groupId: number) => (): InjectOptions => ({
  method: 'POST',
  url: '/v1/households',
  payload: {
    nationalId: nationalId(),
    headName: 'Lê Thị Hoa',
    groupId,
    area: 'rural',
    address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
  },
})
const certify = (slot: 'chapter' | 'a2') => async (fresh: boolean) => ({
  method: 'POST' as const,
  url: `/v1/applications/${fresh ? (await submittedApplication(SLOT_APP[slot])).applicationId : E[slot].application}/certify`,
  payload: certifyBody('2026-06-05'),
})
const approve = (slot: 'chapter' | 'a2' | 'b') => async () => {
  // Always a fresh certified application: the cell must not find one already decided by an earlier cell.
  const sa = slot === 'b' ? ta : SLOT_APP[slot]
  const a = await certifiedApplication(sa, { group: slot === 'b' ? 'groupB' : 'groupA' })
  return {
    method: 'POST' as const,
    url: `/v1/applications/${a.applicationId}/approve`,
    payload: { approvedOn: '2026-06-10' },
  }
}
const repay = (slot: SlotName) => () => ({
  method: 'POST' as const,
  url: `/v1/loans/${E[slot].loan}/repayments`,
  headers: idem(),
  payload: { amount: 100_000, valueDate: BUSINESS_DATE },
})

const READS: Target[] = (['chapter', 'assoc', 'a2', 'b'] as const).flatMap((slot) => [
  { name: `GET household (${slot})`, expect: READ[slot], request: get(`/v1/households/${E[slot].household}`) },
  { name: `GET application (${slot})`, expect: READ[slot], request: get(`/v1/applications/${E[slot].application}`) },
  { name: `GET loan (${slot})`, expect: READ[slot], request: get(`/v1/loans/${E[slot].loan}`) },
  { name: `GET schedule (${slot})`, expect: READ[slot], request: get(`/v1/loans/${E[slot].loan}/schedule`) },
  {
    name: `GET collection session (${slot})`,
    expect: READ[slot],
    request: get(`/v1/collection-sessions/${E[slot].session}`),
  },
  {
    name: `GET savings account (${slot})`,
    expect: READ[slot],
    request: get(`/v1/savings-accounts/${E[slot].savings}`),
  },
  ...(E[slot].support === null
    ? []
    : [
        {
          name: `GET support payment (${slot})`,
          expect: READ[slot],
          request: get(`/v1/support-payments/${E[slot].support}`),
        },
      ]),
])
const WRITES: Target[] = [
  { name: 'POST household in the chapter group', expect: REGISTER_CHAPTER, request: household(groupChapter) },
  { name: 'POST household in the A2 group', expect: REGISTER_A2, request: household(groupAssocA2) },
  { name: 'certify an application (chapter)', expect: CERTIFY_CHAPTER, request: certify('chapter') },
  { name: 'certify an application (A2)', expect: CERTIFY_A2, request: certify('a2') },
  { name: 'approve an application (chapter)', expect: APPROVE_CHAPTER, request: approve('chapter') },
  { name: 'approve an application (A2)', expect: APPROVE_A2, request: approve('a2') },
  { name: 'approve an application (B)', expect: APPROVE_B, request: approve('b') },
  { name: 'post a repayment (chapter)', expect: REPAY_CHAPTER, request: repay('chapter') },
  { name: 'post a repayment (A2)', expect: REPAY_A2, request: repay('a2') },
  { name: 'post a repayment (B)', expect: REPAY_B, request: repay('b') },
]

// ————————————————————————————————————————————— the lists: which slots each caller sees

/** The slots (their households, applications, loans, sessions, payments, accounts) in each caller's lists. */
const VISIBLE: Record<Caller, SlotName[]> = {
  hoManager: ['chapter', 'assoc', 'a2', 'b'],
  provPManager: ['chapter', 'assoc', 'a2'],
  provQManager: ['b'],
  officerA: ['chapter', 'assoc'],
  officeA: ['chapter', 'assoc'],
  supervisorP: ['chapter', 'assoc', 'a2'],
  supervisorA2: ['a2'],
  unionP: ['chapter', 'assoc', 'a2'],
  assocA: ['chapter', 'assoc'],
  chapterA: ['chapter'],
}
const CUSTOMER_LISTS = [
  '/v1/households',
  '/v1/applications',
  '/v1/loans',
  '/v1/loans?classification=overdue',
  '/v1/collection-sessions',
  '/v1/support-payments',
  '/v1/savings-accounts',
]

const NAMED = {
  partnerA: world.partnerA,
  partnerA2: world.partnerA2,
  partnerB: world.partnerB,
  unionP,
  assocA,
  chapterA,
  assocA2,
  groupA: world.groupA,
  groupA2: world.groupA2,
  groupB: world.groupB,
  groupChapter,
  groupAssoc,
  groupAssocA2,
  branchA: world.branchA,
  branchA2,
  branchB: world.branchB,
  pointA: world.pointA,
  pointA2,
  pointB: world.pointB,
}
type Named = keyof typeof NAMED
/** The organisation lists, by name: every caller's exact answer. */
const ORG_LISTS: Record<string, Record<Caller, Named[]>> = {
  '/v1/partners': {
    hoManager: ['partnerA', 'partnerA2', 'partnerB', 'unionP', 'assocA', 'chapterA', 'assocA2'],
    // The province union stands beside the province office: in its province's subtree, not in a district's.
    provPManager: ['partnerA', 'partnerA2', 'unionP', 'assocA', 'chapterA', 'assocA2'],
    provQManager: ['partnerB'],
    officerA: ['partnerA', 'partnerA2', 'assocA', 'chapterA'],
    officeA: ['partnerA', 'partnerA2', 'assocA', 'chapterA'],
    supervisorP: ['partnerA', 'partnerA2', 'unionP', 'assocA', 'chapterA', 'assocA2'],
    supervisorA2: ['assocA2'],
    unionP: ['unionP', 'assocA', 'chapterA', 'assocA2'],
    assocA: ['assocA', 'chapterA'],
    chapterA: ['chapterA'],
  },
  '/v1/groups': {
    hoManager: ['groupA', 'groupA2', 'groupB', 'groupChapter', 'groupAssoc', 'groupAssocA2'],
    provPManager: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc', 'groupAssocA2'],
    provQManager: ['groupB'],
    officerA: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
    officeA: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
    supervisorP: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc', 'groupAssocA2'],
    supervisorA2: ['groupAssocA2'],
    unionP: ['groupChapter', 'groupAssoc', 'groupAssocA2'],
    assocA: ['groupChapter', 'groupAssoc'],
    chapterA: ['groupChapter'],
  },
  // A partner officer reads the branches (and their points) where its partners run groups.
  '/v1/branches': {
    hoManager: ['branchA', 'branchA2', 'branchB'],
    provPManager: ['branchA', 'branchA2'],
    provQManager: ['branchB'],
    officerA: ['branchA'],
    officeA: ['branchA'],
    supervisorP: ['branchA', 'branchA2'],
    supervisorA2: ['branchA2'],
    unionP: ['branchA', 'branchA2'],
    assocA: ['branchA'],
    chapterA: ['branchA'],
  },
  '/v1/transaction-points': {
    hoManager: ['pointA', 'pointA2', 'pointB'],
    provPManager: ['pointA', 'pointA2'],
    provQManager: ['pointB'],
    officerA: ['pointA'],
    officeA: ['pointA'],
    supervisorP: ['pointA', 'pointA2'],
    supervisorA2: ['pointA2'],
    unionP: ['pointA', 'pointA2'],
    assocA: ['pointA'],
    chapterA: ['pointA'],
  },
}

/** The groups of point A's collection sheet per caller (null: the point is outside the scope, 404). */
const SHEET_A: Record<Caller, Named[] | null> = {
  hoManager: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
  provPManager: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
  provQManager: null,
  officerA: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
  officeA: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
  supervisorP: ['groupA', 'groupA2', 'groupChapter', 'groupAssoc'],
  supervisorA2: null,
  unionP: ['groupChapter', 'groupAssoc'],
  assocA: ['groupChapter', 'groupAssoc'],
  chapterA: ['groupChapter'],
}

// ————————————————————————————————————————————— the tests

let cells = 0
const ids = (res: LightMyRequestResponse) =>
  (res.json().items as { id: number }[]).map((i) => i.id).sort((a, b) => a - b)
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b)

// Lists first: the writes below add households, applications and repayments.
t.test('every list answers exactly the slots of the caller’s subtree', async (t) => {
  // What each slot holds, read by admin (who sees everything) and told apart by the slot's partner.
  const truth: Record<string, Record<SlotName, number[]>> = {}
  // A support payment names its loan, not its partner: the loan's partner tells its slot.
  const allLoans = (await must(admin({ method: 'GET', url: '/v1/loans?limit=500' }), 200, 'loans')).items as {
    id: number
    partnerId: number
  }[]
  const partnerOfLoan = new Map(allLoans.map((l) => [l.id, l.partnerId]))
  for (const url of CUSTOMER_LISTS) {
    const sep = url.includes('?') ? '&' : '?'
    const items = (
      (await must(admin({ method: 'GET', url: `${url}${sep}limit=500` }), 200, url)).items as {
        id: number
        partnerId?: number
        loanId?: number
      }[]
    ).map((i) => ({ id: i.id, partnerId: i.partnerId ?? partnerOfLoan.get(i.loanId!) }))
    truth[url] = Object.fromEntries(
      (Object.keys(SLOT_PARTNER) as SlotName[]).map((s) => [
        s,
        items.filter((i) => i.partnerId === SLOT_PARTNER[s]).map((i) => i.id),
      ]),
    ) as Record<SlotName, number[]>
    for (const s of ['chapter', 'a2'] as const)
      t.ok(truth[url]![s].length > 0, `${url}: slot ${s} holds something (the check cannot pass empty)`)
  }
  for (const url of CUSTOMER_LISTS) {
    const sep = url.includes('?') ? '&' : '?'
    for (const who of CALLERS) {
      const res = await send(who, { method: 'GET', url: `${url}${sep}limit=500` })
      cells++
      t.equal(res.statusCode, 200, `${who} ${url} → 200`)
      const expected = sorted(VISIBLE[who].flatMap((s) => truth[url]![s]))
      t.same(ids(res), expected, `${who} ${url}: exactly ${VISIBLE[who].join(', ')}`)
    }
  }
  for (const [url, table] of Object.entries(ORG_LISTS)) {
    for (const who of CALLERS) {
      const res = await send(who, { method: 'GET', url: `${url}?limit=500` })
      cells++
      t.equal(res.statusCode, 200, `${who} ${url} → 200`)
      t.same(ids(res), sorted(table[who].map((n) => NAMED[n])), `${who} ${url}: ${table[who].join(', ')}`)
    }
  }
})

t.test('the portfolio report adds up the caller’s subtree only', async (t) => {
  // Hand-checked, per slot: the disbursed loan (30,000,000 VND on 2026-06-15; the collection session's 10,000 VND goes
  // to the interest accrued since, 30,000,000 × 5,500 ppm × 15/30 days = 82,500 — principal untouched) and the overdue
  // loan (12,000,000, nothing repaid) are active; the support loan is repaid and closed. 42,000,000 VND a slot.
  const SLOT_OUTSTANDING = 30_000_000 + 12_000_000
  for (const who of CALLERS) {
    const res = await send(who, { method: 'GET', url: '/v1/reports/portfolio?groupBy=partner' })
    cells++
    t.equal(res.statusCode, 200, `${who} portfolio → 200`)
    const body = res.json() as { items: { key: string }[]; totals: { loans: number; outstanding: number } }
    t.same(
      body.items.map((i) => Number(i.key)).sort((a, b) => a - b),
      sorted(VISIBLE[who].map((s) => SLOT_PARTNER[s])),
      `${who}: one row per partner of its slots (${VISIBLE[who].join(', ')})`,
    )
    t.equal(body.totals.loans, 2 * VISIBLE[who].length, `${who}: two active loans a slot`)
    t.equal(body.totals.outstanding, SLOT_OUTSTANDING * VISIBLE[who].length, `${who}: 42,000,000 VND a slot`)
  }
})

t.test('the collection sheet of point A: each caller gets the groups of its subtree', async (t) => {
  const sheetGroups = async (who: Caller | 'admin') => {
    const opts: InjectOptions = { method: 'GET', url: `/v1/transaction-points/${world.pointA}/collection-sheet` }
    const res = who === 'admin' ? await admin(opts) : await send(who, opts)
    cells++
    t.equal(res.statusCode, who === 'admin' ? 200 : SHEET_A[who] === null ? 404 : 200, `${who} → sheet status`)
    return res.statusCode === 200 ? sorted((res.json().groups as { groupId: number }[]).map((g) => g.groupId)) : null
  }
  const all = await sheetGroups('admin')
  t.ok(all!.includes(groupChapter) && all!.includes(groupAssoc), 'the sheet lists the chapter and association groups')
  for (const who of CALLERS) {
    const expected = SHEET_A[who]
    const got = await sheetGroups(who)
    t.same(got, expected === null ? null : all!.filter((g) => expected.map((n) => NAMED[n]).includes(g)), `${who}`)
  }
})

t.test('the overdue list of a province counts both its districts', async (t) => {
  // Hand-checked: one overdue loan per slot (disbursed 2025-01-10, 12 monthly instalments, all due by 2026-06-30).
  const overdue = (who: Caller) => send(who, { method: 'GET', url: '/v1/loans?classification=overdue&limit=500' })
  t.equal((await overdue('provPManager')).json().items.length, 3, 'province P: chapter, association A, A2')
  t.equal((await overdue('officerA')).json().items.length, 2, 'district A: chapter and association A')
  t.equal((await overdue('chapterA')).json().items.length, 1, 'the chapter: its own group only')
  t.equal((await overdue('hoManager')).json().items.length, 4, 'the head office: all four')
})

async function runTable(t: Test, targets: Target[]) {
  for (const target of targets) {
    for (const who of CALLERS) {
      const expected = target.expect[who]
      const opts = await target.request(expected < 300)
      const before = expected >= 400 ? rowCounts(app) : null
      const res = await send(who, opts)
      cells++
      t.equal(res.statusCode, expected, `${target.name}: ${who} → ${expected}`, {
        diagnostic: res.statusCode !== expected,
        body: res.body.slice(0, 400),
      })
      if (before) {
        t.notOk(problemViolation(res), `${target.name}: ${who} answers problem+json`)
        t.same(rowCounts(app), before, `${target.name}: ${who} changed nothing`)
      }
    }
  }
}

t.test('reads of single entities: 200 in the subtree, 404 outside (existence does not leak)', (t) => runTable(t, READS))

t.test('writes: by role first (403), then by scope (404, or 403 when the target is named in the body)', (t) =>
  runTable(t, WRITES),
)

t.test('an office user over a district office answers exactly as the branch user of that branch', async (t) => {
  for (const target of [...READS, ...WRITES]) t.equal(target.expect.officeA, target.expect.officerA, target.name)
  for (const url of [...CUSTOMER_LISTS, ...Object.keys(ORG_LISTS)]) {
    const sep = url.includes('?') ? '&' : '?'
    const a = await send('officerA', { method: 'GET', url: `${url}${sep}limit=500` })
    const b = await send('officeA', { method: 'GET', url: `${url}${sep}limit=500` })
    cells++
    t.same(ids(b), ids(a), `${url}: the same ids`)
  }
})

t.test(
  'a district created under P after the province manager signed in is in its scope at the next request',
  async (t) => {
    const branches = async (who: Caller) => ids(await send(who, { method: 'GET', url: '/v1/branches?limit=500' }))
    t.same(await branches('provPManager'), sorted([world.branchA, branchA2]), 'before: A and A2')
    t.same(await branches('supervisorP'), sorted([world.branchA, branchA2]), 'the supervisor of P too')
    const branchA3 = (
      await must(
        admin({
          method: 'POST',
          url: '/v1/branches',
          payload: { code: 'BR-A3', name: 'Branch A3', province: 'Đà Nẵng', provinceOfficeId: provinceP },
        }),
        201,
        'branch A3',
      )
    ).id as number
    t.same(await branches('provPManager'), sorted([world.branchA, branchA2, branchA3]), 'after: A, A2 and the new A3')
    t.same(await branches('supervisorP'), sorted([world.branchA, branchA2, branchA3]), 'the supervisor of P sees A3')
    t.same(await branches('provQManager'), [world.branchB], 'province Q does not')
    t.same(await branches('officerA'), [world.branchA], 'district A does not')
    // A chapter created under the A association shows up for the union and the association, not for the other chapter.
    const pointA3 = (
      await must(
        admin({
          method: 'POST',
          url: '/v1/transaction-points',
          payload: { code: 'TP-A3', name: 'Point A3', branchId: branchA3, commune: 'Hòa Ninh', sessionDay: 10 },
        }),
        201,
        'point A3',
      )
    ).id as number
    t.ok(pointA3 > 0, 'point A3')
    const chapter2 = await partner(
      {
        code: 'WU-A-C2',
        name: 'Chi hội phụ nữ thôn 2',
        kind: 'womens_union',
        level: 'commune',
        branchId: world.branchA,
        placeId: communeOfPointA,
        parentId: assocA,
      },
      'second chapter',
    )
    const partners = async (who: Caller) => ids(await send(who, { method: 'GET', url: '/v1/partners?limit=500' }))
    t.ok((await partners('unionP')).includes(chapter2), 'the union sees the new chapter')
    t.ok((await partners('assocA')).includes(chapter2), 'the association sees it')
    t.notOk((await partners('chapterA')).includes(chapter2), 'the other chapter does not')
    cells += 9
  },
)

t.test(
  'a supervisor of P signed in with a password: the session names its office and scopes like its key',
  async (t) => {
    const { username, password } = await userWithPassword(
      app,
      'supervisor',
      { officeId: provinceP },
      { oneTime: false },
    )
    const res = await signIn(app, username, password)
    t.equal(res.statusCode, 201, 'signed in')
    t.match(res.json().user, { role: 'supervisor', branchId: null, partnerId: null, officeId: provinceP }, 'its node')
    const s = { cookie: sessionCookieOf(res), csrf: res.json().csrfToken as string }
    const current = await withSession(app, s, { method: 'GET', url: '/v1/session' })
    t.equal(current.json().user.officeId, provinceP, 'GET /v1/session names the office too')
    for (const url of ['/v1/partners?limit=500', '/v1/loans?limit=500', '/v1/households?limit=500']) {
      const viaCookie = await withSession(app, s, { method: 'GET', url })
      const viaKey = await send('supervisorP', { method: 'GET', url })
      cells++
      t.same(ids(viaCookie), ids(viaKey), `${url}: the same ids as the supervisor's key`)
    }
    const write = await withSession(app, s, {
      method: 'POST',
      url: `/v1/loans/${E.chapter.loan}/repayments`,
      headers: idem(),
      payload: { amount: 100_000, valueDate: BUSINESS_DATE },
    })
    cells++
    t.equal(write.statusCode, 403, 'a supervisor never posts money')
  },
)

t.test('users: one scope node, checked by name', async (t) => {
  const refused = async (payload: object, field: string, what: string) => {
    const before = rowCounts(app)
    const res = await admin({ method: 'POST', url: '/v1/users', payload })
    cells++
    t.equal(res.statusCode, 400, `${what} → 400`)
    t.equal(res.json().code, 'VALIDATION_ERROR', `${what}: VALIDATION_ERROR`)
    t.equal(res.json().errors?.[0]?.field, field, `${what}: names ${field}`)
    t.same(rowCounts(app), before, `${what}: nothing written`)
  }
  await refused(
    { name: 'Hai nút', role: 'branch_officer', branchId: world.branchA, officeId: provinceP },
    'body.officeId',
    'officeId together with branchId',
  )
  await refused({ name: 'Không nút', role: 'supervisor' }, 'body.branchId', 'a supervisor without a node')
  await refused(
    { name: 'Kế toán', role: 'finance', officeId: headOffice },
    'body.officeId',
    'officeId for finance (it reads everything)',
  )
  await refused(
    { name: 'Hội viên', role: 'partner_officer', partnerId: unionP, officeId: provinceP },
    'body.officeId',
    'officeId for a partner officer (its node is its partner)',
  )
  const unknown = await admin({
    method: 'POST',
    url: '/v1/users',
    payload: { name: 'Văn phòng ma', role: 'supervisor', officeId: 999_999 },
  })
  cells++
  t.equal(unknown.statusCode, 422, 'an office that does not exist → 422')
  t.equal(unknown.json().code, 'REFERENCE_NOT_FOUND', 'REFERENCE_NOT_FOUND')
  const sup = await must(
    admin({ method: 'POST', url: '/v1/users', payload: { name: 'KSV', role: 'supervisor', officeId: provinceQ } }),
    201,
    'supervisor of Q',
  )
  t.equal(sup.officeId, provinceQ, 'the user answers its office node')
  t.equal(sup.branchId, null, 'and no branch')
})

t.test('totals', async (t) => {
  t.comment(`authorisation by level: ${cells} cells`)
  t.ok(cells >= (READS.length + WRITES.length) * CALLERS.length, `${cells} cells`)
})
