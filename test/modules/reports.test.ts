/**
 * Reports over HTTP (docs/rules.md §11; docs/api.md; CSV
 * injection): portfolio, collections between dates, the public posting list, each as JSON and
 * as CSV (Accept: text/csv).
 *
 * Business date 2026-06-30. Interest = balance × days × ppm / 30,000,000, days over (from, to],
 * rounded half-up. Point A: session day 15 (groupA of partnerA, groupA2 of partnerA2, branch A);
 * point B: session day 20 (groupB of partnerB, branch B). Every plan: principal every month.
 *
 * Households: H1 'Trần Thị Bình' (groupA, poor), H2 'Lê Văn Cường' (groupA, poor),
 *             H3 '=HYPERLINK("x")' (groupA2, near-poor), H4 'Phạm Thị Dung' (groupB, poor).
 * Loans:
 *   L1 H1 POOR 5500 ppm 12,000,000 / 12 months (12 × 1,000,000), disbursed 2026-05-10 → due 06-15, 07-15, …
 *      Paid in groupA's collection session 2026-06-15: interest (05-10, 06-15] = 21 + 15 = 36 days:
 *      12,000,000 × 36 × 5500 / 30,000,000 = 79,200; principal 1,000,000; savings 50,000.
 *      → outstanding 11,000,000, nothing overdue, next due 2026-07-15.
 *   L2 H2 POOR 12,000,000 / 12 months, disbursed 2026-01-10 → due 02-15, 03-15, 04-15, 05-15, 06-15, 07-15 …
 *      Never paid principal: on 2026-06-30 instalments 1–5 are overdue → overdue principal 5 × 1,000,000 =
 *      5,000,000 (on 2026-06-14 only 1–4: 4,000,000). One repayment of 100,000 on 2026-06-25 goes wholly to
 *      overdue interest (instalment 1's interest alone is 12,000,000 × 36 × 5500 / 30,000,000 = 79,200, plus
 *      instalment 2's 11,000,000 × 28 × 5500 / 30,000,000 = 56,467 > 100,000). Outstanding stays 12,000,000.
 *   L3 H3 NEAR_POOR 6600 ppm 6,000,000 / 12 months, disbursed 2026-06-15 → first due 2026-07-15.
 *      groupA2's collection session 2026-06-20: savings only, 30,000 (no repayment).
 *   L4 H4 POOR 10,000,000 / 10 months (10 × 1,000,000), point B, disbursed 2026-05-10 → due 2026-06-20, 07-20, …
 *      Paid 2026-06-20: interest (05-10, 06-20] = 21 + 20 = 41 days: 10,000,000 × 41 × 5500 / 30,000,000 =
 *      75,166.67 → 75,167; principal 1,000,000; amount 1,075,167. → outstanding 9,000,000, next due 2026-07-20.
 *   L5 H1 (a second POOR loan, within the cap) 6,000,000 / 12 months, disbursed 2026-06-15 → first due 07-15.
 *
 * Portfolio on 2026-06-30 (outstanding / overdue; ratio = floor(overdue × 10^6 / outstanding)):
 *   L1 11,000,000 / 0; L2 12,000,000 / 5,000,000; L3 6,000,000 / 0; L4 9,000,000 / 0; L5 6,000,000 / 0.
 */
import t, { type Test } from 'tap'
import { buildTestApp, nationalId, type KeyName } from '../helpers/app.js'
import {
  disbursedLoan,
  expectStatus,
  povertyStatus,
  unique,
  PARTNER_OF,
  type GroupName,
  type PovertyStatus,
} from '../helpers/origination.js'
import { assertLedgerMatchesLoans } from '../helpers/ledger.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const INJECTION = '=HYPERLINK("x")'

async function household(headName: string, group: GroupName, status: PovertyStatus, village: string): Promise<number> {
  const who = PARTNER_OF[group]
  const res = expectStatus(
    await as(who, {
      method: 'POST',
      url: '/v1/households',
      payload: {
        nationalId: nationalId(),
        headName,
        groupId: world[group],
        area: 'rural',
        address: { commune: 'Hòa Bắc', village },
      },
    }),
    201,
    `household ${headName}`,
  )
  const id = res.json().id as number
  await povertyStatus(ta, id, status, '2020-01-01', group === 'groupB' ? 'officerB' : 'officerA')
  return id
}

const monthly = (termMonths: number) => ({ termMonths, principalPlan: { everyMonths: 1 as const, graceMonths: 0 } })
const MAY = {
  applicationDate: '2026-05-01',
  certifiedOn: '2026-05-04',
  approvedOn: '2026-05-06',
  valueDate: '2026-05-10',
}
const JUNE = {
  applicationDate: '2026-06-01',
  certifiedOn: '2026-06-05',
  approvedOn: '2026-06-10',
  valueDate: '2026-06-15',
}

const H1 = await household('Trần Thị Bình', 'groupA', 'poor', 'Thôn 1')
const H2 = await household('Lê Văn Cường', 'groupA', 'poor', 'Thôn 1')
const H3 = await household(INJECTION, 'groupA2', 'near_poor', 'Thôn 2')
const H4 = await household('Phạm Thị Dung', 'groupB', 'poor', 'Thôn 3')

const L1 = (await disbursedLoan(ta, { householdId: H1, group: 'groupA', amount: 12_000_000, ...monthly(12), ...MAY }))
  .loanId
const L2 = (
  await disbursedLoan(ta, {
    householdId: H2,
    group: 'groupA',
    amount: 12_000_000,
    ...monthly(12),
    applicationDate: '2026-01-02',
    certifiedOn: '2026-01-03',
    approvedOn: '2026-01-06',
    valueDate: '2026-01-10',
  })
).loanId
const L3 = (
  await disbursedLoan(ta, {
    householdId: H3,
    group: 'groupA2',
    programmeCode: 'NEAR_POOR',
    amount: 6_000_000,
    ...monthly(12),
    ...JUNE,
  })
).loanId
const L4 = (await disbursedLoan(ta, { householdId: H4, group: 'groupB', amount: 10_000_000, ...monthly(10), ...MAY }))
  .loanId
