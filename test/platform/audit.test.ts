/**
 * Audit: every state-changing command records who, what, when,
 * entity and a before/after summary in the same transaction; rejected commands
 * record nothing; GET /v1/audit is for admin and auditor only.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'

const { app, as, world } = await buildTestApp(t)

interface AuditRow {
  id: number
  at: string
  userId: number | null
  action: string
  entity: string
  entityId: string
  before: string | null
  after: string | null
  requestId: string | null
}
const auditRowsAfter = (a: FastifyInstance, id: number) =>
  a.sqlite
    .prepare(
      'SELECT id, at, user_id AS userId, action, entity, entity_id AS entityId, before, after, request_id ' +
        'AS requestId FROM audit_log WHERE id > ? ORDER BY id',
    )
    .all(id) as AuditRow[]
const lastAuditId = (a: FastifyInstance) =>
  a.sqlite.prepare('SELECT COALESCE(MAX(id), 0) FROM audit_log').pluck().get() as number

t.test('creating a branch writes one audit row: who, action, entity, entity id, after, request id', async (t) => {
  const mark = lastAuditId(app)
  const startedAt = new Date().toISOString()
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-AUD', name: 'Audited branch', province: 'Quảng Ngãi' },
  })
  t.equal(res.statusCode, 201)
  const branch = res.json()
  const rows = auditRowsAfter(app, mark)
  t.equal(rows.length, 1, 'exactly one audit row')
  const row = rows[0]!
  t.equal(row.userId, world.userIds.admin, "who: the caller's user id")
  t.equal(row.action, 'branch.create')
  t.equal(row.entity, 'branch')
  t.equal(row.entityId, String(branch.id))
  t.same(JSON.parse(row.after!), branch, 'after: the created branch')
  t.equal(row.before, null, 'nothing before a creation')
  t.equal(row.requestId, res.headers['x-request-id'], 'the request id ties it to the log')
  t.ok(row.at >= startedAt && row.at <= new Date().toISOString(), `when: ${row.at}`)
})

t.test('every reference-data command writes its audit row with the caller as who', async (t) => {
  const nid = nationalId()
  const cases: {
    who: KeyName
    url: string
    payload: object
    action: string
    entity: string
    entityId: (body: Record<string, unknown>) => string
  }[] = [
    {
      who: 'admin',
      url: '/v1/transaction-points',
      payload: { code: 'TP-AUD', name: 'P', branchId: world.branchA, commune: 'c', sessionDay: 5 },
      action: 'transaction_point.create',
      entity: 'transaction_point',
      entityId: (b) => String(b.id),
    },
    {
      who: 'admin',
      url: '/v1/partners',
      payload: { code: 'P-AUD', name: 'P', kind: 'veterans_association', branchId: world.branchA },
      action: 'partner.create',
      entity: 'partner',
      entityId: (b) => String(b.id),
    },
    {
      who: 'admin',
      url: '/v1/groups',
      payload: {
        code: 'G-AUD',
        name: 'G',
        partnerId: world.partnerA,
        transactionPointId: world.pointA,
        village: 'Thôn 9',
      },
      action: 'group.create',
      entity: 'group',
      entityId: (b) => String(b.id),
    },
    {
      who: 'admin',
      url: '/v1/users',
      payload: { name: 'Audited user', role: 'auditor' },
      action: 'user.create',
      entity: 'user',
      entityId: (b) => String(b.id),
    },
    {
      who: 'admin',
      url: `/v1/users/${world.userIds.auditor}/api-keys`,
      payload: { label: 'audited' },
      action: 'api_key.create',
      entity: 'user',
      entityId: () => String(world.userIds.auditor),
    },
    {
      who: 'admin',
      url: '/v1/programmes',
      payload: {
        code: 'AUDITED_PROG',
        name: 'Audited',
        legalBasis: 'Decision 1',
        eligibleStatuses: ['poor'],
        eligibleAreas: 'any',
        maxAmount: 10_000_000,
        maxTermMonths: 24,
        fundingSource: 'local_budget',
        defaultPrincipalPlan: { everyMonths: 3, graceMonths: 0 },
        rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 3000 }],
      },
      action: 'programme.create',
      entity: 'programme',
      entityId: () => 'AUDITED_PROG',
    },
    {
      who: 'admin',
      url: '/v1/programmes/POOR/rates',
      payload: { effectiveFrom: '2030-01-01', monthlyRatePpm: 5400 },
      action: 'programme.rate_version',
      entity: 'programme',
      entityId: () => 'POOR',
    },
    {
      who: 'admin',
      url: '/v1/local-policies',
      payload: { code: 'HUE_AUD', name: 'Huế', region: 'Huế', programmeCode: 'POOR', effectiveFrom: '2026-01-01' },
      action: 'local_policy.create',
      entity: 'local_policy',
      entityId: () => 'HUE_AUD',
    },
    {
      who: 'partnerA',
      url: '/v1/households',
      payload: { nationalId: nid, headName: 'Trần Thị B', groupId: world.groupA, area: 'rural', address: 'Thôn 1' },
      action: 'household.create',
      entity: 'household',
      entityId: (b) => String(b.id),
    },
  ]
  for (const c of cases) {
    const mark = lastAuditId(app)
    const res = await as(c.who, { method: 'POST', url: c.url, payload: c.payload })
    t.equal(res.statusCode, 201, `${c.action}: created`)
    const rows = auditRowsAfter(app, mark)
    t.equal(rows.length, 1, `${c.action}: one audit row`)
    t.match(
      rows[0],
      { userId: world.userIds[c.who], action: c.action, entity: c.entity, entityId: c.entityId(res.json()) },
      `${c.action}: who, action, entity`,
    )
    t.ok(rows[0]?.after, `${c.action}: has an after summary`)
  }

  // A poverty-status decision records the status before and the record after.
  const household = await as('admin', { method: 'GET', url: `/v1/households?nationalId=${nid}` })
  const householdId = household.json().items[0].id as number
  const mark = lastAuditId(app)
  const rec = await as('officerA', {
    method: 'POST',
    url: `/v1/households/${householdId}/poverty-status`,
    payload: { status: 'poor', effectiveDate: '2026-01-10', decisionNo: 'QD-AUD' },
  })
  t.equal(rec.statusCode, 201)
  const rows = auditRowsAfter(app, mark)
  t.equal(rows.length, 1)
  t.match(rows[0], {
    userId: world.userIds.officerA,
    action: 'household.poverty_status',
    entity: 'household',
    entityId: String(householdId),
  })
  t.same(JSON.parse(rows[0]!.before!), { status: 'none', on: '2026-01-10' }, 'before: the status that applied')
  t.match(
    JSON.parse(rows[0]!.after!),
    { id: rec.json().id, status: 'poor', effectiveDate: '2026-01-10', decisionNo: 'QD-AUD' },
    'after: the record',
  )

  // Adding a rate version records the rates before and after.
  const rateRow = auditRowsAfter(app, 0).find((r) => r.action === 'programme.rate_version')!
  t.same(
    JSON.parse(rateRow.before!).rates,
    [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
    'before: the old rates',
  )
  t.same(
    JSON.parse(rateRow.after!).rates,
    [
      { effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 },
      { effectiveFrom: '2030-01-01', monthlyRatePpm: 5400 },
    ],
    'after: the new rates',
  )
})

t.test(
  'the audit row is in the same transaction: when it cannot be written, the business change is rolled back',
  async (t) => {
    app.sqlite.exec(
      "CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit store " +
        "unavailable'); END",
    )
    t.teardown(() => app.sqlite.exec('DROP TRIGGER IF EXISTS audit_down'))
    const before = rowCounts(app)
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      headers: { 'idempotency-key': 'audit-down-1' },
      payload: { code: 'BR-NOAUD', name: 'No audit', province: 'Huế' },
    })
    t.equal(res.statusCode, 500)
    t.equal(res.json().code, 'INTERNAL')
    t.notMatch(res.body, /audit store unavailable/, 'the database message is not echoed')
    t.same(rowCounts(app), before, 'no branch, no audit, no idempotency record')
    app.sqlite.exec('DROP TRIGGER audit_down')
    const retry = await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      headers: { 'idempotency-key': 'audit-down-1' },
      payload: { code: 'BR-NOAUD', name: 'No audit', province: 'Huế' },
    })
    t.equal(retry.statusCode, 201, 'the key was not consumed by the failure')
  },
)

t.test('a rejected command writes no audit row', async (t) => {
  const before = rowCounts(app)
  const rejected = [
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-A', name: 'Duplicate', province: 'Huế' },
    }),
    await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: { code: 'TP-X', name: 'X', branchId: world.branchA, commune: 'c', sessionDay: 31 },
    }),
    await as('admin', {
      method: 'POST',
      url: '/v1/partners',
      payload: { code: 'P-X', name: 'X', kind: 'youth_union', branchId: 999999 },
    }),
    await as('auditor', { method: 'POST', url: '/v1/branches', payload: { code: 'BR-X', name: 'X', province: 'Huế' } }),
    await as(null, { method: 'POST', url: '/v1/branches', payload: { code: 'BR-Y', name: 'Y', province: 'Huế' } }),
    await as('partnerB', {
      method: 'POST',
      url: '/v1/households',
      payload: { nationalId: nationalId(), headName: 'n', groupId: world.groupA, area: 'rural', address: 'x' },
    }),
  ]
  t.same(
    rejected.map((r) => r.statusCode),
    [409, 400, 422, 403, 401, 403],
  )
  t.same(rowCounts(app), before, 'no audit row, nothing else either')
})

t.test('GET /v1/audit?entity=&id= returns the trail of one entity to admin and auditor', async (t) => {
  const created = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-TRAIL', name: 'Trail', province: 'Huế' },
  })
  const branchId = created.json().id as number
  for (const who of ['admin', 'auditor'] as const) {
    const res = await as(who, { method: 'GET', url: `/v1/audit?entity=branch&id=${branchId}` })
    t.equal(res.statusCode, 200, who)
    const { items, nextCursor } = res.json()
    t.equal(items.length, 1, `${who}: only this branch's row`)
    t.match(items[0], {
      userId: world.userIds.admin,
      action: 'branch.create',
      entity: 'branch',
      entityId: String(branchId),
      before: null,
    })
    t.same(items[0].after, created.json(), `${who}: after is parsed JSON`)
    t.equal(nextCursor, null)
  }
  const none = await as('admin', { method: 'GET', url: '/v1/audit?entity=branch&id=999999' })
  t.same(none.json().items, [], 'unknown id: empty trail')
  const byEntity = await as('auditor', { method: 'GET', url: '/v1/audit?entity=branch&limit=500' })
  const expected = app.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE entity = 'branch'").pluck().get()
  t.equal(byEntity.json().items.length, expected, 'entity filter alone: all branch rows')
  t.ok(byEntity.json().items.every((r: { entity: string }) => r.entity === 'branch'))
})

t.test('GET /v1/audit pages with limit and cursor, newest first', async (t) => {
  const total = app.sqlite.prepare('SELECT COUNT(*) FROM audit_log').pluck().get() as number
  t.ok(total > 3)
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await as('auditor', { method: 'GET', url: `/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}` })
    t.equal(res.statusCode, 200)
    const page = res.json()
    t.ok(page.items.length <= 3)
    seen.push(...page.items.map((r: { id: number }) => r.id))
    cursor = page.nextCursor
    pages++
  } while (cursor && pages < 1000)
  t.equal(seen.length, total, 'every row once')
  t.same(
    seen,
    [...seen].sort((a, b) => b - a),
    'newest first (descending ids)',
  )
  t.equal(new Set(seen).size, total, 'no repeats')
})

t.test('GET /v1/audit filters by user, action and an inclusive date range', async (t) => {
  const made = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-BYUSER', name: 'By user', province: 'Huế' },
  })
  t.equal(made.statusCode, 201)
  const byUser = (
    await as('auditor', { method: 'GET', url: `/v1/audit?userId=${world.userIds.admin}&limit=500` })
  ).json().items as { userId: number; action: string; at: string }[]
  const expected = app.sqlite
    .prepare('SELECT COUNT(*) FROM audit_log WHERE user_id = ?')
    .pluck()
    .get(world.userIds.admin)
  t.equal(byUser.length, expected, 'every row of that user')
  t.ok(
    byUser.every((r) => r.userId === world.userIds.admin),
    'and only theirs',
  )
  const none = (await as('auditor', { method: 'GET', url: `/v1/audit?userId=${world.userIds.finance2}` })).json().items
  t.same(none, [], 'a user who did nothing has an empty trail')
  const byAction = (await as('auditor', { method: 'GET', url: '/v1/audit?action=branch.create&limit=500' })).json()
    .items as { action: string }[]
  t.ok(byAction.length >= 1 && byAction.every((r) => r.action === 'branch.create'), 'action filter')
  const today = new Date().toISOString().slice(0, 10)
  const inRange = (await as('auditor', { method: 'GET', url: `/v1/audit?from=${today}&to=${today}&limit=500` })).json()
    .items as unknown[]
  t.equal(
    inRange.length,
    app.sqlite.prepare('SELECT COUNT(*) FROM audit_log').pluck().get(),
    'today (UTC) holds every row of this test',
  )
  const past = (await as('auditor', { method: 'GET', url: '/v1/audit?from=2000-01-01&to=2000-12-31' })).json().items
  t.same(past, [], 'a range before the service existed is empty')
  const reversed = await as('auditor', { method: 'GET', url: '/v1/audit?from=2026-02-01&to=2026-01-01' })
  t.equal(reversed.statusCode, 400)
  t.equal(reversed.json().errors[0].field, 'querystring.from')
})

t.test('GET /v1/audit is refused to every role but admin and auditor', async (t) => {
  for (const who of ['officerA', 'managerA', 'partnerA', 'finance'] as const) {
    const res = await as(who, { method: 'GET', url: '/v1/audit?entity=branch&id=1' })
    t.equal(res.statusCode, 403, who)
    t.equal(res.json().code, 'FORBIDDEN')
  }
  t.equal((await as(null, { method: 'GET', url: '/v1/audit' })).statusCode, 401)
})
