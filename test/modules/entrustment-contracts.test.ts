/**
 * Entrustment contracts by level over HTTP (docs/rules.md §23, with §11 and §19).
 *
 * The tree (all Women's Union): province union U (Đà Nẵng, beside the province office) → district associations
 * HA (branch A) and HC (branch C, a second district of the province) → commune chapter CH (under HA, the commune of
 * point A). Groups: gA (HA, point A), gCh (CH, point A), gC (HC, point C). The world's partner A (no parent, no
 * contract) keeps groupA: its fees stay at the fee-rate versions (default 450 / 80,000 ppm).
 *
 * Contracts: KU signed by U from 2026-01-01, open, 500 ppm (0.05 %/month) and 85,000 ppm (8.5 %);
 *            KC signed by HC from 2026-01-01, open, 600 ppm and 100,000 ppm, later ended on 2026-05-31.
 *
 * POOR loans (5,500 ppm/month; interest = balance × days × 5,500 / 30,000,000, half-up), none repaid in principal:
 *   LA  gA  10,000,000 disbursed 05-15: 29,333 paid 05-31 (16 days); 20,000 in gA's session 06-30.
 *   LC  gC  20,000,000 disbursed 05-15: 58,667 paid 05-31 (20e6 × 16 × 5,500 / 30e6 = 58,666.67); 40,000 paid 06-30.
 *   LCh gCh 30,000,000 disbursed 06-15: 82,500 in gCh's session 06-30 (15 days, exact).
 *   LW  groupA (partner A) 10,000,000 disbursed 06-15: 27,500 in groupA's session 06-30.
 *
 * May (last day 05-31): U under KU: LA 10,000,000 × 500 / 10^6 = 5,000. HC under KC (nearer than U): LC
 *   20,000,000 × 600 / 10^6 = 12,000.
 * June while KC is open: U: (LA + LCh) 40,000,000 × 500 / 10^6 = 20,000; commission gA 20,000 × 85,000 / 10^6 =
 *   1,700, gCh 82,500 × 85,000 / 10^6 = 7,012.5 → 7,013; U total 28,713. HC: 12,000. Partner A (default):
 *   10,000,000 × 450 / 10^6 = 4,500 + groupA 27,500 × 80,000 / 10^6 = 2,200 = 6,700.
 * June after KC ends on 05-31: U: 60,000,000 × 500 / 10^6 = 30,000 (one rounding on the summed base) + 8,713 =
 *   38,713; HC is paid nothing; totals 34,500 + 10,913 = 45,413.
 */
import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { SYSTEM, buildTestApp, nationalId, rowCounts } from '../helpers/app.js'
import { applicationBody, certifyBody, expectStatus, unique } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'
import {
  createBranch,
  createGroup,
  createPartner,
  createTransactionPoint,
} from '../../src/modules/organisation/service.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import type { Role } from '../../src/platform/auth.js'

const ta = await buildTestApp(t)
const { app, world } = ta
const test = ledgerCheckedTest(t, app, { verify: true })

const officeOfBranch = (branchId: number) =>
  app.sqlite.prepare('SELECT office_id FROM branches WHERE id = ?').pluck().get(branchId) as number
const PROVINCE_OFFICE = app.sqlite
  .prepare('SELECT parent_id FROM offices WHERE id = ?')
  .pluck()
  .get(officeOfBranch(world.branchA)) as number