const L5 = (await disbursedLoan(ta, { householdId: H1, group: 'groupA', amount: 6_000_000, ...monthly(12), ...JUNE }))
  .loanId

const sessionL1 = expectStatus(
  await as('officerA', {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': unique('session') },
    payload: {
      transactionPointId: world.pointA,
      groupId: world.groupA,
      sessionDate: '2026-06-15',
      lines: [{ loanId: L1, interest: 79_200, principal: 1_000_000, savings: 50_000 }],
    },
  }),
  201,
  'groupA session 2026-06-15',
).json()
expectStatus(
  await as('officerA', {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': unique('session') },
    payload: {
      transactionPointId: world.pointA,
      groupId: world.groupA2,
      sessionDate: '2026-06-20',
      lines: [{ loanId: L3, interest: 0, principal: 0, savings: 30_000 }],
    },
  }),
  201,
  'groupA2 savings-only session 2026-06-20',
)
const repayL4 = expectStatus(
  await as('officerB', {
    method: 'POST',
    url: `/v1/loans/${L4}/repayments`,
    headers: { 'idempotency-key': unique('pay') },
    payload: { amount: 1_075_167, valueDate: '2026-06-20' },
  }),
  201,
  'L4 repayment 2026-06-20',
).json()
const repayL2 = expectStatus(
  await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${L2}/repayments`,
    headers: { 'idempotency-key': unique('pay') },
    payload: { amount: 100_000, valueDate: '2026-06-25' },
  }),
  201,
  'L2 repayment 2026-06-25',
).json()

function test(name: string, fn: (t: Test) => Promise<void>) {
  return t.test(name, async (t) => {
    await fn(t)
    assertLedgerMatchesLoans(t, app)
  })
}

async function get(t: Test, who: KeyName, url: string, accept?: string) {
  const res = await as(who, { method: 'GET', url, headers: accept ? { accept } : {} })
  t.equal(res.statusCode, 200, `${who} GET ${url}${accept ? ` (${accept})` : ''} → 200`, {
    diagnostic: res.statusCode !== 200,
    body: res.body,
  })
  return res
}

/** CSV text → records keyed by the header, with the named columns converted to numbers. */
function records(
  text: string,
  numeric: readonly string[],
): { header: string[]; rows: Record<string, string | number | null>[] } {
  const [headings, ...rows] = parseCsv(text)
  const header = headings!.map(csvKey)
  return {
    header,
    rows: rows.map((r) =>
      Object.fromEntries(header.map((h, i) => [h, numeric.includes(h) ? Number(r[i]) : (r[i] ?? '')])),
    ),
  }
}

interface PortfolioItem {
  key: string
  name: string
  loans: number
  households: number
  outstanding: number
  overdue: number
  overdueRatioPpm: number
}
interface Portfolio {
  asOf: string
  groupBy: string
  items: PortfolioItem[]
  totals: Omit<PortfolioItem, 'key' | 'name'>
}

const portfolio = async (t: Test, query: string, who: KeyName = 'finance'): Promise<Portfolio> =>
  (await get(t, who, `/v1/reports/portfolio?${query}`)).json()
const byKey = (items: PortfolioItem[]) => [...items].sort((a, b) => a.key.localeCompare(b.key))
const row = (
  key: number | string,
  name: string,
  loans: number,
  households: number,
  outstanding: number,
  overdue: number,
  overdueRatioPpm: number,
): PortfolioItem => ({ key: String(key), name, loans, households, outstanding, overdue, overdueRatioPpm })

// ——— expected portfolio on 2026-06-30 (see the header for each loan)
// branch A: L1 + L2 + L3 + L5 = 11,000,000 + 12,000,000 + 6,000,000 + 6,000,000 = 35,000,000; overdue 5,000,000
// (L2);
//   households H1, H2, H3 = 3 (H1 has L1 and L5); ratio 5e6 × 1e6 / 35e6 = 142,857.14 → 142,857
// branch B: L4 9,000,000; 0 overdue
// totals: 5 loans, 3 + 1 = 4 households, 44,000,000, 5,000,000 → 5e12 / 44e6 = 113,636.36 → 113,636
const BY_BRANCH_0630 = [
  row(world.branchA, 'Branch A (Đà Nẵng)', 4, 3, 35_000_000, 5_000_000, 142_857),
  row(world.branchB, 'Branch B (Huế)', 1, 1, 9_000_000, 0, 0),
]
const TOTALS_0630 = { loans: 5, households: 4, outstanding: 44_000_000, overdue: 5_000_000, overdueRatioPpm: 113_636 }
// programme: NEAR_POOR L3 6,000,000; POOR L1 + L2 + L4 + L5 = 11 + 12 + 9 + 6 = 38,000,000, households H1, H2, H4 =
// 3,
//   ratio 5e12 / 38e6 = 131,578.95 → 131,578
const BY_PROGRAMME_0630 = [
  row('NEAR_POOR', 'Cho vay hộ cận nghèo', 1, 1, 6_000_000, 0, 0),
  row('POOR', 'Cho vay hộ nghèo', 4, 3, 38_000_000, 5_000_000, 131_578),
]
// partner / group: partnerA = groupA: L1 + L2 + L5 = 29,000,000, households H1, H2 = 2, ratio 5e12 / 29e6 =
// 172,413.79 → 172,413
//   partnerA2 = groupA2: L3 6,000,000; partnerB = groupB: L4 9,000,000
const BY_PARTNER_0630 = [
  row(world.partnerA, "Women's Union A", 3, 2, 29_000_000, 5_000_000, 172_413),
  row(world.partnerA2, "Farmers' Association A", 1, 1, 6_000_000, 0, 0),
  row(world.partnerB, "Women's Union B", 1, 1, 9_000_000, 0, 0),
]
const BY_GROUP_0630 = [
  row(world.groupA, 'Group A', 3, 2, 29_000_000, 5_000_000, 172_413),
  row(world.groupA2, 'Group A2', 1, 1, 6_000_000, 0, 0),
  row(world.groupB, 'Group B', 1, 1, 9_000_000, 0, 0),
]

test('§11 portfolio on the business date by programme, branch, partner and group: hand-checked figures', async (t) => {
  const branch = await portfolio(t, 'groupBy=branch')
  t.equal(branch.asOf, '2026-06-30', 'asOf defaults to the business date')
  t.equal(branch.groupBy, 'branch')
  t.same(byKey(branch.items), byKey(BY_BRANCH_0630))
  t.same(branch.totals, TOTALS_0630)
  const programme = await portfolio(t, 'groupBy=programme')
  t.same(byKey(programme.items), BY_PROGRAMME_0630)
  t.same(programme.totals, TOTALS_0630, 'the same totals whatever the grouping (H1 is in one programme only)')
  t.same((await portfolio(t, '')).items, programme.items, 'groupBy defaults to programme')
  const partner = await portfolio(t, 'groupBy=partner')
  t.same(byKey(partner.items), byKey(BY_PARTNER_0630))
  t.same(partner.totals, TOTALS_0630)
  const group = await portfolio(t, 'groupBy=group')
  t.same(byKey(group.items), byKey(BY_GROUP_0630))
  t.same(group.totals, TOTALS_0630)
  // The projection agrees with each loan's own view.
  const l2 = (await get(t, 'finance', `/v1/loans/${L2}`)).json()
  t.match(l2, { outstandingPrincipal: 12_000_000, overduePrincipal: 5_000_000 }, 'L2: 5 instalments overdue')
})

test('§11 portfolio asOf a date before a repayment differs correctly (replayed history)', async (t) => {
  // 2026-06-14: before L1's session (06-15), L4's repayment (06-20) and the disbursements of L3, L5 (06-15).
  // L1 12,000,000 / 0 (first due 06-15 not yet reached); L2 12,000,000 / 4,000,000 (instalments due 02-15 … 05-15);
  //   L4 10,000,000 / 0 (first due 06-20). L3, L5 not yet disbursed → not in the report.
  //   branch A: 2 loans, 2 households, 24,000,000, 4,000,000 → 4e12 / 24e6 = 166,666.67 → 166,666
  //   branch B: 1 loan, 10,000,000, 0
  //   totals: 3 loans, 3 households, 34,000,000, 4,000,000 → 4e12 / 34e6 = 117,647.06 → 117,647
  const early = await portfolio(t, 'groupBy=branch&asOf=2026-06-14')
  t.equal(early.asOf, '2026-06-14')
  t.same(
    byKey(early.items),
    byKey([
      row(world.branchA, 'Branch A (Đà Nẵng)', 2, 2, 24_000_000, 4_000_000, 166_666),
      row(world.branchB, 'Branch B (Huế)', 1, 1, 10_000_000, 0, 0),
    ]),
  )
  t.same(early.totals, {
    loans: 3,
    households: 3,
    outstanding: 34_000_000,
    overdue: 4_000_000,
    overdueRatioPpm: 117_647,
  })
  // POOR only (L3 not yet disbursed): 3 loans, 34,000,000.
  t.same((await portfolio(t, 'groupBy=programme&asOf=2026-06-14')).items, [
    row('POOR', 'Cho vay hộ nghèo', 3, 3, 34_000_000, 4_000_000, 117_647),
  ])

  // 2026-06-16: L1's repayment (06-15) counted, L3 and L5 disbursed, L4's (06-20) not yet; L2's 5th instalment
  // (06-15) overdue.
  // branch A: L1 11,000,000 + L2 12,000,000 + L3 6,000,000 + L5 6,000,000 = 35,000,000, overdue 5,000,000 → 142,857
  //   branch B: L4 10,000,000
  //   totals: 45,000,000, 5e12 / 45e6 = 111,111.11 → 111,111
  const mid = await portfolio(t, 'groupBy=branch&asOf=2026-06-16')
  t.same(
    byKey(mid.items),
    byKey([
      row(world.branchA, 'Branch A (Đà Nẵng)', 4, 3, 35_000_000, 5_000_000, 142_857),
      row(world.branchB, 'Branch B (Huế)', 1, 1, 10_000_000, 0, 0),
    ]),
  )
  t.same(mid.totals, { loans: 5, households: 4, outstanding: 45_000_000, overdue: 5_000_000, overdueRatioPpm: 111_111 })

  // 2026-06-29 (replayed) equals the business date's projection: nothing after 06-25 moves principal.
  for (const groupBy of ['branch', 'programme', 'partner', 'group']) {
    const replayed = await portfolio(t, `groupBy=${groupBy}&asOf=2026-06-29`)
    const projected = await portfolio(t, `groupBy=${groupBy}`)
    t.same(byKey(replayed.items), byKey(projected.items), `${groupBy}: replay on 06-29 = projection on 06-30`)
    t.same(replayed.totals, projected.totals)
  }
  // Before any disbursement (2026-01-09): empty.
  t.same(await portfolio(t, 'groupBy=branch&asOf=2026-01-09'), {
    asOf: '2026-01-09',
    groupBy: 'branch',
    items: [],
    totals: { loans: 0, households: 0, outstanding: 0, overdue: 0, overdueRatioPpm: 0 },
  })
})

test('§11 portfolio scope: branch staff see only their branch, a partner officer only their partner', async (t) => {
  for (const who of ['officerA', 'managerA'] as const) {
    const r = await portfolio(t, 'groupBy=branch', who)
    t.same(r.items, [BY_BRANCH_0630[0]], `${who}: branch A only`)
    t.same(r.totals, { loans: 4, households: 3, outstanding: 35_000_000, overdue: 5_000_000, overdueRatioPpm: 142_857 })
  }
  t.same((await portfolio(t, 'groupBy=branch', 'officerB')).items, [BY_BRANCH_0630[1]], 'officerB: branch B only')
  // partnerA: L1, L2, L5 only — even grouped by branch or programme.
  const partnerA = await portfolio(t, 'groupBy=branch', 'partnerA')
  t.same(
    partnerA.items,
    [row(world.branchA, 'Branch A (Đà Nẵng)', 3, 2, 29_000_000, 5_000_000, 172_413)],
    'partnerA: own partner’s loans only',
  )
  t.same((await portfolio(t, 'groupBy=partner', 'partnerA')).items, [BY_PARTNER_0630[0]])
  t.same(
    (await portfolio(t, 'groupBy=programme', 'partnerA2')).items,
    [row('NEAR_POOR', 'Cho vay hộ cận nghèo', 1, 1, 6_000_000, 0, 0)],
    'partnerA2: L3 only',
  )
  t.same((await portfolio(t, 'groupBy=group', 'partnerB')).items, [BY_GROUP_0630[2]], 'partnerB: groupB only')
  // Scope also holds for a replayed (historical) report: partnerA on 2026-06-14 → L1 + L2 = 24,000,000, 4,000,000.
  t.same((await portfolio(t, 'groupBy=partner&asOf=2026-06-14', 'partnerA')).items, [
    row(world.partnerA, "Women's Union A", 2, 2, 24_000_000, 4_000_000, 166_666),
  ])
  t.same((await portfolio(t, 'groupBy=branch&asOf=2026-06-14', 'officerB')).items, [
    row(world.branchB, 'Branch B (Huế)', 1, 1, 10_000_000, 0, 0),
  ])
})

// ——— collections (repayment_allocations by value date; savings_deposits by value date)
// 2026-06-01 … 2026-06-30:
//   point A (branch A): L1 1,079,200 (interest 79,200, principal 1,000,000) + L2 100,000 (overdue interest) =
//     2 repayments, amount 1,179,200, principal 1,000,000, interest 79,200, overdue interest 100,000;
//     savings 50,000 (groupA, 06-15) + 30,000 (groupA2, 06-20) = 80,000
//   point B (branch B): L4 1,075,167 = principal 1,000,000 + interest 75,167; savings 0
// totals: 3 repayments, 2,254,367 = principal 2,000,000 + interest 154,367 + overdue interest 100,000; savings
// 80,000
interface CollectionsItem {
  branchId: number
  transactionPointId: number
  transactionPoint: string
  repayments: number
  amount: number
  principal: number
  interest: number
  overdueInterest: number
  savings: number
  savingsWithdrawn: number
}
const pointA = (o: Partial<CollectionsItem>): CollectionsItem => ({
  branchId: world.branchA,
  transactionPointId: world.pointA,
  transactionPoint: 'Point A',
  repayments: 0,
  amount: 0,
  principal: 0,
  interest: 0,
  overdueInterest: 0,
  savings: 0,
  savingsWithdrawn: 0,
  ...o,
})
const POINT_A_JUNE = pointA({
  repayments: 2,
  amount: 1_179_200,
  principal: 1_000_000,
  interest: 79_200,
  overdueInterest: 100_000,
  savings: 80_000,
})
const POINT_B_JUNE: CollectionsItem = {
  branchId: world.branchB,
  transactionPointId: world.pointB,
  transactionPoint: 'Point B',
  repayments: 1,
  amount: 1_075_167,
  principal: 1_000_000,
  interest: 75_167,
  overdueInterest: 0,
  savings: 0,
  savingsWithdrawn: 0,
}
const collections = async (t: Test, from: string, to: string, who: KeyName = 'finance') =>
  (await get(t, who, `/v1/reports/collections?from=${from}&to=${to}`)).json()

test(
  '§11 collections between dates: principal / interest / overdue interest split and savings from collection ' +
    'sessions',
  async (t) => {
    t.same(
      sessionL1.lines[0].allocation,
      { overdueInterest: 0, overduePrincipal: 0, interest: 79_200, principal: 1_000_000, prepaid: 0 },
      'L1 session line: interest 79,200 + principal 1,000,000',
    )
    t.same(
      repayL4.allocation,
      { overdueInterest: 0, overduePrincipal: 0, interest: 75_167, principal: 1_000_000, prepaid: 0 },
      'L4: interest 75,167 + principal 1,000,000',
    )
    t.same(
      repayL2.allocation,
      { overdueInterest: 100_000, overduePrincipal: 0, interest: 0, principal: 0, prepaid: 0 },
      'L2: all 100,000 to overdue interest',
    )

    const june = await collections(t, '2026-06-01', '2026-06-30')
    t.same(june, {
      from: '2026-06-01',
      to: '2026-06-30',
      items: [POINT_A_JUNE, POINT_B_JUNE],
      totals: {
        repayments: 3,
        amount: 2_254_367,
        principal: 2_000_000,
        interest: 154_367,
        overdueInterest: 100_000,
        savings: 80_000,
        savingsWithdrawn: 0,
      },
    })
    for (const i of june.items as CollectionsItem[])
      t.equal(
        i.principal + i.interest + i.overdueInterest,
        i.amount,
        `point ${i.transactionPoint}: principal + interest + overdue interest = amount`,
      )
    // Inclusive bounds: 2026-06-15 … 2026-06-15 → L1's session only (with its 50,000 savings).
    t.same((await collections(t, '2026-06-15', '2026-06-15')).items, [
      pointA({ repayments: 1, amount: 1_079_200, principal: 1_000_000, interest: 79_200, savings: 50_000 }),
    ])
    // 2026-06-21 … 2026-06-30 → L2's 100,000 only.
    t.same(await collections(t, '2026-06-21', '2026-06-30'), {
      from: '2026-06-21',
      to: '2026-06-30',
      items: [pointA({ repayments: 1, amount: 100_000, overdueInterest: 100_000 })],
      totals: {
        repayments: 1,
        amount: 100_000,
        principal: 0,
        interest: 0,
        overdueInterest: 100_000,
        savings: 0,
        savingsWithdrawn: 0,
      },
    })
    // Before anything was collected: empty.
    t.same((await collections(t, '2026-05-01', '2026-06-14')).totals, {
      repayments: 0,
      amount: 0,
      principal: 0,
      interest: 0,
      overdueInterest: 0,
      savings: 0,
      savingsWithdrawn: 0,
    })

    // 2026-06-16 … 2026-06-24: L4's repayment at point B; at point A no repayment, but groupA2 handed in 30,000
    // savings
    // on 06-20 — collected cash the report must show.
    const savingsOnly = await collections(t, '2026-06-16', '2026-06-24')
    t.same(
      savingsOnly.items.find((i: CollectionsItem) => i.transactionPointId === world.pointB),
      POINT_B_JUNE,
      'point B: L4',
    )
    t.equal(
      savingsOnly.totals.savings,
      30_000,
      'savings collected at a point with no repayment in the range are counted',
    )
  },
)

test(
  '§11 collections scope: branch staff see their branch; a partner officer only their partner’s loans ' +
    '(savings included)',
  async (t) => {
    t.same(
      (await collections(t, '2026-06-01', '2026-06-30', 'officerA')).items,
      [POINT_A_JUNE],
      'officerA: point A only',
    )
    t.same(
      (await collections(t, '2026-06-01', '2026-06-30', 'officerB')).items,
      [POINT_B_JUNE],
      'officerB: point B only',
    )
    const partnerA = await collections(t, '2026-06-01', '2026-06-30', 'partnerA')
    t.equal(partnerA.items.length, 1, 'partnerA: one row (point A)')
    // partnerA's loans L1 and L2: both repayments; savings only groupA's 50,000 (groupA2 belongs to partnerA2).
    t.match(partnerA.items[0], {
      transactionPointId: world.pointA,
      repayments: 2,
      amount: 1_179_200,
      principal: 1_000_000,
      interest: 79_200,
      overdueInterest: 100_000,
    })
    t.equal(partnerA.items[0].savings, 50_000, 'partnerA sees only its own groups’ savings (not groupA2’s 30,000)')
    t.same(
      (await collections(t, '2026-06-01', '2026-06-30', 'partnerB')).items,
      [POINT_B_JUNE],
      'partnerB: L4 at point B',
    )
  },
)

test('§11 collections: from after to → 400 problem, and missing dates → 400', async (t) => {
  const res = await as('finance', { method: 'GET', url: '/v1/reports/collections?from=2026-06-30&to=2026-06-01' })
  t.equal(res.statusCode, 400)
  t.match(res.headers['content-type'], /application\/problem\+json/)
  t.match(res.json(), { code: 'VALIDATION_ERROR', errors: [{ field: 'querystring.from' }] })
  const csv = await as('finance', {
    method: 'GET',
    url: '/v1/reports/collections?from=2026-06-30&to=2026-06-01',
    headers: { accept: 'text/csv' },
  })
  t.equal(csv.statusCode, 400, 'also when CSV is asked for')
  t.equal(
    (await as('finance', { method: 'GET', url: '/v1/reports/collections?from=2026-06-01' })).statusCode,
    400,
    'to missing → 400',
  )
  t.equal(
    (await as('finance', { method: 'GET', url: '/v1/reports/collections?from=2026-02-30&to=2026-06-01' })).statusCode,
    400,
    'an impossible date → 400',
  )
  t.equal(
    (await as('finance', { method: 'GET', url: '/v1/reports/collections?from=2026-06-01&to=2026-06-01' })).statusCode,
    200,
    'from = to is fine',
  )
})

// ——— posting list of point A (active loans, by group name, head name, loan id):
//   Group A:  L2 'Lê Văn Cường' 12,000,000 / 12,000,000, next due 2026-07-15 (the next instalment date; the five
//             missed ones show as overdue principal 5,000,000);
// L1 'Trần Thị Bình' 12,000,000 / 11,000,000, next due 2026-07-15; L5 'Trần Thị Bình' 6,000,000 / 6,000,000,
// 2026-07-15
//   Group A2: L3 '=HYPERLINK("x")' NEAR_POOR 6,000,000 / 6,000,000, 2026-07-15
const postingList = async (t: Test, point: number, who: KeyName = 'finance') =>
  (await get(t, who, `/v1/reports/posting-list?transactionPointId=${point}`)).json()

test('§11 public posting list: every active borrower of the point with amount, balance and next due date', async (t) => {
  const list = await postingList(t, world.pointA)
  t.equal(list.transactionPointId, world.pointA)
  t.match(list.items, [
    {
      loanId: L2,
      borrower: 'Lê Văn Cường',
      village: 'Thôn 1',
      groupName: 'Group A',
      programmeCode: 'POOR',
      amount: 12_000_000,
      balance: 12_000_000,
      nextDueDate: '2026-07-15',
      overduePrincipal: 5_000_000,
    },
    {
      loanId: L1,
      borrower: 'Trần Thị Bình',
      village: 'Thôn 1',
      groupName: 'Group A',
      programmeCode: 'POOR',
      amount: 12_000_000,
      balance: 11_000_000,
      nextDueDate: '2026-07-15',
      overduePrincipal: 0,
    },
    {
      loanId: L5,
      borrower: 'Trần Thị Bình',
      village: 'Thôn 1',
      groupName: 'Group A',
      programmeCode: 'POOR',
      amount: 6_000_000,
      balance: 6_000_000,
      nextDueDate: '2026-07-15',
      overduePrincipal: 0,
    },
    {
      loanId: L3,
      borrower: INJECTION,
      village: 'Thôn 2',
      groupName: 'Group A2',
      programmeCode: 'NEAR_POOR',
      amount: 6_000_000,
      balance: 6_000_000,
      nextDueDate: '2026-07-15',
      overduePrincipal: 0,
    },
  ])
  t.equal(list.items.length, 4, 'L4 (point B) is not on point A’s list')
  // L2's next due date: the loan's own view says the same.
  t.equal(
    list.items[0].nextDueDate,
    (await get(t, 'finance', `/v1/loans/${L2}`)).json().nextDueDate,
    'L2: next due date as the loan reports it',
  )
  // The balances on the list add up to the point's portfolio (L1 + L2 + L3 + L5 = 35,000,000).
  t.equal(
    list.items.reduce((a: number, i: { balance: number }) => a + i.balance, 0),
    35_000_000,
  )

  t.same(
    (await postingList(t, world.pointB)).items.map((i: { loanId: number; balance: number; nextDueDate: string }) => [
      i.loanId,
      i.balance,
      i.nextDueDate,
    ]),
    [[L4, 9_000_000, '2026-07-20']],
    'point B: L4, balance 9,000,000, next due 2026-07-20',
  )
  // Scope: partnerA sees its groups' borrowers only; another branch's staff see nobody at point A.
  t.same(
    (await postingList(t, world.pointA, 'partnerA')).items.map((i: { loanId: number }) => i.loanId),
    [L2, L1, L5],
    'partnerA: groupA only',
  )
  t.same((await postingList(t, world.pointA, 'officerA')).items.length, 4, 'officerA: the whole point')
  t.same((await postingList(t, world.pointA, 'officerB')).items, [], 'officerB: nothing of branch A')
  t.same((await postingList(t, world.pointA, 'partnerB')).items, [], 'partnerB: nothing of partner A')
})

// ——— CSV: every report parses back to the same numbers as its JSON.
const PORTFOLIO_COLUMNS = ['key', 'name', 'loans', 'households', 'outstanding', 'overdue', 'overdueRatioPpm']
const COLLECTIONS_COLUMNS = [
  'branchId',
  'transactionPointId',
  'transactionPoint',
  'repayments',
  'amount',
  'principal',
  'interest',
  'overdueInterest',
  'savings',
  'savingsWithdrawn',
]
const POSTING_COLUMNS = [
  'loanId',
  'borrower',
  'village',
  'groupName',
  'programmeCode',
  'amount',
  'balance',
  'nextDueDate',
  'overduePrincipal',
]

test('§11 every report as CSV (Accept: text/csv) parses back to the same numbers as the JSON', async (t) => {
  for (const query of [
    'groupBy=programme',
    'groupBy=branch',
    'groupBy=partner',
    'groupBy=group',
    'groupBy=branch&asOf=2026-06-14',
  ]) {
    const url = `/v1/reports/portfolio?${query}`
    const json = (await get(t, 'finance', url)).json() as Portfolio
    const res = await get(t, 'finance', url, 'text/csv')
    t.match(res.headers['content-type'], /^text\/csv/)
    t.match(res.headers['content-disposition'], /attachment; filename="portfolio-/)
    const csv = records(res.body, ['loans', 'households', 'outstanding', 'overdue', 'overdueRatioPpm'])
    t.same(csv.header, PORTFOLIO_COLUMNS, `portfolio ${query}: header`)
    t.same(csv.rows, json.items, `portfolio ${query}: rows = JSON items`)
    t.equal(
      csv.rows.reduce((a, r) => a + (r.outstanding as number), 0),
      json.totals.outstanding,
      `portfolio ${query}: Σ outstanding = totals`,
    )
    t.equal(
      csv.rows.reduce((a, r) => a + (r.overdue as number), 0),
      json.totals.overdue,
      `portfolio ${query}: Σ overdue = totals`,
    )
  }
  const url = '/v1/reports/collections?from=2026-06-01&to=2026-06-30'
  const collectionsJson = (await get(t, 'finance', url)).json()
  const collectionsCsv = records((await get(t, 'finance', url, 'text/csv')).body, [
    'branchId',
    'transactionPointId',
    'repayments',
    'amount',
    'principal',
    'interest',
    'overdueInterest',
    'savings',
    'savingsWithdrawn',
  ])
  t.same(collectionsCsv.header, COLLECTIONS_COLUMNS, 'collections: header')
  t.same(collectionsCsv.rows, collectionsJson.items, 'collections: rows = JSON items')
  t.same(collectionsCsv.rows, [POINT_A_JUNE, POINT_B_JUNE], 'collections: the hand-checked figures')
  for (const f of ['repayments', 'amount', 'principal', 'interest', 'overdueInterest', 'savings']) {
    t.equal(
      collectionsCsv.rows.reduce((a, r) => a + (r[f] as number), 0),
      collectionsJson.totals[f],
      `collections: Σ ${f} = totals`,
    )
  }
  for (const point of [world.pointA, world.pointB]) {
    const purl = `/v1/reports/posting-list?transactionPointId=${point}`
    const json = (await get(t, 'finance', purl)).json()
    const csv = records((await get(t, 'finance', purl, 'text/csv')).body, [
      'loanId',
      'amount',
      'balance',
      'overduePrincipal',
    ])
    t.same(csv.header, POSTING_COLUMNS, `posting list ${point}: header`)
    // Text cells come back as written, except the neutralised formula (next test); nextDueDate null → ''.
    const expected = json.items.map((i: Record<string, unknown>) => ({
      ...i,
      borrower: i.borrower === INJECTION ? `'${INJECTION}` : i.borrower,
      nextDueDate: i.nextDueDate ?? '',
    }))
    t.same(csv.rows, expected, `posting list ${point}: rows = JSON items`)
  }
  // Scope applies to CSV as well.
  const officerB = records((await get(t, 'officerB', '/v1/reports/portfolio?groupBy=branch', 'text/csv')).body, [
    'loans',
    'households',
    'outstanding',
    'overdue',
    'overdueRatioPpm',
  ])
  t.same(officerB.rows, [BY_BRANCH_0630[1]], 'officerB CSV: branch B only')
})

