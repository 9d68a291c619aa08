/**
 * Roll-up reports by any level of the organisation tree over HTTP (docs/rules.md §24).
 *
 * The tree (business date 2026-06-30): head office HO →
 *   province Đà Nẵng → district BR-A → commune Hòa Bắc (point A) → villages Thôn 1 (groups A and A3), Thôn 2
 *                                       (group A2);
 *                   → district BR-C (added under Đà Nẵng) → commune of point TP-C → village Thôn Một (group G-C);
 *   province Huế → district BR-B → commune Phú Mậu (point B) → village Thôn 3 (group B);
 *   province Quảng Nam (added, nothing under it).
 *
 * POOR loans, 5500 ppm/month; interest = balance × days × 5500 / 30,000,000, rounded half-up. Disbursed 2026-06-15
 * unless said:
 *   L1 group A  30,000,000; repayment 2026-06-20 of 50,000 = interest 5 days 27,500 + principal 22,500
 *      → outstanding 29,977,500.
 *   L2 group A  20,000,000, nothing paid.
 *   L3 group A2 10,000,000; group A2's collection session 2026-06-30: interest 27,500 (15 days), no principal.
 *   L4 group B  40,000,000; repayment 2026-06-25 of 100,000 = interest 10 days 73,333.33 → 73,333 + principal
 *      26,667 → outstanding 39,973,333.
 *   L5 group A2 12,000,000 over 12 months, principal 1,000,000 monthly, disbursed 2025-01-10 (instalments due the
 *      15th, 2025-02-15 … 2026-01-15), nothing ever paid: on 2026-06-30 all 12,000,000 overdue; on 2025-03-20 the
 *      first two instalments, 2,000,000.
 *   S1 (group A), S2 (group A2): interest-free support loans repaid on time in 2025, closed 2026-01-15; support
 *      payments of 4,000,000 each, paid 2026-06-30.
 *
 * Portfolio on 2026-06-30 (loans, households, outstanding, overdue principal):
 *   group A 2 / 2 / 49,977,500 / 0; group A2 2 / 2 / 22,000,000 / 12,000,000; group B 1 / 1 / 39,973,333 / 0
 *   → Thôn 1 = group A (A3 has nothing), Hòa Bắc 4 / 4 / 71,977,500 / 12,000,000, Đà Nẵng the same,
 *   Huế 1 / 1 / 39,973,333 / 0, Quảng Nam zeros, head office 5 / 5 / 111,950,833 / 12,000,000.
 * Collections 2026-06-01 … 2026-06-30 (repayments, amount, principal, interest, overdue interest):
 *   group A 1 / 50,000 / 22,500 / 27,500 / 0; group A2 1 / 27,500 / 0 / 27,500 / 0; group B 1 / 100,000 / 26,667 /
 *   73,333 / 0 → total 3 / 177,500 / 49,167 / 128,333 / 0.
 * Partner fees of June 2026 (default rates 450 ppm / 80,000 ppm):
 *   partner A (district BR-A): base L1 29,977,500 → 450 × 29,977,500 / 10^6 = 13,489.875 → 13,490;
 *   partner A2 (BR-A): base L3 10,000,000 → 4,500; group A2 commission 80,000 × 27,500 / 10^6 = 2,200;
 *   partner B (BR-B): base L4 39,973,333 → 17,987.99985 → 17,988.
 *   By commune: Hòa Bắc 2,200, the others 0, aboveLevel 13,490 + 4,500 + 17,988 = 35,978; by district: BR-A
 *   13,490 + 4,500 + 2,200 = 20,190, BR-B 17,988, BR-C 0, aboveLevel 0; total 38,178 at every level.
 */
import t, { type Test } from 'tap'
import { buildTestApp, type KeyName } from '../helpers/app.js'
import { LOAN_12M, disbursedLoan, expectStatus, repay, unique } from '../helpers/origination.js'
import { recordStatus, paymentsOf, repaidOnTime, supportAction } from '../helpers/support.js'
import { assertRejected } from '../helpers/problem.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const one = <T>(sql: string, ...args: unknown[]) => app.sqlite.prepare(sql).get(...args) as T
const officeId = (code: string) => one<{ id: number }>('SELECT id FROM offices WHERE code = ?', code).id
const placeOf = (table: 'transaction_points' | 'groups', id: number) =>
  one<{ placeId: number }>(`SELECT place_id AS placeId FROM ${table} WHERE id = ?`, id).placeId
