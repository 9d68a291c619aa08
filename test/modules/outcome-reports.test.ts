/**
 * Reports by purpose and outcome (docs/rules.md §16). Business date 2026-06-30, period 2026-05-01 … 2026-06-30.
 * Loans (POOR, purpose codes from the programme's list; an uncoded loan keeps the application's words):
 *   L1 branch A, 12,000,000 disbursed 2026-05-10, LIVESTOCK (Chăn nuôi)
 *   L2 branch A, 20,000,000 disbursed 2026-06-15, LIVESTOCK
 *   L3 branch B, 30,000,000 disbursed 2026-06-15, no code ("Raising cattle")
 *   L4 branch A, 12,000,000 disbursed 2026-04-10 (before the period)
 * Inspections: L1 2026-05-20 misused, then 2026-06-20 as intended (2 animals, 1 job); L2 2026-06-25 partly (1
 * animal); L3 2026-06-25 as intended (1 house, 1 water work); L4 2026-04-20 misused (before the period).
 */
import t from 'tap'
import { buildTestApp, type KeyName } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { OVERDUE_LOAN, overdueLoan } from '../helpers/loan-controls.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

app.sqlite
  .prepare("INSERT INTO loan_purposes (programme_code, code, name_vi, name_en) VALUES ('POOR', ?, ?, ?)")
  .run('LIVESTOCK', 'Chăn nuôi', 'Livestock')
// The purpose as approval copies it from the application (the purposes capability has its own tests).
const coded = (loanId: number) =>
  app.sqlite.prepare("UPDATE loans SET purpose_code = 'LIVESTOCK' WHERE id = ?").run(loanId)

const loan = async (valueDate: string, amount: number, group: 'groupA' | 'groupB' = 'groupA') =>
  (await overdueLoan(ta, { ...OVERDUE_LOAN, valueDate, amount, group })).loanId
const inspect = async (loanId: number, inspectedOn: string, finding: string, outcomes: Record<string, number> = {}) =>
  expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/inspections',
      payload: { loanId, inspectedOn, finding, evidence: 'Biên bản kiểm tra sau cho vay', outcomes },
    }),
    201,
    'inspect',
  )

const l1 = await loan('2026-05-10', 12_000_000)
const l2 = await loan('2026-06-15', 20_000_000)
const l3 = await loan('2026-06-15', 30_000_000, 'groupB')
const l4 = await loan('2026-04-10', 12_000_000)
coded(l1)
coded(l2)
coded(l4)
await inspect(l1, '2026-05-20', 'misused')
await inspect(l1, '2026-06-20', 'as_intended', { animalsBought: 2, jobsCreated: 1 })
await inspect(l2, '2026-06-25', 'partly', { animalsBought: 1 })
await inspect(l3, '2026-06-25', 'as_intended', { housesBuilt: 1, waterWorks: 1 })
await inspect(l4, '2026-04-20', 'misused')

const report = async (who: KeyName, name: string, q = 'from=2026-05-01&to=2026-06-30') =>
  (await as(who, { method: 'GET', url: `/v1/reports/${name}?${q}` })).json()

const zero = {
  jobsCreated: 0,
  housesBuilt: 0,
  waterWorks: 0,
  sanitationWorks: 0,
  animalsBought: 0,
  studentsSupported: 0,
}

t.test('disbursements by purpose: loans and amount disbursed in the period, per branch and purpose', async (t) => {
  const r = await report('finance', 'purposes')
  t.same(r.items, [
    {
      key: world.branchA,
      name: 'Branch A (Đà Nẵng)',
      programmeCode: 'POOR',
      purposeCode: 'LIVESTOCK',
      purposeName: 'Chăn nuôi',
      loans: 2,
      amount: 32_000_000,
    },
    {
      key: world.branchB,
      name: 'Branch B (Huế)',
      programmeCode: 'POOR',
      purposeCode: null,
      purposeName: 'Raising cattle',
      loans: 1,
      amount: 30_000_000,
    },
  ])
  t.same(r.totals, { loans: 3, amount: 62_000_000 }, 'L4, disbursed before the period, is left out')
  const byPoint = await report('finance', 'purposes', 'from=2026-06-01&to=2026-06-30&groupBy=transactionPoint')
  t.same(
    byPoint.items.map((i: { key: number; amount: number }) => [i.key, i.amount]),
    [
      [world.pointA, 20_000_000],
      [world.pointB, 30_000_000],
    ],
  )
})