test(
  '§11 CSV injection: a head name starting with "=" is neutralised with a leading apostrophe in the ' +
    'posting-list CSV',
  async (t) => {
    const res = await get(t, 'finance', `/v1/reports/posting-list?transactionPointId=${world.pointA}`, 'text/csv')
    // '=HYPERLINK("x")' → prefixed "'" → quoted because of the quotes: "'=HYPERLINK(""x"")"
    t.ok(res.body.includes(`,"'=HYPERLINK(""x"")",`), 'raw CSV: the cell is "\'=HYPERLINK(""x"")"')
    const rows = parseCsv(res.body)
    const l3 = rows.find((r) => r[0] === String(L3))!
    t.equal(l3[1], `'${INJECTION}`, 'parsed: the apostrophe-prefixed text')
    t.notOk(
      rows.some((r) => r.some((c) => /^[=+@]/.test(c) || /^-(?!\d+$)/.test(c))),
      'no cell of the export starts with = + - @ (other than a plain negative number)',
    )
    // The JSON keeps the name as registered (neutralising is a CSV concern only).
    const json = (await get(t, 'finance', `/v1/reports/posting-list?transactionPointId=${world.pointA}`)).json()
    t.equal(json.items.find((i: { loanId: number }) => i.loanId === L3).borrower, INJECTION)
  },
)