const post = async (url: string, payload: object, what: string) =>
  expectStatus(await as('admin', { method: 'POST', url, payload }), 201, what).json()

// ————————————————————————————————————————————— the tree

const HO = officeId('HO')
const DA_NANG = one<{ parentId: number }>('SELECT parent_id AS parentId FROM offices WHERE code = ?', 'BR-A').parentId
const HUE = one<{ parentId: number }>('SELECT parent_id AS parentId FROM offices WHERE code = ?', 'BR-B').parentId
const QUANG_NAM = (await post('/v1/offices', { code: 'QNA', name: 'Quảng Nam', level: 'province' }, 'province')).id
const branchC = await post(
  '/v1/branches',
  { code: 'BR-C', name: 'PGD Hòa Vang', province: 'Đà Nẵng', provinceOfficeId: DA_NANG },
  'branch C',
)
const pointC = await post(
  '/v1/transaction-points',
  { code: 'TP-C', name: 'Điểm Hòa Phong', branchId: branchC.id, commune: 'Hòa Phong', sessionDay: 10 },
  'point C',
)
const partnerC = await post(
  '/v1/partners',
  { code: 'P-C', name: 'Hội Nông dân C', kind: 'farmers_association', branchId: branchC.id },
  'partner C',
)
const groupC = await post(
  '/v1/groups',
  { code: 'G-C', name: 'Tổ C', partnerId: partnerC.id, transactionPointId: pointC.id, village: 'Thôn Một' },
  'group C',
)
const groupA3 = await post(
  '/v1/groups',
  { code: 'G-A3', name: 'Group A3', partnerId: world.partnerA, transactionPointId: world.pointA, village: 'Thôn 1' },
  'group A3',
)
const BR_A = officeId('BR-A')
const BR_B = officeId('BR-B')
const BR_C = branchC.officeId as number
const HOA_BAC = placeOf('transaction_points', world.pointA)
const PHU_MAU = placeOf('transaction_points', world.pointB)
const HOA_PHONG = placeOf('transaction_points', pointC.id)
const THON_1 = placeOf('groups', world.groupA)
const THON_2 = placeOf('groups', world.groupA2)
const THON_3 = placeOf('groups', world.groupB)
const THON_MOT = placeOf('groups', groupC.id)

// ————————————————————————————————————————————— the money

const L1 = (await disbursedLoan(ta, { group: 'groupA', amount: 30_000_000 })).loanId
await disbursedLoan(ta, { group: 'groupA', amount: 20_000_000 })
const L3 = (await disbursedLoan(ta, { group: 'groupA2', amount: 10_000_000 })).loanId
const L4 = (await disbursedLoan(ta, { group: 'groupB', amount: 40_000_000 })).loanId
const L5 = (await disbursedLoan(ta, { ...LOAN_12M, group: 'groupA2' })).loanId
const allocations = {
  L1: expectStatus(await repay(ta, L1, 50_000, '2026-06-20'), 201, 'L1 repayment').json(),
  L3: expectStatus(
    await as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: world.pointA,
        groupId: world.groupA2,
        sessionDate: '2026-06-30',
        lines: [{ loanId: L3, interest: 27_500, principal: 0, savings: 0 }],
      },
    }),
    201,
    'L3 session',
  ).json().lines[0].allocation,
  L4: expectStatus(await repay(ta, L4, 100_000, '2026-06-25', { who: 'officerB' }), 201, 'L4 repayment').json(),
}
for (const group of ['groupA', 'groupA2'] as const) {
  const loan = await repaidOnTime(ta, { group })
  await recordStatus(ta, loan.householdId, '2026-03-01')
  const [payment] = await paymentsOf(ta, loan.householdId)
  if (!payment) throw new Error('fixture: no support payment')
  expectStatus(await supportAction(ta, 'managerA', payment.id, 'approve'), 200, 'approve support')
  expectStatus(
    await supportAction(ta, 'finance', payment.id, 'pay', { paidOn: '2026-06-30', reference: unique('VCB') }),
    200,
    'pay support',
  )
}
const L5view = expectStatus(await as('officerA', { method: 'GET', url: `/v1/loans/${L5}` }), 200, 'L5').json()

// ————————————————————————————————————————————— reading the report

const LEVELS = ['head_office', 'province', 'district', 'commune', 'village', 'group'] as const
type Level = (typeof LEVELS)[number]
interface Row {
  level: string
  id: number
  code: string
  name: string
  parentId: number | null
  parentName: string | null
  figures: Record<string, number>
}
interface Result {
  figures: string[]
  rows: Row[]
  aboveLevel: Record<string, number>
  total: Record<string, number>
}

