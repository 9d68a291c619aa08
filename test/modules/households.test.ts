/**
 * Households (docs/rules.md §4): registered in a savings-and-loan group within the
 * caller's scope, a unique valid 12-digit citizen ID, hidden (404) outside the
 * scope, and a poverty-status timeline queried as of a date.
 */
import t from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'

const { app, as, world } = await buildTestApp(t)

const householdInput = (over: Record<string, unknown> = {}) => ({
  nationalId: nationalId(),
  headName: 'Nguyễn Thị Hoa',
  groupId: world.groupA,
  area: 'rural',
  address: { commune: 'Hòa Bắc', village: 'Thôn Tà Lang', line: 'Số 12' },
  ...over,
})
async function register(who: KeyName, over: Record<string, unknown> = {}) {
  const res = await as(who, { method: 'POST', url: '/v1/households', payload: householdInput(over) })
  if (res.statusCode !== 201) throw new Error(`register as ${who}: ${res.statusCode} ${res.body}`)
  return res.json() as { id: number; nationalId: string; groupId: number }
}
const decide = (
  who: KeyName,
  householdId: number,
  status: string,
  effectiveDate: string,
  decisionNo = `QD-${effectiveDate}`,
) =>
  as(who, {
    method: 'POST',
    url: `/v1/households/${householdId}/poverty-status`,
    payload: { status, effectiveDate, decisionNo },
  })

t.test("a partner officer registers a household in one of the partner's groups", async (t) => {
  const before = rowCounts(app)
  const input = householdInput()
  const res = await as('partnerA', { method: 'POST', url: '/v1/households', payload: input })
  t.equal(res.statusCode, 201)
  t.match(
    res.json(),
    {
      id: Number,
      nationalId: input.nationalId,
      headName: 'Nguyễn Thị Hoa',
      groupId: world.groupA,
      area: 'rural',
      address: { commune: 'Hòa Bắc', village: 'Thôn Tà Lang', line: 'Số 12' },
      branchId: world.branchA,
      partnerId: world.partnerA,
      povertyStatus: 'none',
      createdAt: String,
    },
    "owned by the group's branch and partner; no status before the first decision",
  )
  t.equal(rowCounts(app).households, before.households! + 1)
  const oneLine = await as('officerA', {
    method: 'POST',
    url: '/v1/households',
    payload: householdInput({ address: 'Thôn 2, xã Hòa Phú', area: 'urban' }),
  })
  t.equal(oneLine.statusCode, 201, 'branch staff register in their branch; the address may be one line')
  t.match(oneLine.json().address, { line: 'Thôn 2, xã Hòa Phú' })
})