test('§11 portfolio by transaction point: point A holds L1, L2, L3, L5 and point B holds L4', async (t) => {
  const r = (await get(t, 'finance', '/v1/reports/portfolio?groupBy=transactionPoint')).json() as Portfolio
  // Point A: 11,000,000 + 12,000,000 + 6,000,000 + 6,000,000 = 35,000,000, overdue 5,000,000 (L2);
  // ratio floor(5e6 × 1e6 / 35e6) = floor(142,857.14) = 142,857. Households H1, H2, H3.
  t.same(
    r.items.map((i) => [i.key, i.loans, i.households, i.outstanding, i.overdue, i.overdueRatioPpm]),
    [
      [String(world.pointA), 4, 3, 35_000_000, 5_000_000, 142_857],
      [String(world.pointB), 1, 1, 9_000_000, 0, 0],
    ],
  )
  t.ok(
    r.items.every((i) => i.name.length > 0),
    'each point carries its name',
  )
  const replayed = (
    await get(t, 'finance', '/v1/reports/portfolio?groupBy=transactionPoint&asOf=2026-06-29')
  ).json() as Portfolio
  t.same(replayed.items, r.items, 'the replayed path (asOf 06-29, nothing moved on 06-30) agrees with the projection')
  const officerB = (await get(t, 'officerB', '/v1/reports/portfolio?groupBy=transactionPoint')).json() as Portfolio
  t.same(
    officerB.items.map((i) => i.key),
    [String(world.pointB)],
    'branch B staff see only their point',
  )
})