const rollUp = (query: string, who: KeyName = 'finance', accept?: string) =>
  as(who, { method: 'GET', url: `/v1/reports/roll-up?${query}`, headers: accept ? { accept } : {} })
async function read(query: string, who: KeyName = 'finance'): Promise<Result> {
  return expectStatus(await rollUp(query, who), 200, `roll-up ${query}`).json()
}
const rowOf = (r: Result, id: number) => r.rows.find((x) => x.id === id)?.figures
const sum = (keys: string[], xs: Record<string, number>[]) =>
  Object.fromEntries(keys.map((k) => [k, xs.reduce((a, f) => a + f[k]!, 0)]))

/**
 * Every level of a report: Σ rows + aboveLevel = total, the same total at every level, and each row the sum of
 * the rows one level down under it plus what moved from it into aboveLevel (recorded on the node itself).
 */
async function checkSums(t: Test, report: string, dates: string, who: KeyName = 'finance') {
  const byLevel = new Map<Level, Result>()
  for (const level of LEVELS) byLevel.set(level, await read(`report=${report}&level=${level}&${dates}`, who))
  const first = byLevel.get('head_office')!
  const keys = first.figures
  for (const level of LEVELS) {
    const r = byLevel.get(level)!
    t.same(sum(keys, [...r.rows.map((x) => x.figures), r.aboveLevel]), r.total, `${level}: Σ rows + aboveLevel = total`)
    t.same(r.total, first.total, `${level}: the same total as at the head office`)
  }
  for (let i = 0; i < LEVELS.length - 1; i++) {
    const upper = byLevel.get(LEVELS[i]!)!
    const lower = byLevel.get(LEVELS[i + 1]!)!
    // What is recorded on the upper level's nodes themselves is in no lower row: in the lower reading's aboveLevel.
    const recordedOnUpper = Object.fromEntries(keys.map((k) => [k, lower.aboveLevel[k]! - upper.aboveLevel[k]!]))
    const own = upper.rows.map((row) => {
      const children = sum(
        keys,
        lower.rows.filter((c) => c.parentId === row.id).map((c) => c.figures),
      )
      return Object.fromEntries(keys.map((k) => [k, row.figures[k]! - children[k]!]))
    })
    t.ok(
      own.every((o) => keys.every((k) => o[k]! >= 0)),
      `${LEVELS[i]}: each row holds the ${LEVELS[i + 1]} rows under it`,
    )
    t.same(sum(keys, own), recordedOnUpper, `${LEVELS[i]}: beyond them, only what is recorded on the node itself`)
  }
  return byLevel
}

const JUNE = 'from=2026-06-01&to=2026-06-30'

t.test('fixture allocations are the hand-derived ones', async (t) => {
  t.match(allocations.L1, { interest: 27_500, prepaid: 22_500, overdueInterest: 0 })
  t.match(allocations.L3, { interest: 27_500, prepaid: 0 })
  t.match(allocations.L4, { interest: 73_333, prepaid: 26_667 })
  t.match(L5view, { outstandingPrincipal: 12_000_000, overduePrincipal: 12_000_000 })
  t.ok(L5view.overdueInterest > 0, 'L5 owes overdue interest and penalty')
})

