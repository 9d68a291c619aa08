/**
 * Users and API keys (docs/api.md): one role and a scope per user — branch
 * roles need a branch, a partner officer needs a partner, the others have
 * neither — and a key per user, shown once, that acts with that role and scope.
 */
import t from 'tap'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, rowCounts } from '../helpers/app.js'

const { app, as, world } = await buildTestApp(t)

const createUser = (payload: object) => as('admin', { method: 'POST', url: '/v1/users', payload })
const withKey = (key: string, opts: { method: 'GET' | 'POST'; url: string; payload?: object }) =>
  app.inject({ ...opts, headers: { authorization: `Bearer ${key}` } })

t.test('admin creates a user of each role with the scope that role needs', async (t) => {
  const cases = [
    { name: 'Second admin', role: 'admin' },
    { name: 'Cán bộ tín dụng', role: 'branch_officer', branchId: world.branchA },
    { name: 'Giám đốc chi nhánh', role: 'branch_manager', branchId: world.branchB },
    { name: 'Cán bộ Hội Phụ nữ', role: 'partner_officer', partnerId: world.partnerA },
    { name: 'Kế toán', role: 'finance' },
    { name: 'Kiểm toán', role: 'auditor' },
  ]
  for (const input of cases) {
    const before = rowCounts(app)
    const res = await createUser(input)
    t.equal(res.statusCode, 201, input.role)
    t.match(res.json(), {
      id: Number,
      name: input.name,
      role: input.role,
      branchId: input.branchId ?? null,
      partnerId: input.partnerId ?? null,
      active: true,
      createdAt: String,
    })
    t.equal(rowCounts(app).users, before.users! + 1)
    const stored = app.sqlite
      .prepare('SELECT role, branch_id AS branchId, partner_id AS partnerId FROM users WHERE id = ?')
      .get(res.json().id)
    t.same(
      stored,
      { role: input.role, branchId: input.branchId ?? null, partnerId: input.partnerId ?? null },
      `${input.role}: stored as sent`,
    )
  }
})

t.test('a scope that does not fit the role is 400 naming the field, and nothing is written', async (t) => {
  const cases: [string, object, string][] = [
    ['branch officer without a branch', { name: 'x', role: 'branch_officer' }, 'body.branchId'],
    ['branch manager without a branch', { name: 'x', role: 'branch_manager' }, 'body.branchId'],
    ['partner officer without a partner', { name: 'x', role: 'partner_officer' }, 'body.partnerId'],
    ['admin with a branch', { name: 'x', role: 'admin', branchId: world.branchA }, 'body.branchId'],
    ['admin with a partner', { name: 'x', role: 'admin', partnerId: world.partnerA }, 'body.partnerId'],
    ['finance with a branch', { name: 'x', role: 'finance', branchId: world.branchA }, 'body.branchId'],
    ['auditor with a partner', { name: 'x', role: 'auditor', partnerId: world.partnerA }, 'body.partnerId'],
    [
      'branch officer with a partner too',
      { name: 'x', role: 'branch_officer', branchId: world.branchA, partnerId: world.partnerA },
      'body.partnerId',
    ],
    [
      'partner officer with a branch',
      { name: 'x', role: 'partner_officer', partnerId: world.partnerA, branchId: world.branchA },
      'body.branchId',
    ],
    ['unknown role', { name: 'x', role: 'superuser' }, 'body.role'],
    ['no name', { role: 'auditor' }, 'body.name'],
  ]
  for (const [what, payload, field] of cases) {
    const before = rowCounts(app)
    const res = await createUser(payload)
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().code, 'VALIDATION_ERROR', `${what}: code`)
    t.same(
      res.json().errors?.map((e: { field: string }) => e.field),
      [field],
      `${what}: field ${field}`,
    )
    t.same(rowCounts(app), before, `${what}: database unchanged`)
  }
})

t.test('a scope that names an unknown branch or partner is 422 REFERENCE_NOT_FOUND', async (t) => {
  for (const payload of [
    { name: 'x', role: 'branch_officer', branchId: 999999 },
    { name: 'x', role: 'partner_officer', partnerId: 999999 },
  ]) {
    const before = rowCounts(app)
    assertRejected(t, await createUser(payload), 422, 'REFERENCE_NOT_FOUND')
    t.same(rowCounts(app), before, 'database unchanged')
  }
})