const tree = app.commands.runNow((ctx) => {
  const branchC = createBranch(ctx, { code: 'BR-C', name: 'Branch C (Hòa Vang)', province: 'Đà Nẵng' }).id
  const pointC = createTransactionPoint(ctx, {
    code: 'TP-C',
    name: 'Point C',
    branchId: branchC,
    commune: 'Hòa Liên',
    sessionDay: 15,
  }).id
  const communeA = ctx.sqlite
    .prepare('SELECT place_id FROM transaction_points WHERE id = ?')
    .pluck()
    .get(world.pointA) as number
  const kind = 'womens_union' as const
  const U = createPartner(ctx, {
    code: 'HPN-DN',
    name: 'Hội LHPN thành phố Đà Nẵng',
    kind,
    level: 'province',
    officeId: PROVINCE_OFFICE,
  }).id
  const HA = createPartner(ctx, {
    code: 'HPN-A',
    name: 'Hội LHPN huyện A',
    kind,
    branchId: world.branchA,
    parentId: U,
  }).id
  const HC = createPartner(ctx, { code: 'HPN-C', name: 'Hội LHPN huyện C', kind, branchId: branchC, parentId: U }).id
  const CH = createPartner(ctx, {
    code: 'HPN-HB',
    name: 'Chi hội Phụ nữ xã Hòa Bắc',
    kind,
    level: 'commune',
    branchId: world.branchA,
    placeId: communeA,
    parentId: HA,
  }).id
  const group = (code: string, partnerId: number, transactionPointId: number, village: string) =>
    createGroup(ctx, { code, name: `Tổ ${code}`, partnerId, transactionPointId, village }).id
  const gA = group('G-HA', HA, world.pointA, 'Thôn 5')
  const gCh = group('G-CH', CH, world.pointA, 'Thôn 6')
  const gC = group('G-HC', HC, pointC, 'Thôn 7')
  const key = (name: string, role: Role, scope: { branchId?: number; partnerId?: number }) =>
    createApiKey(ctx, createUser(ctx, { name, role, ...scope }).id, 'test').key
  const keys = {
    U: key('Cán bộ hội tỉnh', 'partner_officer', { partnerId: U }),
    HA: key('Cán bộ hội huyện A', 'partner_officer', { partnerId: HA }),
    HC: key('Cán bộ hội huyện C', 'partner_officer', { partnerId: HC }),
    CH: key('Cán bộ chi hội', 'partner_officer', { partnerId: CH }),
    officerC: key('Cán bộ C', 'branch_officer', { branchId: branchC }),
    managerC: key('Trưởng phòng C', 'branch_manager', { branchId: branchC }),
  }
  return { statusCode: 201, body: { branchC, pointC, U, HA, HC, CH, gA, gCh, gC, keys } }
}, SYSTEM).body

type Key = keyof typeof tree.keys | 'admin' | 'finance' | 'finance2' | 'auditor' | 'officerA' | 'officerB' | 'partnerA'
const as = (who: Key, opts: InjectOptions) =>
  who in tree.keys
    ? app.inject({
        ...opts,
        headers: { authorization: `Bearer ${tree.keys[who as keyof typeof tree.keys]}`, ...(opts.headers ?? {}) },
      })
    : ta.as(who as 'admin', opts)

interface GroupOf {
  id: number
  partnerKey: Key
  officer: Key
  manager: Key
}
const G = {
  gA: { id: tree.gA, partnerKey: 'HA', officer: 'officerA', manager: 'managerA' as Key },
  gCh: { id: tree.gCh, partnerKey: 'CH', officer: 'officerA', manager: 'managerA' as Key },
  gC: { id: tree.gC, partnerKey: 'HC', officer: 'officerC', manager: 'managerC' },
} satisfies Record<string, GroupOf>

/** A household of the group, a POOR application, certified, approved and disbursed in full. */
async function loan(g: GroupOf, amount: number, valueDate: string, applicationDate: string) {
  const ok = async (res: Promise<LightMyRequestResponse>, status: number, what: string) =>
    expectStatus(await res, status, what).json() as { id: number; loanId: number }
  const household = await ok(
    as(g.partnerKey, {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: nationalId(),
        headName: 'Trần Thị B',
        groupId: g.id,
        area: 'rural',
        address: { commune: 'Hòa Bắc', village: 'Thôn 5' },
      },
    }),
    201,
    'household',
  )
  await ok(
    as(g.officer, {
      method: 'POST',
      url: `/v1/households/${household.id}/poverty-status`,
      payload: { status: 'poor', effectiveDate: '2020-01-01', decisionNo: unique('QD') },
    }),
    201,
    'poverty status',
  )
  const application = await ok(
    as(g.partnerKey, {
      method: 'POST',
      url: '/v1/applications',
      payload: applicationBody(household.id, { amount, applicationDate }),
    }),
    201,
    'application',
  )
  const day = (d: number) => `${applicationDate.slice(0, 8)}${String(d).padStart(2, '0')}`
  await ok(
    as(g.officer, {
      method: 'POST',
      url: `/v1/applications/${application.id}/certify`,
      payload: certifyBody(day(5)),
    }),
    200,
    'certify',
  )
  const approved = await ok(
    as(g.manager, {
      method: 'POST',
      url: `/v1/applications/${application.id}/approve`,
      payload: { approvedOn: day(10) },
    }),
    200,
    'approve',
  )
  await ok(
    as(g.officer, {
      method: 'POST',
      url: `/v1/loans/${approved.loanId}/disbursements`,
      headers: { 'idempotency-key': unique('disb') },
      payload: { amount, valueDate },
    }),
    201,
    'disburse',
  )
  return approved.loanId as number
}
const repay = async (who: Key, loanId: number, amount: number, valueDate: string) =>
  expectStatus(
    await as(who, {
      method: 'POST',
      url: `/v1/loans/${loanId}/repayments`,
      headers: { 'idempotency-key': unique('pay') },
      payload: { amount, valueDate },
    }),
    201,
    `repay ${loanId}`,
  ).json()
