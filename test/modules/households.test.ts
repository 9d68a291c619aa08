/**
 * Households (RULES.md §4): registered in a savings-and-loan group within the
 * caller's scope, a unique valid 12-digit citizen ID, hidden (404) outside the
 * scope, and a poverty-status timeline queried as of a date.
 */
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'

const { app, as, world } = await buildTestApp(t)


const householdInput = (over: Record<string, unknown> = {}) => ({
  nationalId: nationalId(), headName: 'Nguyễn Thị Hoa', groupId: world.groupA, area: 'rural',
  address: { commune: 'Hòa Bắc', village: 'Thôn Tà Lang', line: 'Số 12' }, ...over,
})
async function register(who: KeyName, over: Record<string, unknown> = {}) {
  const res = await as(who, { method: 'POST', url: '/v1/households', payload: householdInput(over) })
  if (res.statusCode !== 201) throw new Error(`register as ${who}: ${res.statusCode} ${res.body}`)
  return res.json() as { id: number; nationalId: string; groupId: number }
}
const decide = (who: KeyName, householdId: number, status: string, effectiveDate: string, decisionNo = `QD-${effectiveDate}`) =>
  as(who, { method: 'POST', url: `/v1/households/${householdId}/poverty-status`, payload: { status, effectiveDate, decisionNo } })

t.test('a partner officer registers a household in one of the partner\'s groups', async (t) => {
  const before = rowCounts(app)
  const input = householdInput()
  const res = await as('partnerA', { method: 'POST', url: '/v1/households', payload: input })
  t.equal(res.statusCode, 201)
  t.match(res.json(), {
    id: Number, nationalId: input.nationalId, headName: 'Nguyễn Thị Hoa', groupId: world.groupA, area: 'rural',
    address: { commune: 'Hòa Bắc', village: 'Thôn Tà Lang', line: 'Số 12' },
    branchId: world.branchA, partnerId: world.partnerA, povertyStatus: 'none', createdAt: String,
  }, 'owned by the group\'s branch and partner; no status before the first decision')
  t.equal(rowCounts(app).households, before.households! + 1)
  const oneLine = await as('officerA', { method: 'POST', url: '/v1/households', payload: householdInput({ address: 'Thôn 2, xã Hòa Phú', area: 'urban' }) })
  t.equal(oneLine.statusCode, 201, 'branch staff register in their branch; the address may be one line')
  t.match(oneLine.json().address, { line: 'Thôn 2, xã Hòa Phú' })
})

t.test('registering in another partner\'s (or another branch\'s) group is 403 and nothing is written', async (t) => {
  const cases: [KeyName, number][] = [['partnerA', world.groupA2], ['partnerA', world.groupB], ['partnerB', world.groupA], ['officerB', world.groupA], ['managerA', world.groupB]]
  for (const [who, groupId] of cases) {
    const before = rowCounts(app)
    assertRejected(t, await as(who, { method: 'POST', url: '/v1/households', payload: householdInput({ groupId }) }), 403, 'FORBIDDEN')
    t.same(rowCounts(app), before, `${who} in group ${groupId}: database unchanged`)
  }
  for (const who of ['finance', 'auditor'] as const) {
    assertRejected(t, await as(who, { method: 'POST', url: '/v1/households', payload: householdInput() }), 403, 'FORBIDDEN')
  }
})