test('§11 disbursements and collections by month: every month listed, hand-checked sums, within scope', async (t) => {
  const r = (await get(t, 'finance', '/v1/reports/monthly?from=2026-01&to=2026-07')).json()
  const zero = {
    disbursementCount: 0,
    disbursedAmount: 0,
    repaymentCount: 0,
    collectedAmount: 0,
    principal: 0,
    interest: 0,
    overdueInterest: 0,
  }
  t.same(
    r.items.map((i: { month: string }) => i.month),
    ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07'],
    'every month, in order',
  )
  t.same(r.items[0], { month: '2026-01', ...zero, disbursementCount: 1, disbursedAmount: 12_000_000 }, 'January: L2')
  t.same(
    r.items.slice(1, 4),
    ['2026-02', '2026-03', '2026-04'].map((month) => ({ month, ...zero })),
    'February to April: nothing moved',
  )
  t.same(r.items[4], { month: '2026-05', ...zero, disbursementCount: 2, disbursedAmount: 22_000_000 }, 'May: L1 and L4')
  // June: L3 + L5 disbursed (6,000,000 each); L1 1,079,200 at the session, L4 1,075,167, L2 100,000 (all overdue
  // interest).
  t.same(
    r.items[5],
    {
      month: '2026-06',
      disbursementCount: 2,
      disbursedAmount: 12_000_000,
      repaymentCount: 3,
      collectedAmount: 2_254_367,
      principal: 2_000_000,
      interest: 154_367,
      overdueInterest: 100_000,
    },
    'June',
  )
  t.same(r.items[6], { month: '2026-07', ...zero })
  t.same(r.totals, {
    disbursementCount: 5,
    disbursedAmount: 46_000_000,
    repaymentCount: 3,
    collectedAmount: 2_254_367,
    principal: 2_000_000,
    interest: 154_367,
    overdueInterest: 100_000,
  })
  const june = (await get(t, 'finance', '/v1/reports/collections?from=2026-06-01&to=2026-06-30')).json()
  t.equal(r.items[5].collectedAmount, june.totals.amount, 'June collected = the collections report of June')

  const b = (await get(t, 'officerB', '/v1/reports/monthly?from=2026-05&to=2026-06')).json()
  t.same(
    b.items.map((i: { disbursedAmount: number; collectedAmount: number }) => [i.disbursedAmount, i.collectedAmount]),
    [
      [10_000_000, 0],
      [0, 1_075_167],
    ],
    'branch B: only L4',
  )

  const csv = await get(t, 'finance', '/v1/reports/monthly?from=2026-05&to=2026-06&format=csv')
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.body.startsWith('\uFEFFTháng (month),'), 'BOM and Vietnamese headings')
  const { rows } = records(csv.body, ['disbursedAmount', 'collectedAmount'])
  t.same(
    rows.map((x) => [x.month, x.disbursedAmount, x.collectedAmount]),
    [
      ['2026-05', 22_000_000, 0],
      ['2026-06', 12_000_000, 2_254_367],
    ],
  )
})