t.test("registering in another partner's (or another branch's) group is 403 and nothing is written", async (t) => {
  const cases: [KeyName, number][] = [
    ['partnerA', world.groupA2],
    ['partnerA', world.groupB],
    ['partnerB', world.groupA],
    ['officerB', world.groupA],
    ['managerA', world.groupB],
  ]
  for (const [who, groupId] of cases) {
    const before = rowCounts(app)
    assertRejected(
      t,
      await as(who, { method: 'POST', url: '/v1/households', payload: householdInput({ groupId }) }),
      403,
      'FORBIDDEN',
    )
    t.same(rowCounts(app), before, `${who} in group ${groupId}: database unchanged`)
  }
  for (const who of ['finance', 'auditor'] as const) {
    assertRejected(
      t,
      await as(who, { method: 'POST', url: '/v1/households', payload: householdInput() }),
      403,
      'FORBIDDEN',
    )
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
    const res = await as('partnerA', {
      method: 'POST',
      url: '/v1/households',
      payload: householdInput({ nationalId: id }),
    })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', 'body.nationalId')
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
})

t.test('other invalid input is 400 naming the field', async (t) => {
  const before = rowCounts(app)
  assertRejected(
    t,
    await as('partnerA', { method: 'POST', url: '/v1/households', payload: householdInput({ area: 'suburban' }) }),
    400,
    'VALIDATION_ERROR',
    'body.area',
  )
  assertRejected(
    t,
    await as('partnerA', {
      method: 'POST',
      url: '/v1/households',
      payload: householdInput({ groupId: String(world.groupA) }),
    }),
    400,
    'VALIDATION_ERROR',
    'body.groupId',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('an unknown group is 422 REFERENCE_NOT_FOUND', async (t) => {
  const before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', { method: 'POST', url: '/v1/households', payload: householdInput({ groupId: 999999 }) }),
    422,
    'REFERENCE_NOT_FOUND',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('a citizen ID already registered is 409 DUPLICATE, whoever registers it and wherever', async (t) => {
  const first = await register('partnerA')
  for (const [who, groupId] of [
    ['partnerA', world.groupA],
    ['partnerB', world.groupB],
  ] as const) {
    const before = rowCounts(app)
    assertRejected(
      t,
      await as(who, {
        method: 'POST',
        url: '/v1/households',
        payload: householdInput({ nationalId: first.nationalId, groupId, headName: 'Someone else' }),
      }),
      409,
      'DUPLICATE',
    )
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

t.test("outside the caller's scope a household is 404, indistinguishable from one that does not exist", async (t) => {
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

t.test("find a household by citizen ID, within the caller's scope", async (t) => {
  const h = await register('partnerA')
  await register('partnerA')
  const found = await as('partnerA', { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` })
  t.equal(found.statusCode, 200)
  t.same(found.json(), { items: [h], nextCursor: null }, 'exactly that household')
  t.same(
    (await as('auditor', { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` }))
      .json()
      .items.map((x: { id: number }) => x.id),
    [h.id],
  )
  for (const who of ['partnerB', 'partnerA2', 'officerB'] as const) {
    t.same(
      (await as(who, { method: 'GET', url: `/v1/households?nationalId=${h.nationalId}` })).json(),
      { items: [], nextCursor: null },
      `${who}: not found`,
    )
  }
  t.same(
    (await as('admin', { method: 'GET', url: `/v1/households?nationalId=${nationalId()}` })).json().items,
    [],
    'an unregistered ID: empty',
  )
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: '/v1/households?nationalId=1234567890123' }),
    400,
    'VALIDATION_ERROR',
    'querystring.nationalId',
  )
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: '/v1/households?nationalId=04809A' }),
    400,
    'VALIDATION_ERROR',
    'querystring.nationalId',
  )
})

t.test("the household list shows a partner officer only their own groups' households", async (t) => {
  await register('partnerB', { groupId: world.groupB })
  const mine = (await as('partnerA', { method: 'GET', url: '/v1/households?limit=500' })).json().items
  t.ok(mine.length > 0)
  t.ok(
    mine.every((h: { partnerId: number }) => h.partnerId === world.partnerA),
    "every listed household is partner A's",
  )
  const expected = app.sqlite
    .prepare('SELECT h.id FROM households h JOIN groups g ON g.id = h.group_id WHERE g.partner_id = ? ORDER BY h.id')
    .pluck()
    .all(world.partnerA)
  t.same(
    mine.map((h: { id: number }) => h.id),
    expected,
  )
})

t.test('poverty-status timeline: decisions recorded in any order, status read as of a date', async (t) => {
  const h = await register('partnerA')
  // Recorded out of date order on purpose: the timeline is by effective date.
  const escaped = await decide('officerA', h.id, 'escaped', '2025-06-01')
  t.equal(escaped.statusCode, 201)
  t.match(escaped.json(), {
    id: Number,
    householdId: h.id,
    status: 'escaped',
    effectiveDate: '2025-06-01',
    decisionNo: 'QD-2025-06-01',
    source: String,
    createdAt: String,
  })
  t.notOk('recordedBy' in escaped.json(), 'internal columns are not exposed')
  t.equal((await decide('officerA', h.id, 'poor', '2024-01-15')).statusCode, 201)
  t.equal((await decide('admin', h.id, 'near_poor', '2024-09-01')).statusCode, 201)

  const timeline = await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status` })
  t.equal(timeline.statusCode, 200)
  const body = timeline.json()
  t.equal(body.householdId, h.id)
  t.same(
    body.items.map((r: { status: string; effectiveDate: string }) => [r.effectiveDate, r.status]),
    [
      ['2024-01-15', 'poor'],
      ['2024-09-01', 'near_poor'],
      ['2025-06-01', 'escaped'],
    ],
    'records in effective-date order',
  )
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
  t.equal(
    (await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().povertyStatus,
    'escaped',
    'the household shows its status on the business date',
  )
})

t.test('two decisions effective on the same day: the later-recorded one applies', async (t) => {
  const h = await register('partnerA')
  t.equal((await decide('officerA', h.id, 'near_poor', '2025-03-01', 'QD-1')).statusCode, 201)
  t.equal((await decide('officerA', h.id, 'poor', '2025-03-01', 'QD-2')).statusCode, 201)
  const res = await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2025-03-01` })
  t.equal(res.json().statusOnAsOf, 'poor')
  t.same(
    res.json().items.map((r: { decisionNo: string }) => r.decisionNo),
    ['QD-1', 'QD-2'],
  )
})

t.test("a decision effective after the business date does not change today's status", async (t) => {
  const h = await register('partnerA')
  t.equal((await decide('officerA', h.id, 'poor', '2026-01-01')).statusCode, 201)
  t.equal((await decide('officerA', h.id, 'escaped', '2026-12-01')).statusCode, 201)
  t.equal(
    (await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().povertyStatus,
    'poor',
    'business date 2026-06-30: still poor',
  )
  t.equal(
    (await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2026-12-01` })).json()
      .statusOnAsOf,
    'escaped',
  )
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
    const res = await as('officerA', { method: 'POST', url: `/v1/households/${h.id}/poverty-status`, payload })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', field)
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
  assertRejected(
    t,
    await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?asOf=2025-02-30` }),
    400,
    'VALIDATION_ERROR',
    'querystring.asOf',
  )
  t.equal((await decide('officerA', h.id, 'poor', '2024-02-29')).statusCode, 201, 'a real leap day is accepted')
})

t.test("a poverty decision outside the caller's scope is 404 and nothing is written", async (t) => {
  const h = await register('partnerA')
  for (const who of ['officerB', 'managerB'] as const) {
    const before = rowCounts(app)
    assertRejected(t, await decide(who, h.id, 'poor', '2025-01-01'), 404, 'NOT_FOUND')
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
  const before = rowCounts(app)
  assertRejected(t, await decide('admin', 999999, 'poor', '2025-01-01'), 404, 'NOT_FOUND')
  assertRejected(t, await decide('auditor', h.id, 'poor', '2025-01-01'), 403, 'FORBIDDEN')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test(
  'when a partner officer records a poverty-status decision, then 403 (decisions are recorded by branch ' +
    'staff) and nothing is written',
  async (t) => {
    const h = await register('partnerA')
    const before = rowCounts(app)
    for (const who of ['partnerA', 'partnerA2', 'partnerB'] as const)
      assertRejected(t, await decide(who, h.id, 'poor', '2025-01-01'), 403, 'FORBIDDEN')
    t.same(rowCounts(app), before, 'database unchanged')
    for (const who of ['officerA', 'managerA', 'admin'] as const)
      t.equal((await decide(who, h.id, 'poor', '2025-01-01', `QD-${who}`)).statusCode, 201, `${who} records it`)
  },
)

t.test(
  'when the same decision is posted twice, then the first record is answered (200, alreadyRecorded) and ' +
    'nothing new is written',
  async (t) => {
    const h = await register('partnerA')
    const first = await decide('officerA', h.id, 'escaped', '2025-06-01', 'QD-TWICE')
    t.equal(first.statusCode, 201)
    t.equal(first.json().alreadyRecorded, false)
    const before = rowCounts(app)
    const again = await as('managerA', {
      method: 'POST',
      url: `/v1/households/${h.id}/poverty-status`,
      payload: { status: 'escaped', effectiveDate: '2025-06-01', decisionNo: 'QD-TWICE', source: 'entered again' },
    })
    t.equal(again.statusCode, 200)
    const { alreadyRecorded, ...record } = again.json()
    t.equal(alreadyRecorded, true)
    const { alreadyRecorded: _a, ...firstRecord } = first.json()
    t.same(record, firstRecord, 'the first record, as recorded')
    t.same(rowCounts(app), before, 'no new record, no audit record')
    t.equal(
      (await as('officerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status` })).json().items.length,
      1,
    )
  },
)

t.test(
  'when a decision number is posted again with another status or date, then 409 DUPLICATE and nothing is written',
  async (t) => {
    const h = await register('partnerA')
    const first = (await decide('officerA', h.id, 'poor', '2025-01-01', 'QD-ONE')).json()
    const before = rowCounts(app)
    const other = assertRejected(
      t,
      await decide('officerA', h.id, 'near_poor', '2025-01-01', 'QD-ONE'),
      409,
      'DUPLICATE',
    )
    t.equal(other.existingRecordId, first.id, 'names the record holding the number')
    assertRejected(t, await decide('officerA', h.id, 'poor', '2025-02-01', 'QD-ONE'), 409, 'DUPLICATE')
    t.same(rowCounts(app), before, 'database unchanged')
    const h2 = await register('partnerA')
    t.equal(
      (await decide('officerA', h2.id, 'near_poor', '2025-01-01', 'QD-ONE')).statusCode,
      201,
      'the same number for another household is another decision',
    )
  },
)

t.test('when a decision recorded in error is revoked, then its number may be recorded again', async (t) => {
  const h = await register('partnerA')
  const wrong = (await decide('officerA', h.id, 'poor', '2025-03-01', 'QD-FIX')).json()
  t.equal(
    (
      await as('officerA', {
        method: 'POST',
        url: `/v1/households/${h.id}/poverty-status/${wrong.id}/revoke`,
        payload: { reason: 'wrong date' },
      })
    ).statusCode,
    200,
  )
  const right = await decide('officerA', h.id, 'poor', '2025-03-10', 'QD-FIX')
  t.equal(right.statusCode, 201)
  t.not(right.json().id, wrong.id)
})

t.test(
  'when the timeline is read, then it answers {items, nextCursor} in effective-date order, page by page, ' +
    'with the status from the whole timeline',
  async (t) => {
    const h = await register('partnerA')
    for (const [status, date] of [
      ['none', '2025-01-01'],
      ['poor', '2023-01-01'],
      ['near_poor', '2024-01-01'],
      ['escaped', '2025-01-01'],
      ['poor', '2022-01-01'],
    ] as const) {
      t.equal((await decide('officerA', h.id, status, date, `QD-${status}-${date}`)).statusCode, 201)
    }
    const seen: [string, string][] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await as('partnerA', {
        method: 'GET',
        url: `/v1/households/${h.id}/poverty-status?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      })
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.same(
        Object.keys(body).sort(),
        ['asOf', 'householdId', 'items', 'nextCursor', 'statusOnAsOf'],
        'no records field any more',
      )
      t.equal(
        body.statusOnAsOf,
        'escaped',
        'same day: the later-recorded decision; from the whole timeline on every page',
      )
      seen.push(
        ...body.items.map(
          (r: { effectiveDate: string; status: string }) => [r.effectiveDate, r.status] as [string, string],
        ),
      )
      cursor = body.nextCursor
      pages++
    } while (cursor)
    t.equal(pages, 3)
    t.same(seen, [
      ['2022-01-01', 'poor'],
      ['2023-01-01', 'poor'],
      ['2024-01-01', 'near_poor'],
      ['2025-01-01', 'none'],
      ['2025-01-01', 'escaped'],
    ])
    assertRejected(
      t,
      await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/poverty-status?cursor=12` }),
      400,
      'VALIDATION_ERROR',
      'querystring.cursor',
    )
  },
)