t.test('only admin creates users and issues keys', async (t) => {
  for (const who of ['officerA', 'managerA', 'partnerA', 'finance', 'auditor'] as const) {
    const before = rowCounts(app)
    assertRejected(
      t,
      await as(who, { method: 'POST', url: '/v1/users', payload: { name: 'x', role: 'auditor' } }),
      403,
      'FORBIDDEN',
    )
    assertRejected(
      t,
      await as(who, { method: 'POST', url: `/v1/users/${world.userIds[who]}/api-keys`, payload: {} }),
      403,
      'FORBIDDEN',
    )
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
})

t.test('GET /v1/users lists users for admin and auditor only', async (t) => {
  for (const who of ['admin', 'auditor'] as const) {
    const res = await as(who, { method: 'GET', url: '/v1/users?limit=500' })
    t.equal(res.statusCode, 200, who)
    t.same(
      res.json().items.map((u: { id: number }) => u.id),
      app.sqlite.prepare('SELECT id FROM users ORDER BY id').pluck().all(),
      `${who}: every user`,
    )
  }
  const page = await as('admin', { method: 'GET', url: '/v1/users?limit=2' })
  t.equal(page.json().items.length, 2)
  t.type(page.json().nextCursor, 'string', 'more users on the next page')
  for (const who of ['officerA', 'managerA', 'partnerA', 'finance'] as const) {
    assertRejected(t, await as(who, { method: 'GET', url: '/v1/users' }), 403, 'FORBIDDEN')
  }
})

t.test("a key is issued for a user, shown once, and acts with that user's role and scope", async (t) => {
  const user = await createUser({ name: 'Cán bộ Hội Nông dân', role: 'partner_officer', partnerId: world.partnerA2 })
  t.equal(user.statusCode, 201)
  const userId = user.json().id as number
  const before = rowCounts(app)
  const issued = await as('admin', {
    method: 'POST',
    url: `/v1/users/${userId}/api-keys`,
    payload: { label: 'điện thoại' },
  })
  t.equal(issued.statusCode, 201)
  const body = issued.json()
  t.match(body, { id: String, userId, label: 'điện thoại', key: String, createdAt: String })
  t.match(body.key, new RegExp(`^pc_${body.id}_`), 'the key starts with its public id')
  t.equal(rowCounts(app).api_keys, before.api_keys! + 1)

  const partners = await withKey(body.key, { method: 'GET', url: '/v1/partners' })
  t.equal(partners.statusCode, 200, 'the new key works')
  t.same(
    partners.json().items.map((p: { id: number }) => p.id),
    [world.partnerA2],
    "with the user's scope: own partner only",
  )
  const groups = await withKey(body.key, { method: 'GET', url: '/v1/groups' })
  t.same(
    groups.json().items.map((g: { id: number }) => g.id),
    [world.groupA2],
    'own groups only',
  )
  const forbidden = await withKey(body.key, {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-NOPE', name: 'x', province: 'Huế' },
  })
  t.equal(forbidden.statusCode, 403, "and with the user's role: no admin routes")
  const audit = app.sqlite
    .prepare(
      "SELECT user_id AS userId, entity_id AS entityId FROM audit_log WHERE action = 'api_key.create' ORDER " +
        'BY id DESC LIMIT 1',
    )
    .get()
  t.same(
    audit,
    { userId: world.userIds.admin, entityId: String(userId) },
    'the issuing is audited for the admin, about the user',
  )
})

t.test('a key may be issued without a label, and without any body', async (t) => {
  const empty = await as('admin', { method: 'POST', url: `/v1/users/${world.userIds.finance2}/api-keys`, payload: {} })
  t.equal(empty.statusCode, 201, 'an empty object: issued')
  t.equal(empty.json().label, null, 'label null')
  const works = await withKey(empty.json().key, { method: 'GET', url: '/v1/business-date' })
  t.equal(works.statusCode, 200)
  t.same(works.json(), { businessDate: '2026-06-30', lastClosedDate: null })

  const before = rowCounts(app)
  const noBody = await as('admin', { method: 'POST', url: `/v1/users/${world.userIds.finance2}/api-keys` })
  t.equal(noBody.statusCode, 201, 'no body at all: issued')
  t.equal(noBody.json().label, null)
  t.equal(rowCounts(app).api_keys, before.api_keys! + 1)
})

t.test('a key for an unknown user is 404 and nothing is written', async (t) => {
  const before = rowCounts(app)
  assertRejected(
    t,
    await as('admin', { method: 'POST', url: '/v1/users/999999/api-keys', payload: {} }),
    404,
    'NOT_FOUND',
  )
  assertRejected(
    t,
    await as('admin', { method: 'POST', url: '/v1/users/0/api-keys', payload: {} }),
    400,
    'VALIDATION_ERROR',
    'params.id',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})