t.test('§24 portfolio by every level: rows add up from the level below; hand-checked VND', async (t) => {
  const levels = await checkSums(t, 'portfolio', '')
  const zero = { loans: 0, households: 0, outstanding: 0, overdue: 0 }
  const g = levels.get('group')!
  t.same(rowOf(g, world.groupA), { loans: 2, households: 2, outstanding: 49_977_500, overdue: 0 })
  t.same(rowOf(g, world.groupA2), { loans: 2, households: 2, outstanding: 22_000_000, overdue: 12_000_000 })
  t.same(rowOf(g, world.groupB), { loans: 1, households: 1, outstanding: 39_973_333, overdue: 0 })
  t.same(rowOf(g, groupA3.id), zero, 'a group with nothing shows zeros')
  t.same(rowOf(g, groupC.id), zero)
  const v = levels.get('village')!
  t.same(rowOf(v, THON_1), { loans: 2, households: 2, outstanding: 49_977_500, overdue: 0 }, 'Thôn 1 = A + A3')
  t.same(rowOf(v, THON_2)?.outstanding, 22_000_000)
  t.same(rowOf(v, THON_3)?.outstanding, 39_973_333)
  t.same(rowOf(v, THON_MOT), zero)
  t.match(
    v.rows.find((r) => r.id === THON_1),
    { code: /.+/, parentId: HOA_BAC, parentName: 'Hòa Bắc' },
    "a row names its parent (the village's commune)",
  )
  const c = levels.get('commune')!
  t.same(rowOf(c, HOA_BAC), { loans: 4, households: 4, outstanding: 71_977_500, overdue: 12_000_000 })
  t.same(rowOf(c, PHU_MAU)?.outstanding, 39_973_333)
  t.same(rowOf(c, HOA_PHONG), zero)
  t.match(
    c.rows.find((r) => r.id === HOA_BAC),
    { parentId: BR_A },
    "a commune's parent is its district office",
  )
  const d = levels.get('district')!
  t.same(rowOf(d, BR_A)?.outstanding, 71_977_500)
  t.same(rowOf(d, BR_C), zero, 'a district with nothing shows zeros')
  const p = levels.get('province')!
  t.same(rowOf(p, DA_NANG), { loans: 4, households: 4, outstanding: 71_977_500, overdue: 12_000_000 })
  t.same(rowOf(p, HUE), { loans: 1, households: 1, outstanding: 39_973_333, overdue: 0 })
  t.same(rowOf(p, QUANG_NAM), zero, 'an empty province shows zeros')
  t.same(
    levels.get('head_office')!.rows.map((r) => r.id),
    [HO],
  )
  t.same(p.total, { loans: 5, households: 5, outstanding: 111_950_833, overdue: 12_000_000 })
  t.same(p.aboveLevel, zero)

  // The same figures as the existing portfolio report by group.
  const existing = expectStatus(
    await as('finance', { method: 'GET', url: '/v1/reports/portfolio?groupBy=group' }),
    200,
    'portfolio by group',
  ).json()
  for (const item of existing.items)
    t.match(rowOf(g, Number(item.key)), {
      loans: item.loans,
      households: item.households,
      outstanding: item.outstanding,
      overdue: item.overdue,
    })
})

t.test('§24 portfolio as of an earlier date replays the loans as of that day', async (t) => {
  const r = await read('report=portfolio&level=province&asOf=2026-06-01')
  t.same(rowOf(r, DA_NANG), { loans: 1, households: 1, outstanding: 12_000_000, overdue: 12_000_000 }, 'only L5')
  t.same(rowOf(r, HUE), { loans: 0, households: 0, outstanding: 0, overdue: 0 })
  t.equal(expectStatus(await rollUp('report=portfolio&level=province'), 200, 'default').json().asOf, '2026-06-30')
})

t.test('§24 overdue by every level: overdue loans, principal and interest add up; an earlier asOf', async (t) => {
  const levels = await checkSums(t, 'overdue', 'asOf=2026-06-30')
  const l5 = { overdueLoans: 1, overduePrincipal: 12_000_000, overdueInterest: L5view.overdueInterest }
  t.same(rowOf(levels.get('group')!, world.groupA2), l5)
  t.same(rowOf(levels.get('village')!, THON_2), l5)
  t.same(rowOf(levels.get('district')!, BR_A), l5)
  t.same(rowOf(levels.get('district')!, BR_B), { overdueLoans: 0, overduePrincipal: 0, overdueInterest: 0 })
  t.same(levels.get('head_office')!.total, l5)
  const march = await read('report=overdue&level=commune&asOf=2025-03-20')
  t.match(rowOf(march, HOA_BAC), { overdueLoans: 1, overduePrincipal: 2_000_000 }, 'instalments of 02-15 and 03-15')
})

t.test('§24 collections by every level: principal, interest and overdue interest collected add up', async (t) => {
  const levels = await checkSums(t, 'collections', JUNE)
  const g = levels.get('group')!
  t.same(rowOf(g, world.groupA), {
    repayments: 1,
    amount: 50_000,
    principal: 22_500,
    interest: 27_500,
    overdueInterest: 0,
  })
  t.same(rowOf(g, world.groupA2), { repayments: 1, amount: 27_500, principal: 0, interest: 27_500, overdueInterest: 0 })
  t.same(rowOf(g, world.groupB), {
    repayments: 1,
    amount: 100_000,
    principal: 26_667,
    interest: 73_333,
    overdueInterest: 0,
  })
  t.same(rowOf(levels.get('commune')!, HOA_BAC)?.amount, 77_500)
  t.same(levels.get('province')!.total, {
    repayments: 3,
    amount: 177_500,
    principal: 49_167,
    interest: 128_333,
    overdueInterest: 0,
  })
  // The support loans' 2025 repayments are outside the dates.
  const may = await read('report=collections&level=head_office&from=2026-05-01&to=2026-05-31')
  t.same(may.total.repayments, 0)
})

