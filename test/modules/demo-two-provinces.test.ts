/**
 * The demo data over two provinces (docs/rules.md §20): Thành phố Đà Nẵng and Tỉnh Quảng Nam as province offices,
 * their branches as district offices under them, communes and villages as places; the Đà Nẵng local policy on
 * Đà Nẵng loans only, Quảng Nam loans under the national rules; the province office ids returned.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { loadDemoData } from '../../src/modules/demo/demo.js'

const ta = await buildTestApp(t, { initialBusinessDate: '2026-12-03' })
const { app } = ta
const demo = loadDemoData(app)
const adminKey = demo.apiKeys.find((k) => k.role === 'admin')!.apiKey
const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${adminKey}` } })
const rows = <T>(sql: string, ...args: unknown[]) => app.sqlite.prepare(sql).all(...args) as T[]
const officeId = (code: string) =>
  (app.sqlite.prepare('SELECT id FROM offices WHERE code = ?').get(code) as { id: number }).id

t.test('§20 the demo spans two provinces, each a province office with its branches as district offices', async (t) => {
  t.same(
    demo.provinces.map((p) => [p.officeId, p.code, p.name, p.branches.map((b) => b.code)]),
    [
      [officeId('48'), '48', 'Thành phố Đà Nẵng', ['DN-HV']],
      [officeId('49'), '49', 'Tỉnh Quảng Nam', ['QN-TBH', 'QN-QSN']],
    ],
    'the province office ids are returned (for province-level users)',
  )
  t.same(
    rows(
      `SELECT b.code, b.province, p.code AS provinceOffice FROM branches b JOIN offices o ON o.id = b.office_id
        JOIN offices p ON p.id = o.parent_id WHERE b.code NOT LIKE 'BR-%' ORDER BY b.id`, // the test world's branches aside
    ),
    [
      { code: 'DN-HV', province: 'Đà Nẵng', provinceOffice: '48' },
      { code: 'QN-TBH', province: 'Quảng Nam', provinceOffice: '49' },
      { code: 'QN-QSN', province: 'Quảng Nam', provinceOffice: '49' },
    ],
  )
  // 200 households in Đà Nẵng, 40 in each Quảng Nam district; 10 + 4 + 3 groups; 3 + 2 + 2 points.
  t.equal(demo.households, 280)
  t.equal(demo.groups, 17)
  t.equal(demo.transactionPoints, 7)
  t.equal(demo.partners, 17, 'partners: 4 in Đà Nẵng, 4 per Quảng Nam district, a commune chapter, 4 province unions')
  const [, quangNam] = demo.provinces
  for (const b of quangNam!.branches) {
    // 16 applications per district: the last 2 submitted, the 2 before certified, 12 disbursed.
    t.same([b.loans.submitted, b.loans.certified], [2, 2], `${b.code}: open applications`)
    t.equal(b.loans.active + b.loans.behind + b.loans.closed, 12, `${b.code}: 12 loans disbursed`)
    t.ok(b.loans.behind > 0 && b.loans.closed === 1, `${b.code}: some behind, the short one closed`)
    t.ok(b.savings.accounts > 0, `${b.code}: members save`)
  }
  t.same(demo.loans.submitted, 8 + 2 + 2)
  t.same(demo.loans.certified, 6 + 2 + 2)
})

t.test('§20 Quảng Nam communes carry their administrative codes; points and groups sit on them', async (t) => {
  const places = expectStatus(await get(`/v1/places?officeId=${officeId('49')}&limit=100`), 200, 'places').json()
  const communes = places.items.filter((p: { kind: string }) => p.kind === 'commune')
  t.same(
    communes.map((p: { code: string; name: string }) => `${p.code} ${p.name}`),
    ['20800 Xã Bình Nguyên', '20812 Xã Bình Minh', '20650 Xã Quế Phú', '20686 Xã Quế An'],
    'the province answers the communes of both its districts',
  )
  t.equal(places.items.length - communes.length, 7, 'a village per group')
  t.same(
    rows<{ code: string; commune: string }>(
      `SELECT tp.code, p.code AS commune FROM transaction_points tp JOIN places p ON p.id = tp.place_id
        WHERE tp.code LIKE 'QN-%' ORDER BY tp.id`,
    ),
    [
      { code: 'QN-TBH-BN', commune: '20800' },
      { code: 'QN-TBH-BM', commune: '20812' },
      { code: 'QN-QSN-QP', commune: '20650' },
      { code: 'QN-QSN-QA', commune: '20686' },
    ],
  )
  t.same(
    rows(
      `SELECT v.code, v.name FROM groups g JOIN places v ON v.id = g.place_id WHERE g.code LIKE 'QN-TBH-%'
        ORDER BY g.id`,
    ),
    [
      { code: '20800-01', name: 'Thôn Bình Trúc' },
      { code: '20800-02', name: 'Thôn Châu Xuân' },
      { code: '20800-03', name: 'Thôn Phước Cẩm' },
      { code: '20812-01', name: 'Thôn Hiệp Hưng' },
    ],
  )
})

t.test(
  '§13 the Đà Nẵng local policy covers Đà Nẵng loans only; Quảng Nam loans follow the national rules',
  async (t) => {
    const byProvince = rows<{ province: string; loans: number; underPolicy: number; interestFree: number }>(
      `SELECT b.province, COUNT(*) AS loans, SUM(l.local_policy_code IS NOT NULL) AS underPolicy,
        SUM(l.local_policy_code = 'DANANG_INTEREST_FREE') AS interestFree
      FROM loans l JOIN branches b ON b.id = l.branch_id GROUP BY b.province ORDER BY b.province`,
    )
    t.same(
      byProvince.map((r) => [r.province, r.loans > 0, r.underPolicy > 0]),
      [
        ['Quảng Nam', true, false],
        ['Đà Nẵng', true, true],
      ],
      'no Quảng Nam loan is under a local policy',
    )
    // The short loans: 6,000,000 VND disbursed on 2026-04-03 over 6 months, 1,000,000 of principal at each monthly
    // session, repaid on every due date. In Đà Nẵng interest-free. In Quảng Nam at the national POOR rate, balance ×
    // days × 5,500 / 30,000,000 a period (rules §5). Thăng Bình (session day 10): 6,000,000 × 37 days → 40,700;
    // 5,000,000 × 31 → 28,416.7 → 28,417; 4,000,000 × 30 → 22,000; 3,000,000 × 31 → 17,050; 2,000,000 × 31 →
    // 11,366.7 → 11,367; 1,000,000 × 30 → 5,500: 125,034 VND. Quế Sơn (day 14): the first period is 41 days →
    // 45,100, the others as above: 129,434 VND.
    const short = rows<{ id: number; branch: string }>(
      `SELECT l.id, b.code AS branch FROM loans l JOIN branches b ON b.id = l.branch_id
      WHERE l.term_months = 6 ORDER BY l.id`,
    )
    t.same(
      short.map((l) => l.branch),
      ['DN-HV', 'DN-HV', 'QN-TBH', 'QN-QSN'],
    )
    const interest: Record<string, object> = {
      'DN-HV': { localPolicyCode: 'DANANG_INTEREST_FREE', monthlyRatePpm: 0, totals: { interestRepaid: 0 } },
      'QN-TBH': { localPolicyCode: null, monthlyRatePpm: 5_500, totals: { interestRepaid: 125_034 } },
      'QN-QSN': { localPolicyCode: null, monthlyRatePpm: 5_500, totals: { interestRepaid: 129_434 } },
    }
    for (const l of short) {
      const loan = expectStatus(await get(`/v1/loans/${l.id}`), 200, 'loan').json()
      t.match(loan, { status: 'closed', ...interest[l.branch] }, `loan ${l.id} (${l.branch})`)
    }
    const support = rows<{ province: string }>(
      'SELECT b.province FROM support_payments s JOIN branches b ON b.id = s.branch_id',
    )
    t.same(support, [{ province: 'Đà Nẵng' }], 'the support payment is a Đà Nẵng one')

    // A Quảng Nam household cannot apply under the Đà Nẵng policy.
    const household = rows<{ id: number }>(
      `SELECT h.id FROM households h JOIN groups g ON g.id = h.group_id WHERE g.code LIKE 'QN-QSN-%'
      AND NOT EXISTS (SELECT 1 FROM loans l WHERE l.household_id = h.id)
      AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.household_id = h.id)
      AND (SELECT status FROM poverty_records r WHERE r.household_id = h.id ORDER BY effective_date DESC, id DESC
        LIMIT 1) = 'poor' ORDER BY h.id LIMIT 1`,
    )[0]!
    const refused = await app.inject({
      method: 'POST',
      url: '/v1/applications',
      headers: { authorization: `Bearer ${adminKey}` },
      payload: {
        householdId: household.id,
        programmeCode: 'POOR',
        localPolicyCode: 'DANANG_INTEREST_FREE',
        amount: 6_000_000,
        termMonths: 6,
        principalPlan: { everyMonths: 1, graceMonths: 0 },
        purpose: 'Raising cows',
        partnerReference: 'QN-TEST-1',
        applicationDate: '2026-12-03',
      },
    })
    assertRejected(t, refused, 422, 'LOCAL_POLICY_NOT_APPLICABLE')
  },
)

t.test('§21 the demo has users above a branch, each seeing exactly its subtree', async (t) => {
  const keyOf = (username: string) => demo.apiKeys.find((k) => k.username === username)!.apiKey
  const listAs = async (username: string, url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${keyOf(username)}` } })
    t.equal(res.statusCode, 200, `${username} ${url}`)
    return res.json().items as { id: number; branchId?: number | null; code?: string; partnerId?: number }[]
  }
  const branchOf = (code: string) =>
    (app.sqlite.prepare('SELECT id FROM branches WHERE code = ?').get(code) as { id: number }).id
  const [hv, tbh, qsn] = ['DN-HV', 'QN-TBH', 'QN-QSN'].map(branchOf)

  const provinceManager = await listAs('quanlytinh', '/v1/branches?limit=200')
  t.same(provinceManager.map((b) => b.id).sort(), [tbh, qsn].sort(), 'the Quảng Nam manager: its two districts')
  const supervisor = await listAs('giamsat', '/v1/branches?limit=200')
  t.same(
    supervisor.map((b) => b.id),
    [hv],
    'the Đà Nẵng supervisor: the Đà Nẵng branch only',
  )
  const supervisedLoans = await listAs('giamsat', '/v1/loans?limit=200')
  t.ok(supervisedLoans.length > 0, 'the supervisor reads the loans of its area')
  t.ok(
    supervisedLoans.every((l) => l.branchId === hv),
    'and none of another province',
  )

  // The Quảng Nam Women's Union (province level) sees the groups of its district associations and of the chapter.
  const unionGroups = await listAs('hoiphunutinh', '/v1/groups?limit=200')
  const expected = rows<{ id: number }>(
    `WITH RECURSIVE sub(id) AS (SELECT id FROM partners WHERE code = 'QN-HLHPN'
        UNION SELECT p.id FROM partners p JOIN sub ON p.parent_id = sub.id)
      SELECT g.id FROM groups g WHERE g.partner_id IN (SELECT id FROM sub) ORDER BY g.id`,
  ).map((g) => g.id)
  t.ok(expected.length >= 2, "the union has groups under it (Quế Sơn's association's and the chapter's)")
  t.same(
    unionGroups.map((g) => g.id),
    expected,
    "the union's groups: exactly those of the partners under it",
  )
  const chapterGroups = rows<{ id: number }>(
    "SELECT g.id FROM groups g JOIN partners p ON p.id = g.partner_id WHERE p.level = 'commune' ORDER BY g.id",
  )
  t.ok(chapterGroups.length > 0, "the commune chapter runs its commune's Women's Union groups")
})