t.test('outcomes by purpose: each loan counted once, with its latest inspection in the period', async (t) => {
  const r = await report('auditor', 'outcomes', 'from=2026-05-01&to=2026-06-30&groupBy=partner')
  t.same(r.items, [
    {
      key: world.partnerA,
      name: "Women's Union A",
      programmeCode: 'POOR',
      purposeCode: 'LIVESTOCK',
      purposeName: 'Chăn nuôi',
      loansInspected: 2,
      asIntended: 1,
      partly: 1,
      misused: 0,
      ...zero,
      jobsCreated: 1,
      animalsBought: 3,
    },
    {
      key: world.partnerB,
      name: "Women's Union B",
      programmeCode: 'POOR',
      purposeCode: null,
      purposeName: 'Raising cattle',
      loansInspected: 1,
      asIntended: 1,
      partly: 0,
      misused: 0,
      ...zero,
      housesBuilt: 1,
      waterWorks: 1,
    },
  ])
  t.same(r.totals, {
    loansInspected: 3,
    asIntended: 2,
    partly: 1,
    misused: 0,
    ...zero,
    jobsCreated: 1,
    animalsBought: 3,
    housesBuilt: 1,
    waterWorks: 1,
  })
  const may = await report('auditor', 'outcomes', 'from=2026-05-01&to=2026-05-31')
  t.same(
    may.items.map((i: { loansInspected: number; misused: number; animalsBought: number }) => [
      i.loansInspected,
      i.misused,
      i.animalsBought,
    ]),
    [[1, 1, 0]],
    "in May, L1's standing inspection is the misuse finding",
  )
})

t.test('the reports are scoped to the caller: a branch or partner sees only its own loans', async (t) => {
  const b = await report('officerB', 'purposes')
  t.same(
    b.items.map((i: { key: number }) => i.key),
    [world.branchB],
  )
  t.equal(b.totals.amount, 30_000_000)
  const p = await report('partnerA', 'outcomes')
  t.equal(p.totals.loansInspected, 2)
  t.equal((await report('partnerA2', 'outcomes')).items.length, 0)
})

t.test('the reports come as CSV with Vietnamese headings', async (t) => {
  const res = await as('finance', {
    method: 'GET',
    url: '/v1/reports/outcomes?from=2026-05-01&to=2026-06-30&format=csv',
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.ok(res.body.startsWith('\uFEFF'), 'UTF-8 BOM')
  const [head, first] = parseCsv(res.body.slice(1))
  t.equal(head![4], 'Mục đích sử dụng vốn (purposeName)')
  t.ok(head!.includes('Số lao động có việc làm mới (jobsCreated)'))
  t.ok(head!.includes('Sai mục đích (misused)'))
  t.equal(first![head!.map(csvKey).indexOf('animalsBought')], '3')
  const purposes = await as('finance', {
    method: 'GET',
    url: '/v1/reports/purposes?from=2026-05-01&to=2026-06-30',
    headers: { accept: 'text/csv' },
  })
  t.match(purposes.body, /Số tiền giải ngân \(amount\)/)
  t.match(purposes.body, /Chăn nuôi/)
})

t.test('a period must not end before it starts; unknown parameters are refused', async (t) => {
  assertRejected(
    t,
    await as('finance', { method: 'GET', url: '/v1/reports/purposes?from=2026-06-30&to=2026-05-01' }),
    400,
    'VALIDATION_ERROR',
    'querystring.from',
  )
  assertRejected(
    t,
    await as('finance', { method: 'GET', url: '/v1/reports/outcomes?from=2026-05-01&to=2026-06-30&groupBy=village' }),
    400,
    'VALIDATION_ERROR',
  )
  assertRejected(
    t,
    await as('finance', { method: 'GET', url: '/v1/reports/outcomes?from=2026-05-01&to=2026-06-30&area=1' }),
    400,
    'VALIDATION_ERROR',
  )
})