const session = async (groupId: number, point: number, loanId: number, interest: number) =>
  expectStatus(
    await as(point === world.pointA ? 'officerA' : 'officerC', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: point,
        groupId,
        sessionDate: '2026-06-30',
        lines: [{ loanId, interest, principal: 0, savings: 0 }],
      },
    }),
    201,
    `session of group ${groupId}`,
  ).json().lines[0].allocation

const LA = await loan(G.gA, 10_000_000, '2026-05-15', '2026-05-01')
const LC = await loan(G.gC, 20_000_000, '2026-05-15', '2026-05-01')
const LCh = await loan(G.gCh, 30_000_000, '2026-06-15', '2026-06-01')
const LW = await (async () => {
  // The world's group A (partner A, no contract anywhere on its path).
  const g = { id: world.groupA, partnerKey: 'partnerA' as Key, officer: 'officerA' as Key, manager: 'managerA' as Key }
  return loan(g, 10_000_000, '2026-06-15', '2026-06-01')
})()
const paid = {
  LAmay: await repay('officerA', LA, 29_333, '2026-05-31'),
  LCmay: await repay('officerC', LC, 58_667, '2026-05-31'),
  LAjun: await session(tree.gA, world.pointA, LA, 20_000),
  LCjun: await repay('officerC', LC, 40_000, '2026-06-30'),
  LChjun: await session(tree.gCh, world.pointA, LCh, 82_500),
  LWjun: await session(world.groupA, world.pointA, LW, 27_500),
}

const contract = (body: Record<string, unknown>, who: Key = 'admin', headers: Record<string, string> = {}) =>
  as(who, {
    method: 'POST',
    url: '/v1/entrustment-contracts',
    headers: { 'idempotency-key': unique('contract'), ...headers },
    payload: {
      signedOn: '2025-12-20',
      effectiveFrom: '2026-01-01',
      entrustmentFeeRatePpm: 500,
      groupCommissionRatePpm: 85_000,
      ...body,
    },
  })
const list = async (who: Key, query = '') => {
  const res = await as(who, { method: 'GET', url: `/v1/entrustment-contracts?limit=100${query}` })
  if (res.statusCode !== 200) throw new Error(`${who} list: ${res.statusCode} ${res.body}`)
  return (res.json().items as { contractNo: string }[]).map((c) => c.contractNo)
}
const fees = async (month: string) => {
  const res = await as('finance', { method: 'GET', url: `/v1/reports/partner-fees?month=${month}` })
  if (res.statusCode !== 200) throw new Error(`fees ${month}: ${res.statusCode} ${res.body}`)
  return res.json()
}
type Fee = Record<string, unknown>
const payeeRows = (r: { partners: Fee[] }) =>
  r.partners.map((p) => [
    p.partnerId,
    p.level,
    p.contractId,
    p.coveredPartnerIds,
    p.outstandingPrincipal,
    p.entrustmentFee,
    p.groupCommission,
    p.total,
  ])

const ids: { KU: number; KC: number } = { KU: 0, KC: 0 }