t.test('an invalid citizen ID is 400 with field body.nationalId and nothing is written', async (t) => {
  const cases: [string, unknown][] = [
    ['11 digits', '04809500123'],
    ['13 digits', '0480950012345'],
    ['letters', '04809500123A'],
    ['spaces', '048 095 00123'],
    ['a number, not a string', 48095001234],
    ['empty', ''],
  ]
  for (const [what, id] of cases) {
    const before = rowCounts(app)
    const res = await as('partnerA', { method: 'POST', url: '/v1/households', payload: householdInput({ nationalId: id }) })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', 'body.nationalId')
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
})

t.test('other invalid input is 400 naming the field', async (t) => {
  const before = rowCounts(app)
  assertRejected(t, await as('partnerA', { method: 'POST', url: '/v1/households', payload: householdInput({ area: 'suburban' }) }), 400, 'VALIDATION_ERROR', 'body.area')
  assertRejected(t, await as('partnerA', { method: 'POST', url: '/v1/households', payload: householdInput({ groupId: String(world.groupA) }) }), 400, 'VALIDATION_ERROR', 'body.groupId')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('an unknown group is 422 REFERENCE_NOT_FOUND', async (t) => {
  const before = rowCounts(app)
  assertRejected(t, await as('admin', { method: 'POST', url: '/v1/households', payload: householdInput({ groupId: 999999 }) }), 422, 'REFERENCE_NOT_FOUND')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('a citizen ID already registered is 409 DUPLICATE, whoever registers it and wherever', async (t) => {
  const first = await register('partnerA')
  for (const [who, groupId] of [['partnerA', world.groupA], ['partnerB', world.groupB]] as const) {
    const before = rowCounts(app)
    assertRejected(t, await as(who, { method: 'POST', url: '/v1/households', payload: householdInput({ nationalId: first.nationalId, groupId, headName: 'Someone else' }) }), 409, 'DUPLICATE')
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
})

t.test('GET /v1/households/{id} for callers in scope', async (t) => {
  const h = await register('partnerA')
  for (const who of ['partnerA', 'officerA', 'managerA', 'admin', 'finance', 'auditor'] as const) {
    const res = await as(who, { method: 'GET', url: `/v1/households/${h.id}` })
    t.equal(res.statusCode, 200, who)
    t.same(res.json(), h, `${who}: the registered household`)
  }
})

t.test('outside the caller\'s scope a household is 404, indistinguishable from one that does not exist', async (t) => {
  const h = await register('partnerA')
  const missingId = (app.sqlite.prepare('SELECT MAX(id) FROM households').pluck().get() as number) + 1000
  const shape = (res: LightMyRequestResponse, id: number) => {
    const { instance: _i, ...body } = res.json()
    return { status: res.statusCode, ...body, detail: String(body.detail).replace(String(id), '<id>') }
  }
  for (const who of ['partnerB', 'partnerA2', 'officerB', 'managerB'] as const) {
    const hidden = await as(who, { method: 'GET', url: `/v1/households/${h.id}` })
    const body = assertRejected(t, hidden, 404, 'NOT_FOUND')
    t.notOk(hidden.body.includes(h.nationalId), `${who}: no data leaks`)
    t.notMatch(body.detail, /scope|forbidden|another/i, `${who}: the detail does not hint at existence`)
    const missing = await as(who, { method: 'GET', url: `/v1/households/${missingId}` })
    t.same(shape(hidden, h.id), shape(missing, missingId), `${who}: same answer as for a household that does not exist`)
    assertRejected(t, await as(who, { method: 'GET', url: `/v1/households/${h.id}/poverty-status` }), 404, 'NOT_FOUND')
  }
})

t.test('find a household by citizen ID, within the caller\'s scope', async (t) => {
  const h = await register('partnerA')
  await register('partnerA')
  const found = await as('partnerA', { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` })
  t.equal(found.statusCode, 200)
  t.same(found.json(), { items: [h], nextCursor: null }, 'exactly that household')
  t.same((await as('auditor', { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` })).json().items.map((x: { id: number }) => x.id), [h.id])
  for (const who of ['partnerB', 'partnerA2', 'officerB'] as const) {
    t.same((await as(who, { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` })).json(), { items: [], nextCursor: null }, `${who}: not found`)
  }
  t.same((await as('admin', { method: 'GET', url: `/v1/households?nationalId=${nationalId()}` })).json().items, [], 'an unregistered ID: empty')
  assertRejected(t, await as('admin', { method: 'GET', url: '/v1/households?nationalId=12345' }), 400, 'VALIDATION_ERROR', 'querystring.nationalId')
})

t.test('the household list shows a partner officer only their own groups\' households', async (t) => {
  await register('partnerB', { groupId: world.groupB })
  const mine = (await as('partnerA', { method: 'GET', url: '/v1/households?limit=500' })).json().items
  t.ok(mine.length > 0)
  t.ok(mine.every((h: { partnerId: number }) => h.partnerId === world.partnerA), 'every listed household is partner A\'s')
  const expected = app.sqlite.prepare('SELECT h.id FROM households h JOIN groups g ON g.id = h.group_id WHERE g.partner_id = ? ORDER BY h.id').pluck().all(world.partnerA)
  t.same(mine.map((h: { id: number }) => h.id), expected)
})

t.test('poverty-status timeline: decisions recorded in any order, status read as of a date', async (t) => {
  const h = await register('partnerA')
  // Recorded out of date order on purpose: the timeline is by effective date.
  const escaped = await decide('partnerA', h.id, 'escaped', '2025-06-01')
  t.equal(escaped.statusCode, 201)
  t.match(escaped.json(), { id: Number, householdId: h.id, status: 'escaped', effectiveDate: '2025-06-01', decisionNo: 'QD-2025-06-01', source: String, createdAt: String })
  t.notOk('recordedBy' in escaped.json(), 'internal columns are not exposed')
  t.equal((await decide('officerA', h.id, 'poor', '2024-01-15')).statusCode, 201)
  t.equal((await decide('admin', h.id, 'near_poor', '2024-09-01')).statusCode, 201)

  const timeline = await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status` })
  t.equal(timeline.statusCode, 200)
  const body = timeline.json()
  t.equal(body.householdId, h.id)
  t.same(body.records.map((r: { status: string; effectiveDate: string }) => [r.effectiveDate, r.status]),
    [['2024-01-15', 'poor'], ['2024-09-01', 'near_poor'], ['2025-06-01', 'escaped']], 'records in effective-date order')
  t.equal(body.asOf, '2026-06-30', 'default as of: the business date')
  t.equal(body.statusOnAsOf, 'escaped')

  const statusOn = async (asOf: string) => {
    const res = await as('auditor', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=${asOf}` })
    t.equal(res.statusCode, 200)
    t.equal(res.json().asOf, asOf)
    return res.json().statusOnAsOf as string
  }
  t.equal(await statusOn('2024-01-14'), 'none', 'before the first decision: none')
  t.equal(await statusOn('2024-01-15'), 'poor', 'from its effective date on')
  t.equal(await statusOn('2024-08-31'), 'poor')
  t.equal(await statusOn('2024-09-01'), 'near_poor')
  t.equal(await statusOn('2025-05-31'), 'near_poor')
  t.equal(await statusOn('2025-06-01'), 'escaped')
  t.equal((await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().povertyStatus, 'escaped', 'the household shows its status on the business date')
})

t.test('two decisions effective on the same day: the later-recorded one applies', async (t) => {
  const h = await register('partnerA')
  t.equal((await decide('partnerA', h.id, 'near_poor', '2025-03-01', 'QD-1')).statusCode, 201)
  t.equal((await decide('partnerA', h.id, 'poor', '2025-03-01', 'QD-2')).statusCode, 201)
  const res = await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2025-03-01` })
  t.equal(res.json().statusOnAsOf, 'poor')
  t.same(res.json().records.map((r: { decisionNo: string }) => r.decisionNo), ['QD-1', 'QD-2'])
})

t.test('a decision effective after the business date does not change today\'s status', async (t) => {
  const h = await register('partnerA')
  t.equal((await decide('partnerA', h.id, 'poor', '2026-01-01')).statusCode, 201)
  t.equal((await decide('partnerA', h.id, 'escaped', '2026-12-01')).statusCode, 201)
  t.equal((await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().povertyStatus, 'poor', 'business date 2026-06-30: still poor')
  t.equal((await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2026-12-01` })).json().statusOnAsOf, 'escaped')
})

t.test('a poverty decision with an impossible date or an unknown status is 400, and nothing is written', async (t) => {
  const h = await register('partnerA')
  const cases: [string, Record<string, unknown>, string][] = [
    ['30 February', { status: 'poor', effectiveDate: '2025-02-30', decisionNo: 'QD-X' }, 'body.effectiveDate'],
    ['month 13', { status: 'poor', effectiveDate: '2025-13-01', decisionNo: 'QD-X' }, 'body.effectiveDate'],
    ['not a date', { status: 'poor', effectiveDate: '01/02/2025', decisionNo: 'QD-X' }, 'body.effectiveDate'],
    ['unknown status', { status: 'rich', effectiveDate: '2025-02-01', decisionNo: 'QD-X' }, 'body.status'],
    ['no decision number', { status: 'poor', effectiveDate: '2025-02-01' }, 'body.decisionNo'],
  ]
  for (const [what, payload, field] of cases) {
    const before = rowCounts(app)
    const res = await as('partnerA', { method: 'POST', url: `/v1/households/${h.id}/poverty-status`, payload })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', field)
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
  assertRejected(t, await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2025-02-30` }), 400, 'VALIDATION_ERROR', 'querystring.asOf')
  t.equal((await decide('partnerA', h.id, 'poor', '2024-02-29')).statusCode, 201, 'a real leap day is accepted')
})

t.test('a poverty decision outside the caller\'s scope is 404 and nothing is written', async (t) => {
  const h = await register('partnerA')
  for (const who of ['partnerB', 'partnerA2', 'officerB'] as const) {
    const before = rowCounts(app)
    assertRejected(t, await decide(who, h.id, 'poor', '2025-01-01'), 404, 'NOT_FOUND')
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
  const before = rowCounts(app)
  assertRejected(t, await decide('admin', 999999, 'poor', '2025-01-01'), 404, 'NOT_FOUND')
  assertRejected(t, await decide('auditor', h.id, 'poor', '2025-01-01'), 403, 'FORBIDDEN')
  t.same(rowCounts(app), before, 'database unchanged')
})