t.test('§24 support payments paid between two dates, by the group of the household', async (t) => {
  const levels = await checkSums(t, 'support_payments', JUNE)
  t.same(rowOf(levels.get('group')!, world.groupA), { count: 1, amount: 4_000_000 })
  t.same(rowOf(levels.get('village')!, THON_2), { count: 1, amount: 4_000_000 })
  t.same(rowOf(levels.get('commune')!, HOA_BAC), { count: 2, amount: 8_000_000 })
  t.same(rowOf(levels.get('province')!, HUE), { count: 0, amount: 0 })
  const before = await read('report=support_payments&level=head_office&from=2026-06-01&to=2026-06-29')
  t.same(before.total, { count: 0, amount: 0 }, 'paid on 06-30: not in a range ending 06-29')
})

t.test("§24 fees: a partner's entrustment fee sits at its district; below that level it is aboveLevel", async (t) => {
  const levels = await checkSums(t, 'fees', 'month=2026-06')
  const d = levels.get('district')!
  t.same(rowOf(d, BR_A), { entrustmentFee: 17_990, groupCommission: 2_200, amount: 20_190 })
  t.same(rowOf(d, BR_B), { entrustmentFee: 17_988, groupCommission: 0, amount: 17_988 })
  t.same(rowOf(d, BR_C), { entrustmentFee: 0, groupCommission: 0, amount: 0 })
  t.same(d.aboveLevel, { entrustmentFee: 0, groupCommission: 0, amount: 0 })
  const c = levels.get('commune')!
  t.same(rowOf(c, HOA_BAC), { entrustmentFee: 0, groupCommission: 2_200, amount: 2_200 })
  t.same(c.aboveLevel, { entrustmentFee: 35_978, groupCommission: 0, amount: 35_978 })
  t.same(c.total, { entrustmentFee: 35_978, groupCommission: 2_200, amount: 38_178 })
  // Exactly the partner-fee report's figures.
  const existing = expectStatus(
    await as('finance', { method: 'GET', url: '/v1/reports/partner-fees?month=2026-06' }),
    200,
    'partner fees',
  ).json()
  t.same(
    { entrustmentFee: existing.totals.entrustmentFee, groupCommission: existing.totals.groupCommission },
    { entrustmentFee: c.total.entrustmentFee, groupCommission: c.total.groupCommission },
  )
  // Restricted to commune Hòa Bắc: district BR-A's partners are above the restriction, so not in it.
  const hoaBac = await read(`report=fees&level=village&month=2026-06&placeId=${HOA_BAC}`)
  t.same(hoaBac.total, { entrustmentFee: 0, groupCommission: 2_200, amount: 2_200 })
  t.same(rowOf(hoaBac, THON_2), { entrustmentFee: 0, groupCommission: 2_200, amount: 2_200 })
})

t.test('§24 officeId or placeId keeps one subtree', async (t) => {
  const r = await read(`report=portfolio&level=district&officeId=${DA_NANG}`)
  t.same(r.rows.map((x) => x.id).sort(), [BR_A, BR_C].sort(), "Đà Nẵng's districts only")
  t.same(r.total.outstanding, 71_977_500)
  const v = await read(`report=portfolio&level=group&placeId=${THON_1}`)
  t.same(v.rows.map((x) => x.id).sort(), [world.groupA, groupA3.id].sort())
  t.same(v.total.outstanding, 49_977_500)
  const same = await read(`report=portfolio&level=village&placeId=${THON_1}`)
  t.same(
    same.rows.map((x) => x.id),
    [THON_1],
    'a restriction at the level of the rows: its own row',
  )
  t.match(
    same.rows[0],
    { parentId: HOA_BAC, parentName: 'Hòa Bắc' },
    'still named with its parent, outside the subtree',
  )
})