test('fixture allocations are the hand-derived ones: interest only, no principal repaid', async (t) => {
  t.match(paid.LAmay, { interest: 29_333, prepaid: 0 })
  t.match(paid.LCmay, { interest: 58_667, prepaid: 0 })
  for (const [name, a, interest] of [
    ['LA June', paid.LAjun, 20_000],
    ['LC June', paid.LCjun, 40_000],
    ['LCh June', paid.LChjun, 82_500],
    ['LW June', paid.LWjun, 27_500],
  ] as const) {
    t.equal(a.interest + a.overdueInterest, interest, `${name}: ${interest} interest`)
    t.equal(a.prepaid + a.principal, 0, `${name}: no principal`)
  }
})

test('§23 admin records contracts; the bank side is the signing partner’s own office level', async (t) => {
  const ku = await contract({ partnerId: tree.U, contractNo: 'HĐ-UT-2026/01' })
  t.equal(ku.statusCode, 201, ku.body)
  t.match(ku.json(), {
    partnerId: tree.U,
    level: 'province',
    officeId: PROVINCE_OFFICE,
    effectiveFrom: '2026-01-01',
    effectiveTo: null,
    entrustmentFeeRatePpm: 500,
    groupCommissionRatePpm: 85_000,
    endReference: null,
  })
  const kc = await contract({
    partnerId: tree.HC,
    contractNo: 'HĐ-UT-2026/02',
    entrustmentFeeRatePpm: 600,
    groupCommissionRatePpm: 100_000,
  })
  t.equal(kc.statusCode, 201, kc.body)
  t.match(kc.json(), { level: 'district', officeId: officeOfBranch(tree.branchC) }, "HC signs with branch C's office")
  ids.KU = ku.json().id
  ids.KC = kc.json().id
  t.equal((await contract({ partnerId: tree.HA, contractNo: 'X-1' }, 'finance')).statusCode, 403, 'admin only')
  const noKey = await app.inject({
    method: 'POST',
    url: '/v1/entrustment-contracts',
    headers: { authorization: `Bearer ${world.keys.admin}` },
    payload: {
      partnerId: tree.HA,
      contractNo: 'X-2',
      signedOn: '2026-01-01',
      effectiveFrom: '2026-01-01',
      entrustmentFeeRatePpm: 1,
      groupCommissionRatePpm: 1,
    },
  })
  t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
})

test('§23 overlapping contracts of one partner are refused (409 CONTRACT_OVERLAP), and nothing is written', async (t) => {
  const before = rowCounts(app)
  const later = await contract(
    { partnerId: tree.U, contractNo: 'HĐ-UT-2027/01', effectiveFrom: '2027-01-01' },
    'admin',
    { 'accept-language': 'vi' },
  )
  t.equal(later.statusCode, 409, later.body)
  t.equal(later.json().code, 'CONTRACT_OVERLAP', 'KU is open: it shares every day from 2027 on')
  t.match(later.json().title, /hợp đồng ủy thác/)
  const dup = await contract({ partnerId: tree.HA, contractNo: 'HĐ-UT-2026/01' })
  t.equal(dup.json().code, 'DUPLICATE', 'a contract number is used once')
  const order = await contract({ partnerId: tree.HA, contractNo: 'X-3', effectiveTo: '2025-12-31' })
  t.equal(order.json().code, 'DATE_ORDER')
  const future = await contract({ partnerId: tree.HA, contractNo: 'X-4', signedOn: '2026-07-01' })
  t.equal(future.json().code, 'DATE_IN_FUTURE', 'signed after the business date')
  const nobody = await contract({ partnerId: 999_999, contractNo: 'X-5' })
  t.equal(nobody.json().code, 'REFERENCE_NOT_FOUND')
  t.same(rowCounts(app), before, 'nothing written')
  t.throws(
    () => app.sqlite.prepare('UPDATE entrustment_contracts SET entrustment_fee_rate_ppm = 1').run(),
    /APPEND_ONLY/,
    'a contract is never edited, even in SQL',
  )
  t.throws(() => app.sqlite.prepare('DELETE FROM entrustment_contracts').run(), /APPEND_ONLY/)
})

