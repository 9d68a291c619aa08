/**
 * Priority attributes over HTTP (docs/rules.md §14): ethnic-minority membership of households, dated
 * designations of communes (transaction points) and villages, householdPriority(), the application queue.
 *
 * Fixture (business date 2026-06-30): pointA is commune Hòa Bắc (branch A), pointB is Phú Mậu (branch B).
 *   H1 groupA, Thôn 1, ethnic minority (Cơ Tu) from creation.
 *   H2 groupA, Thôn 1, not a minority; H3 groupA2, Thôn 2, not a minority; H4 groupB (pointB), Thôn 3.
 *   Designations: Thôn 2 of Hòa Bắc remote from 2026-01-01; the whole of Hòa Bắc especially difficult from
 *   2026-03-01, ended on 2026-04-30.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { registerHousehold } from '../helpers/households.js'
import { applicationBody, disburse, expectStatus, povertyStatus, submit, unique } from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { as, world } = ta

const designate = (body: Record<string, unknown>, who: 'managerA' | 'managerB' | 'admin' | 'officerA' = 'managerA') =>
  as(who, {
    method: 'POST',
    url: '/v1/area-designations',
    payload: { transactionPointId: world.pointA, decisionNo: unique('QD-UBND'), ...body },
  })
const priority = (id: number, onDate?: string, who: 'officerA' | 'partnerA' | 'officerB' = 'officerA') =>
  as(who, { method: 'GET', url: `/v1/households/${id}/priority${onDate ? `?onDate=${onDate}` : ''}` })
const NONE = { ethnicMinority: false, remote: false, especiallyDifficult: false, priority: false }

const h1 = expectStatus(
  await as('partnerA', {
    method: 'POST',
    url: '/v1/households',
    payload: {
      nationalId: '048095009901',
      headName: 'Alăng Thị Hoa',
      groupId: world.groupA,
      area: 'rural',
      address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
      ethnicMinority: true,
      ethnicGroup: 'Cơ Tu',
    },
  }),
  201,
  'H1',
).json()
const h2 = await registerHousehold(ta, 'Trần Văn Bình')
const h3 = await registerHousehold(ta, 'Lê Thị Cúc', { group: 'groupA2', village: 'Thôn 2' })
const h4 = await registerHousehold(ta, 'Phạm Văn Dũng', { group: 'groupB', village: 'Thôn 3' })

t.test('§14 ethnic minority is recorded at creation (default false) and shown on the household', async (t) => {
  t.match(h1, { ethnicMinority: true, ethnicGroup: 'Cơ Tu' })
  t.match(h2, { ethnicMinority: false, ethnicGroup: null })
  const read = await as('officerA', { method: 'GET', url: `/v1/households/${h1.id}` })
  t.match(read.json(), { ethnicMinority: true, ethnicGroup: 'Cơ Tu' })
  const list = await as('officerA', { method: 'GET', url: `/v1/households?groupId=${world.groupA}` })
  const item = list.json().items.find((h: { id: number }) => h.id === h1.id)
  t.equal(item.ethnicMinority, true)
  t.same((await priority(h1.id)).json(), {
    householdId: h1.id,
    onDate: '2026-06-30',
    ethnicMinority: true,
    remote: false,
    especiallyDifficult: false,
    priority: true,
  })
  t.same((await priority(h2.id)).json(), { householdId: h2.id, onDate: '2026-06-30', ...NONE })
})

t.test('§14 area designations: managers of the branch, dated, overlap refused, ended by a record', async (t) => {
  const remote = await designate({ village: 'Thôn 2', designation: 'remote', effectiveFrom: '2026-01-01' })
  t.equal(remote.statusCode, 201, remote.body)
  t.match(remote.json(), {
    transactionPointId: world.pointA,
    commune: 'Hòa Bắc',
    village: 'Thôn 2',
    designation: 'remote',
    effectiveTo: null,
  })
  const overlap = await designate({ village: 'Thôn 2', designation: 'remote', effectiveFrom: '2026-05-01' })
  t.equal(overlap.statusCode, 409)
  t.equal(overlap.json().code, 'DESIGNATION_OVERLAP')
  t.equal((await designate({ designation: 'remote', effectiveFrom: '2026-01-01' }, 'managerB')).statusCode, 403)
  t.equal((await designate({ designation: 'remote', effectiveFrom: '2026-01-01' }, 'officerA')).statusCode, 403)
  const missing = await designate({ transactionPointId: 999_999, designation: 'remote', effectiveFrom: '2026-01-01' })
  t.equal(missing.json().code, 'REFERENCE_NOT_FOUND')

  const whole = await designate({ designation: 'especially_difficult', effectiveFrom: '2026-03-01' })
  t.equal(whole.statusCode, 201, whole.body)
  const id = whole.json().id
  const early = await as('managerA', {
    method: 'POST',
    url: `/v1/area-designations/${id}/end`,
    payload: { effectiveTo: '2026-02-28', decisionNo: 'QD-END-0' },
  })
  t.equal(early.json().code, 'DATE_ORDER')
  const end = await as('managerA', {
    method: 'POST',
    url: `/v1/area-designations/${id}/end`,
    payload: { effectiveTo: '2026-04-30', decisionNo: 'QD-END-1' },
  })
  t.equal(end.statusCode, 200, end.body)
  t.match(end.json(), { effectiveFrom: '2026-03-01', effectiveTo: '2026-04-30', endDecisionNo: 'QD-END-1' })
  const again = await as('managerA', {
    method: 'POST',
    url: `/v1/area-designations/${id}/end`,
    payload: { effectiveTo: '2026-05-31', decisionNo: 'QD-END-2' },
  })
  t.equal(again.json().code, 'INVALID_STATE')
  // Rows are append-only: the database refuses an edit.
  t.throws(() => ta.app.sqlite.prepare('UPDATE area_designations SET village = NULL').run(), /APPEND_ONLY/)

  const inForce = await as('officerA', { method: 'GET', url: '/v1/area-designations?onDate=2026-04-15' })
  t.same(
    inForce.json().items.map((d: { designation: string }) => d.designation),
    ['remote', 'especially_difficult'],
  )
  const june = await as('officerA', { method: 'GET', url: '/v1/area-designations?onDate=2026-06-30' })
  t.same(
    june.json().items.map((d: { village: string }) => d.village),
    ['Thôn 2'],
  )
  t.equal((await as('officerB', { method: 'GET', url: '/v1/area-designations' })).json().items.length, 0)
})

t.test('§14 householdPriority: ethnic minority OR the commune / village designated on the date', async (t) => {
  // Thôn 2 remote from 2026-01-01: H3 (Thôn 2) but not H2 (Thôn 1).
  t.same((await priority(h3.id, '2025-12-31')).json(), { householdId: h3.id, onDate: '2025-12-31', ...NONE })
  t.match((await priority(h3.id, '2026-01-01')).json(), { remote: true, especiallyDifficult: false, priority: true })
  // The whole commune especially difficult 2026-03-01..2026-04-30: H2 of Thôn 1 too, on those days only.
  t.match((await priority(h2.id, '2026-03-01')).json(), { remote: false, especiallyDifficult: true, priority: true })
  t.match((await priority(h2.id, '2026-04-30')).json(), { especiallyDifficult: true, priority: true })
  t.match((await priority(h2.id, '2026-05-01')).json(), { especiallyDifficult: false, priority: false })
  // Another commune: nothing.
  t.same((await priority(h4.id, '2026-04-01', 'officerB')).json(), {
    householdId: h4.id,
    onDate: '2026-04-01',
    ...NONE,
  })
  // Scope: a household of another branch is not found.
  t.equal((await priority(h4.id, '2026-04-01', 'officerA')).statusCode, 404)
})

t.test('§14 ethnic minority changes through household changes; the value on a past date is kept', async (t) => {
  const change = await as('officerA', {
    method: 'POST',
    url: `/v1/households/${h2.id}/changes`,
    payload: {
      effectiveDate: '2026-06-01',
      reason: 'Xác nhận dân tộc Cơ Tu',
      ethnicMinority: true,
      ethnicGroup: 'Cơ Tu',
    },
  })
  t.equal(change.statusCode, 201, change.body)
  t.match(change.json().change, {
    before: { ethnicMinority: false, ethnicGroup: null },
    after: { ethnicMinority: true, ethnicGroup: 'Cơ Tu' },
  })
  t.match(change.json().household, { ethnicMinority: true, ethnicGroup: 'Cơ Tu' })
  t.match((await priority(h2.id, '2026-05-31')).json(), { ethnicMinority: false, priority: false })
  t.match((await priority(h2.id, '2026-06-01')).json(), { ethnicMinority: true, priority: true })
  const same = await as('officerA', {
    method: 'POST',
    url: `/v1/households/${h2.id}/changes`,
    payload: { effectiveDate: '2026-06-10', reason: 'again', ethnicMinority: true },
  })
  t.equal(same.json().code, 'NO_CHANGE')
})

t.test('§14 a move to another village changes the priority from the move date only', async (t) => {
  // H4's village is not designated; moving H1's neighbour H2 is covered above. Move a fresh Thôn 1 household to
  // Thôn 2 (remote) on 2026-06-15.
  const h = await registerHousehold(ta, 'Võ Văn Em')
  const move = await as('officerA', {
    method: 'POST',
    url: `/v1/households/${h.id}/changes`,
    payload: {
      effectiveDate: '2026-06-15',
      reason: 'Chuyển về Thôn 2',
      address: { commune: 'Hòa Bắc', village: 'Thôn 2' },
    },
  })
  t.equal(move.statusCode, 201, move.body)
  t.match((await priority(h.id, '2026-06-14')).json(), { remote: false, priority: false })
  t.match((await priority(h.id, '2026-06-15')).json(), { remote: true, priority: true })
})

t.test('§14 the application queue: priority per item, filter priority=true|false, eligibility answers', async (t) => {
  await povertyStatus(ta, h3.id, 'poor', '2020-01-01')
  await povertyStatus(ta, h4.id, 'poor', '2020-01-01', 'officerB')
  const a3 = await submit(ta, 'partnerA2', applicationBody(h3.id, { applicationDate: '2026-06-30' }))
  t.equal(a3.statusCode, 201, a3.body)
  t.same(a3.json().priority, { ethnicMinority: false, remote: true, especiallyDifficult: false, priority: true })
  const a4 = await submit(ta, 'partnerB', applicationBody(h4.id))
  t.equal(a4.statusCode, 201, a4.body)
  t.same(a4.json().priority, NONE)

  const ids = async (query: string) =>
    (await as('admin', { method: 'GET', url: `/v1/applications${query}` }))
      .json()
      .items.map((a: { id: number }) => a.id)
  t.same(await ids('?priority=true'), [a3.json().id])
  t.same(await ids('?priority=false'), [a4.json().id])
  const all = (await as('admin', { method: 'GET', url: '/v1/applications' })).json().items
  t.same(
    all.map((a: { priority: { priority: boolean } }) => a.priority.priority),
    [true, false],
  )
  t.equal((await as('admin', { method: 'GET', url: '/v1/applications?priority=maybe' })).statusCode, 400)

  const approve = await as('managerA', {
    method: 'POST',
    url: `/v1/applications/${a3.json().id}/certify`,
    payload: { decisionNo: unique('UBND'), certifiedOn: '2026-06-30' },
  })
  t.equal(approve.statusCode, 200, approve.body)
  const approved = await as('managerA2', {
    method: 'POST',
    url: `/v1/applications/${a3.json().id}/approve`,
    payload: {},
  })
  t.equal(approved.statusCode, 200, approved.body)
  t.match(approved.json(), { status: 'approved', priority: { remote: true, priority: true } })
})

t.test('§14 the portfolio report groups by priority (JSON and CSV)', async (t) => {
  // H3's loan (Thôn 2, remote: priority) from the queue test, disbursed 30,000,000; H4's (Phú Mậu: not) approved in
  // its branch and disbursed 30,000,000.
  const apps = (await as('admin', { method: 'GET', url: '/v1/applications' })).json().items as {
    id: number
    householdId: number
    loanId: number | null
  }[]
  const a3 = apps.find((a) => a.householdId === h3.id)!
  const a4 = apps.find((a) => a.householdId === h4.id)!
  expectStatus(
    await as('officerB', {
      method: 'POST',
      url: `/v1/applications/${a4.id}/certify`,
      payload: { decisionNo: unique('UBND'), certifiedOn: '2026-06-30' },
    }),
    200,
    'certify a4',
  )
  const loan4 = expectStatus(
    await as('managerB', { method: 'POST', url: `/v1/applications/${a4.id}/approve`, payload: {} }),
    200,
    'approve a4',
  ).json().loanId
  const loan3 = (await as('admin', { method: 'GET', url: `/v1/applications/${a3.id}` })).json().loanId
  expectStatus(await disburse(ta, loan3, { amount: 30_000_000, valueDate: '2026-06-30' }), 201, 'disburse 3')
  expectStatus(
    await disburse(ta, loan4, { amount: 30_000_000, valueDate: '2026-06-30' }, { who: 'officerB' }),
    201,
    'disburse 4',
  )
  const report = await as('finance', { method: 'GET', url: '/v1/reports/portfolio?groupBy=priority' })
  t.equal(report.statusCode, 200, report.body)
  t.match(report.json(), {
    groupBy: 'priority',
    items: [
      { key: 'other', name: 'Hộ khác (other)', loans: 1, households: 1, outstanding: 30_000_000 },
      { key: 'priority', name: 'Hộ ưu tiên (priority)', loans: 1, households: 1, outstanding: 30_000_000 },
    ],
    totals: { loans: 2, outstanding: 60_000_000 },
  })
  // Branch A's manager sees its own priority loan only.
  t.match((await as('managerA', { method: 'GET', url: '/v1/reports/portfolio?groupBy=priority' })).json().items, [
    { key: 'priority', loans: 1 },
  ])
  const csv = await as('finance', { method: 'GET', url: '/v1/reports/portfolio?groupBy=priority&format=csv' })
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.body, /Hộ ưu tiên \(priority\)/)
})