test('§11 monthly report: bad ranges are 400 problems naming the parameter', async (t) => {
  for (const [q, field] of [
    ['from=2026-07&to=2026-06', 'querystring.from'],
    ['from=2023-01&to=2026-01', 'querystring.to'],
  ] as const) {
    const res = await as('finance', { method: 'GET', url: `/v1/reports/monthly?${q}` })
    t.equal(res.statusCode, 400, q)
    t.equal(res.json().code, 'VALIDATION_ERROR')
    t.equal(res.json().errors[0].field, field)
  }
  for (const q of ['from=2026-13&to=2026-12', 'from=2026-1&to=2026-02', 'from=2026-01', 'from=2026-01-01&to=2026-02']) {
    t.equal((await as('finance', { method: 'GET', url: `/v1/reports/monthly?${q}` })).statusCode, 400, `${q} → 400`)
  }
  t.equal(
    (await as('finance', { method: 'GET', url: '/v1/reports/monthly?from=2024-01&to=2026-12' })).statusCode,
    200,
    'exactly 36 months is fine',
  )
})

t.test(
  '§11 portfolio counts households once; a reversed repayment is neither collected cash nor repaid principal',
  async (t) => {
    // Own app: one household 'Võ Văn Em' (groupA, poor, rural) with two loans in two programmes:
    //   P  POOR 12,000,000 / 12 months, disbursed 2026-05-10; instalment 1 paid 2026-06-15 (1,079,200, as L1 above)
    //      and then reversed → outstanding back to 12,000,000, no collection.
    //   W  WATER_SANITATION (any status, rural areas) 6,000,000 / 12 months, disbursed 2026-06-15.
    const own = await buildTestApp(t)
    const res = expectStatus(
      await own.as('partnerA', {
        method: 'POST',
        url: '/v1/households',
        payload: {
          nationalId: nationalId(),
          headName: 'Võ Văn Em',
          groupId: own.world.groupA,
          area: 'rural',
          address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
        },
      }),
      201,
      'household',
    )
    const householdId = res.json().id as number
    await povertyStatus(own, householdId, 'poor', '2020-01-01', 'officerA')
    const P = (await disbursedLoan(own, { householdId, group: 'groupA', amount: 12_000_000, ...monthly(12), ...MAY }))
      .loanId
    const W = (
      await disbursedLoan(own, {
        householdId,
        group: 'groupA',
        programmeCode: 'WATER_SANITATION',
        amount: 6_000_000,
        ...monthly(12),
        ...JUNE,
      })
    ).loanId
    const paid = expectStatus(
      await own.as('officerA', {
        method: 'POST',
        url: `/v1/loans/${P}/repayments`,
        headers: { 'idempotency-key': unique('pay') },
        payload: { amount: 1_079_200, valueDate: '2026-06-15' },
      }),
      201,
      'repayment',
    ).json()
    t.same(paid.allocation, {
      overdueInterest: 0,
      overduePrincipal: 0,
      interest: 79_200,
      principal: 1_000_000,
      prepaid: 0,
    })
    expectStatus(
      await own.as('officerA', {
        method: 'POST',
        url: `/v1/loans/${P}/transactions/${paid.transactionId}/reverse`,
        payload: { reason: 'posted to the wrong loan' },
      }),
      201,
      'reverse',
    )

    const get2 = async (url: string) => {
      const r = await own.as('finance', { method: 'GET', url })
      t.equal(r.statusCode, 200, `GET ${url} → 200`)
      return r.json()
    }
    // By branch: 2 loans, 1 household, 12,000,000 + 6,000,000 = 18,000,000. With its payment reversed, P's
    // instalment 1
    // (due 2026-06-15) is unpaid → overdue 1,000,000; ratio 1e6 × 1e6 / 18e6 = 55,555.56 → 55,555.
    const branch = await get2('/v1/reports/portfolio?groupBy=branch')
    t.same(
      branch.items,
      [row(own.world.branchA, 'Branch A (Đà Nẵng)', 2, 1, 18_000_000, 1_000_000, 55_555)],
      'by branch: 2 loans, 1 household; the reversal restored 12,000,000 and instalment 1 is overdue',
    )
    t.same(branch.totals, {
      loans: 2,
      households: 1,
      outstanding: 18_000_000,
      overdue: 1_000_000,
      overdueRatioPpm: 55_555,
    })
    // By programme: one row each, one household each; the total is still ONE household.
    const programme = await get2('/v1/reports/portfolio?groupBy=programme')
    t.same(programme.items, [
      row('POOR', 'Cho vay hộ nghèo', 1, 1, 12_000_000, 1_000_000, 83_333), // 1e12 / 12e6 = 83,333.33 → 83,333
      row('WATER_SANITATION', 'Cho vay nước sạch và vệ sinh môi trường nông thôn', 1, 1, 6_000_000, 0, 0),
    ])
    t.equal(programme.totals.loans, 2)
    t.equal(programme.totals.outstanding, 18_000_000)
    t.equal(programme.totals.households, 1, 'totals.households counts the household once across programmes')
    // The historical (replayed) path gives the same on 2026-06-29.
    t.same(
      (await get2('/v1/reports/portfolio?groupBy=branch&asOf=2026-06-29')).items,
      branch.items,
      'replayed on 06-29 = projection',
    )
    // Collections: the reversed repayment is not collected cash.
    t.same(
      (await get2('/v1/reports/collections?from=2026-06-01&to=2026-06-30')).items,
      [],
      'the reversed repayment is not in the collections',
    )
    const june = (await get2('/v1/reports/monthly?from=2026-06&to=2026-06')).items[0]
    t.same([june.repaymentCount, june.collectedAmount], [0, 0], 'nor in the monthly collections')
    t.same(
      (await get2(`/v1/reports/posting-list?transactionPointId=${own.world.pointA}`)).items.map(
        (i: { loanId: number; balance: number }) => [i.loanId, i.balance],
      ),
      [
        [P, 12_000_000],
        [W, 6_000_000],
      ],
      'posting list: both loans at their full balance',
    )
    assertLedgerMatchesLoans(t, own.app)
  },
)