test(
  '§23 May: the province union is paid for its district association’s loans; a district association with its ' +
    'own contract is paid for its own (nearest level wins)',
  async (t) => {
    const may = await fees('2026-05')
    t.same(payeeRows(may), [
      [tree.U, 'province', ids.KU, [tree.HA], 10_000_000, 5_000, 0, 5_000],
      [tree.HC, 'district', ids.KC, [tree.HC], 20_000_000, 12_000, 0, 12_000],
    ])
    t.match(may.partners[0], {
      rateSource: 'contract',
      contractNo: 'HĐ-UT-2026/01',
      feeRateId: null,
      entrustmentFeeRatePpm: 500,
    })
    t.same(may.totals, { entrustmentFee: 17_000, groupCommission: 0, total: 17_000 })
  },
)

test('§23 June: group commissions at the contract’s rate, payee the signing partner; no contract → fee rates as before', async (t) => {
  const june = await fees('2026-06')
  t.same(payeeRows(june), [
    [world.partnerA, 'district', null, [world.partnerA], 10_000_000, 4_500, 2_200, 6_700],
    [tree.U, 'province', ids.KU, [tree.HA, tree.CH], 40_000_000, 20_000, 8_713, 28_713],
    [tree.HC, 'district', ids.KC, [tree.HC], 20_000_000, 12_000, 0, 12_000],
  ])
  t.match(june.partners[0], {
    rateSource: 'default',
    contractId: null,
    entrustmentFeeRatePpm: 450,
    groupCommissionRatePpm: 80_000,
  })
  t.ok(Number.isInteger(june.partners[0].feeRateId), 'the fee-rate version applied is named')
  t.same(
    june.groups.map((g: Fee) => [
      g.groupId,
      g.partnerId,
      g.payeePartnerId,
      g.contractId,
      g.groupCommissionRatePpm,
      g.commission,
    ]),
    [
      [world.groupA, world.partnerA, world.partnerA, null, 80_000, 2_200],
      [tree.gA, tree.HA, tree.U, ids.KU, 85_000, 1_700],
      [tree.gCh, tree.CH, tree.U, ids.KU, 85_000, 7_013],
    ],
    '7,012.5 rounds half-up to 7,013',
  )
  const csv = await as('finance', { method: 'GET', url: '/v1/reports/partner-fees?month=2026-06&format=csv' })
  t.match(csv.body, /Cấp hội nhận phí/)
  t.match(csv.body, /group_commission,\d+,HPN-DN,\d+,G-CH,,82500,85000,7013,province,\d+/)
})

test('§19 accruals go to the signing partner: one entry per partner paid, none for the partners under it', async (t) => {
  const res = await as('finance', {
    method: 'POST',
    url: '/v1/partner-fees/accruals',
    headers: { 'idempotency-key': unique('accrue') },
    payload: { month: '2026-06' },
  })
  t.equal(res.statusCode, 201, res.body)
  t.same(
    res.json().accruals.map((a: Fee) => [a.partnerId, a.entrustmentFee, a.groupCommission, a.posted]),
    [
      [world.partnerA, 4_500, 2_200, 6_700],
      [tree.U, 20_000, 8_713, 28_713],
      [tree.HC, 12_000, 0, 12_000],
    ],
  )
  const payable = app.sqlite
    .prepare(
      `SELECT SUM(j.credit - j.debit) FROM journal_lines j JOIN partner_fee_accruals a ON a.journal_entry_id = j.entry_id
        WHERE a.partner_id = ? AND j.account = 'partner_fee_payable'`,
    )
    .pluck()
  t.equal(payable.get(tree.U), 28_713, "the union's payable")
  t.equal(payable.get(tree.HA), null, 'nothing accrued to the district association under the union')
  t.equal(payable.get(tree.CH), null, 'nor to the commune chapter')
})