t.test('§24 CSV: Vietnamese headings, UTF-8 BOM, the aboveLevel and total rows last', async (t) => {
  const res = await rollUp('report=fees&level=commune&month=2026-06', 'finance', 'text/csv')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.equal(res.body.charCodeAt(0), 0xfeff, 'UTF-8 BOM')
  const [header, ...rows] = parseCsv(res.body)
  t.same(header, [
    'Cấp (level)',
    'Mã số (id)',
    'Mã (code)',
    'Tên (name)',
    'Mã số cấp trên (parentId)',
    'Cấp trên (parentName)',
    'Phí ủy thác (entrustmentFee)',
    'Hoa hồng tổ TK&VV (groupCommission)',
    'Tổng phí (amount)',
  ])
  const keys = header!.map(csvKey)
  const objects = rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i]])))
  t.match(
    objects.find((o) => o.id === String(HOA_BAC)),
    { name: 'Hòa Bắc', groupCommission: '2200' },
  )
  t.match(objects.at(-2), { level: 'aboveLevel', entrustmentFee: '35978' })
  t.match(objects.at(-1), { level: 'total', amount: '38178' })
  const portfolio = await rollUp('report=portfolio&level=province&format=csv', 'officerA')
  t.match(parseCsv(portfolio.body)[0], ['Cấp (level)', 'Mã số (id)', 'Mã (code)', 'Tên (name)'])
  t.ok(parseCsv(portfolio.body)[0]!.includes('Dư nợ gốc (outstanding)'))
})

t.test("§24 scope: a branch officer sees its branch's part only; a partner officer its own groups", async (t) => {
  const p = await read('report=portfolio&level=province', 'officerA')
  t.same(
    p.rows.map((r) => r.id),
    [DA_NANG],
    "the province of the officer's branch only",
  )
  t.same(rowOf(p, DA_NANG), { loans: 4, households: 4, outstanding: 71_977_500, overdue: 12_000_000 })
  const d = await read('report=portfolio&level=district', 'officerA')
  t.same(
    d.rows.map((r) => r.id),
    [BR_A],
    'not district BR-C of the same province',
  )
  const c = await read('report=collections&level=head_office&' + JUNE, 'officerB')
  t.same(c.total, { repayments: 1, amount: 100_000, principal: 26_667, interest: 73_333, overdueInterest: 0 })
  const g = await read('report=portfolio&level=group', 'partnerA2')
  t.same(
    g.rows.map((r) => r.id),
    [world.groupA2],
    "partner A2's group only",
  )
  t.same(g.total.outstanding, 22_000_000)
  const elsewhere = await read(`report=portfolio&level=district&officeId=${HUE}`, 'officerA')
  t.same(elsewhere.rows, [], "another province's subtree: no rows")
  t.same(elsewhere.total.loans, 0)
  await checkSums(t, 'support_payments', JUNE, 'officerA')
  assertRejected(t, await rollUp('report=fees&level=district&month=2026-06', 'officerA'), 403, 'FORBIDDEN')
  t.equal((await rollUp('report=fees&level=district&month=2026-06', 'auditor')).statusCode, 200)
})

t.test('§24 bad input is refused by name', async (t) => {
  const bad = async (query: string, status: number, code: string, field?: string) =>
    assertRejected(t, await rollUp(query), status, code, field)
  await bad(
    `report=portfolio&level=district&officeId=${DA_NANG}&placeId=${HOA_BAC}`,
    400,
    'VALIDATION_ERROR',
    'querystring.placeId',
  )
  await bad(`report=portfolio&level=district&placeId=${HOA_BAC}`, 400, 'VALIDATION_ERROR', 'querystring.level')
  await bad(`report=portfolio&level=commune&placeId=${THON_1}`, 400, 'VALIDATION_ERROR', 'querystring.level')
  await bad(`report=portfolio&level=head_office&officeId=${BR_A}`, 400, 'VALIDATION_ERROR', 'querystring.level')
  await bad('report=collections&level=district&to=2026-06-30', 400, 'VALIDATION_ERROR', 'querystring.from')
  await bad(
    'report=collections&level=district&from=2026-06-30&to=2026-06-01',
    400,
    'VALIDATION_ERROR',
    'querystring.from',
  )
  await bad('report=portfolio&level=district&month=2026-06', 400, 'VALIDATION_ERROR', 'querystring.month')
  await bad('report=fees&level=district', 400, 'VALIDATION_ERROR', 'querystring.month')
  await bad('report=fees&level=district&month=2026-07', 422, 'MONTH_NOT_ENDED')
  await bad('report=loans&level=district', 400, 'VALIDATION_ERROR')
  await bad('report=portfolio&level=hamlet', 400, 'VALIDATION_ERROR')
  await bad('report=portfolio&level=district&colour=red', 400, 'VALIDATION_ERROR')
  await bad('report=portfolio&level=district&officeId=999999', 404, 'NOT_FOUND')
  await bad('report=portfolio&level=village&placeId=999999', 404, 'NOT_FOUND')
})