test('§23 a contract ending mid-year switches the payee: the next month goes to the level above', async (t) => {
  const end = await as('admin', {
    method: 'POST',
    url: `/v1/entrustment-contracts/${ids.KC}/end`,
    headers: { 'idempotency-key': unique('end') },
    payload: { effectiveTo: '2026-05-31', reference: 'BB-TL-01' },
  })
  t.equal(end.statusCode, 200, end.body)
  t.match(end.json(), { effectiveTo: '2026-05-31', signedEffectiveTo: null, endReference: 'BB-TL-01' })
  const again = await as('admin', {
    method: 'POST',
    url: `/v1/entrustment-contracts/${ids.KC}/end`,
    headers: { 'idempotency-key': unique('end') },
    payload: { effectiveTo: '2026-04-30', reference: 'BB-TL-02' },
  })
  t.equal(again.json().code, 'INVALID_STATE', 'ended once')

  const may = await fees('2026-05')
  t.same(
    payeeRows(may)[1],
    [tree.HC, 'district', ids.KC, [tree.HC], 20_000_000, 12_000, 0, 12_000],
    'May: still HC (in force on 05-31)',
  )
  const june = await fees('2026-06')
  t.same(payeeRows(june), [
    [world.partnerA, 'district', null, [world.partnerA], 10_000_000, 4_500, 2_200, 6_700],
    [tree.U, 'province', ids.KU, [tree.HA, tree.HC, tree.CH], 60_000_000, 30_000, 8_713, 38_713],
  ])
  t.same(june.totals, { entrustmentFee: 34_500, groupCommission: 10_913, total: 45_413 })

  // Re-running June moves the money: HC's accrual goes back to 0, the union's rises by 10,000.
  const rerun = await as('finance', {
    method: 'POST',
    url: '/v1/partner-fees/accruals',
    headers: { 'idempotency-key': unique('accrue') },
    payload: { month: '2026-06' },
  })
  t.equal(rerun.statusCode, 201, rerun.body)
  t.same(
    rerun.json().accruals.map((a: Fee) => [a.partnerId, a.entrustmentFee, a.posted]),
    [
      [tree.U, 30_000, 10_000],
      [tree.HC, 0, -12_000],
    ],
  )
  t.equal(rerun.json().unchanged, 1, 'partner A unchanged')
  const pay = await as('finance2', {
    method: 'POST',
    url: '/v1/partner-fees/payments',
    headers: { 'idempotency-key': unique('fee-pay') },
    payload: { partnerId: tree.U, month: '2026-06', paidOn: '2026-06-30', reference: 'UNC-01' },
  })
  t.equal(pay.statusCode, 201, pay.body)
  t.match(pay.json(), { amount: 38_713, payableAfter: 0 }, 'the union is paid 38,713')

  const later = await contract({ partnerId: tree.HC, contractNo: 'HĐ-UT-2026/03', effectiveFrom: '2026-05-15' })
  t.equal(later.json().code, 'CONTRACT_OVERLAP', 'the ended contract still holds its days up to 05-31')
  const after = await contract({ partnerId: tree.HC, contractNo: 'HĐ-UT-2026/04', effectiveFrom: '2026-07-01' })
  t.equal(after.statusCode, 201, 'a new contract may start after the end')
})

test(
  '§23 scope: a partner sees the contracts of its own subtree and of the partners above it; branch staff those ' +
    'over their branches',
  async (t) => {
    const [KU, KC, KC2] = ['HĐ-UT-2026/01', 'HĐ-UT-2026/02', 'HĐ-UT-2026/04']
    t.same(await list('CH'), [KU], 'the commune chapter: the union above it, not the other district association')
    t.same(await list('HA'), [KU])
    t.same(await list('HC'), [KU, KC, KC2])
    t.same(await list('U'), [KU, KC, KC2], 'the union: its own and those under it')
    t.same(await list('officerA'), [KU], 'branch A staff: the union over branch A')
    t.same(await list('officerC'), [KU, KC, KC2])
    t.same(await list('officerB'), [], 'branch B (another province) sees none')
    t.same(await list('partnerA'), [], 'a partner outside the tree sees none')
    t.same(await list('auditor'), [KU, KC, KC2])
    t.same(await list('auditor', '&level=district'), [KC, KC2])
    t.same(await list('auditor', `&partnerId=${tree.U}`), [KU])
    t.same(await list('auditor', '&inForceOn=2026-06-30'), [KU], 'in force on a date: the end counts')
    t.same(await list('auditor', '&inForceOn=2026-05-31'), [KU, KC])
    t.equal((await as('CH', { method: 'GET', url: `/v1/entrustment-contracts/${ids.KC}` })).statusCode, 404)
    t.equal((await as('officerB', { method: 'GET', url: `/v1/entrustment-contracts/${ids.KU}` })).statusCode, 404)
    const one = await as('CH', { method: 'GET', url: `/v1/entrustment-contracts/${ids.KU}` })
    t.equal(one.statusCode, 200)
    t.equal(one.json().contractNo, KU)
  },
)
