/**
 * Authentication and authorisation (docs/api.md): 401 without a
 * valid key, 403 outside role or scope, every route declares who may call it
 * (default deny), keys stored only as a salted hash and shown once.
 */
import t, { type Test } from 'tap'
import { createHash, createHmac } from 'node:crypto'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { buildTestApp, nationalId, rowCounts, SYSTEM } from '../helpers/app.js'

function assertProblem(t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `HTTP ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'problem+json')
  const body = res.json()
  t.equal(body.status, status, 'body.status')
  t.equal(body.code, code, 'body.code')
  t.notOk('stack' in body, 'no stack trace')
  return body
}

/** Every table's rows, to search the whole database for a secret. */
function dumpDatabase(app: FastifyInstance): string {
  const tables = app.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[]
  return tables.map((name) => JSON.stringify(app.sqlite.prepare(`SELECT * FROM "${name}"`).all())).join('\n')
}

function secretOf(key: string): { id: string; secret: string } {
  const m = /^pc_([0-9a-f]{12})_(.+)$/.exec(key)
  if (!m) throw new Error(`not an API key: ${key}`)
  return { id: m[1]!, secret: m[2]! }
}

/** Parses app.printRoutes() into (method, url) pairs, HEAD left out. */
function routesOf(app: FastifyInstance): { method: string; url: string }[] {
  const out: { method: string; url: string }[] = []
  const segments: string[] = []
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    segments.length = depth
    segments[depth] = m[2]!
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method !== 'HEAD') out.push({ method, url: segments.join('') })
    }
  }
  return out
}

// The console's page and its assets are public too: they hold no data; the page signs in through the API.
// `/*` is the static plugin's catch-all, which answers the 404 problem (checked below).
const PUBLIC = /^\/(health|ready|openapi\.json|docs|assets)(\/|$)|^\/\*?$/
/** Public besides: signing in (POST /v1/session; the session's other methods need credentials). */
const isPublic = (method: string, url: string) => PUBLIC.test(url) || (method === 'POST' && url === '/v1/session')

// One app for the file (each test compares row counts around its own requests).
const { app, as, world } = await buildTestApp(t)
// Registered before the app is ready: a route without config.auth, and a declared twin.
let undeclaredCalls = 0
app.get('/v1/test-undeclared', async () => {
  undeclaredCalls++
  return { secret: 'data' }
})
app.post('/v1/test-undeclared', async () => {
  undeclaredCalls++
  return { secret: 'data' }
})
app.get('/v1/test-declared', { config: { auth: ['admin'] } }, async () => ({ ok: true }))

t.test('when no API key is sent then the request is refused with 401 and nothing is written', async (t) => {
  const before = rowCounts(app)
  const get = await as(null, { method: 'GET', url: '/v1/branches' })
  const body = assertProblem(t, get, 401, 'UNAUTHORIZED')
  t.notMatch(get.body, /"items"/, 'no data is returned')
  t.type(body.detail, 'string')
  const post = await as(null, {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-X', name: 'X', province: 'Huế' },
  })
  assertProblem(t, post, 401, 'UNAUTHORIZED')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('when the API key is wrong, malformed or sent with another scheme then 401', async (t) => {
  const { id, secret } = secretOf(world.keys.admin)
  const flipped = secret.slice(0, -1) + (secret.endsWith('A') ? 'B' : 'A')
  const cases: [string, string][] = [
    ['right key id, wrong secret', `Bearer pc_${id}_${flipped}`],
    ['unknown key id, well-formed', `Bearer pc_${'0'.repeat(12)}_${secret}`],
    ['not a key at all', 'Bearer hello'],
    ['truncated key', `Bearer ${world.keys.admin.slice(0, -3)}`],
    ['key with trailing junk', `Bearer ${world.keys.admin}x`],
    ['empty bearer', 'Bearer '],
    ['Basic scheme with a valid key', `Basic ${world.keys.admin}`],
    ['valid key without a scheme', world.keys.admin],
  ]
  const before = rowCounts(app)
  for (const [what, header] of cases) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/branches',
      headers: { authorization: header },
      payload: { code: `BR-${what.length}`, name: 'X', province: 'Huế' },
    })
    t.equal(res.statusCode, 401, what)
    t.equal(res.json().code, 'UNAUTHORIZED', `${what}: code`)
  }
  t.same(rowCounts(app), before, 'database unchanged')
  // The genuine key still works, so the 401s above come from the tampering.
  t.equal((await as('admin', { method: 'GET', url: '/v1/branches' })).statusCode, 200, 'the untampered key is accepted')
})

t.test('the Bearer scheme is matched case-insensitively (RFC 9110 §11.1)', async (t) => {
  const before = rowCounts(app)
  for (const scheme of ['bearer', 'BEARER']) {
    const res = await app.inject({
      method: 'GET',
      url: '/v1/business-date',
      headers: { authorization: `${scheme} ${world.keys.auditor}` },
    })
    t.equal(res.statusCode, 200, `"${scheme}" is accepted`)
  }
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('when a key is revoked or its user deactivated then 401', async (t) => {
  const user = await as('admin', {
    method: 'POST',
    url: '/v1/users',
    payload: { name: 'Temp officer', role: 'branch_officer', branchId: world.branchA },
  })
  t.equal(user.statusCode, 201)
  const userId = user.json().id as number
  const issued = await as('admin', { method: 'POST', url: `/v1/users/${userId}/api-keys`, payload: {} })
  t.equal(issued.statusCode, 201)
  const key = issued.json().key as string
  const call = () => app.inject({ method: 'GET', url: '/v1/branches', headers: { authorization: `Bearer ${key}` } })
  t.equal((await call()).statusCode, 200, 'the key works before revocation')

  app.sqlite.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), secretOf(key).id)
  assertProblem(t, await call(), 401, 'UNAUTHORIZED')

  app.sqlite.prepare('UPDATE api_keys SET revoked_at = NULL WHERE id = ?').run(secretOf(key).id)
  t.equal((await call()).statusCode, 200, 'un-revoked key works again')
  app.sqlite.prepare('UPDATE users SET active = 0 WHERE id = ?').run(userId)
  assertProblem(t, await call(), 401, 'UNAUTHORIZED')
})

t.test('when a role is not allowed on a route then 403 and nothing is written', async (t) => {
  const household = await as('partnerA', {
    method: 'POST',
    url: '/v1/households',
    payload: {
      nationalId: nationalId(),
      headName: 'Nguyễn Văn A',
      groupId: world.groupA,
      area: 'rural',
      address: 'Thôn 1',
    },
  })
  t.equal(household.statusCode, 201)
  const householdId = household.json().id as number
  const cases: [Parameters<typeof as>[0], 'GET' | 'POST', string, object | undefined][] = [
    ['auditor', 'POST', '/v1/branches', { code: 'BR-Z', name: 'Z', province: 'Huế' }],
    ['finance', 'POST', '/v1/branches', { code: 'BR-Z', name: 'Z', province: 'Huế' }],
    [
      'officerA',
      'POST',
      '/v1/transaction-points',
      { code: 'TP-Z', name: 'Z', branchId: world.branchA, commune: 'c', sessionDay: 5 },
    ],
    ['managerA', 'POST', '/v1/partners', { code: 'P-Z', name: 'Z', kind: 'youth_union', branchId: world.branchA }],
    [
      'partnerA',
      'POST',
      '/v1/groups',
      { code: 'G-Z', name: 'Z', partnerId: world.partnerA, transactionPointId: world.pointA, village: 'v' },
    ],
    [
      'partnerA',
      'POST',
      '/v1/programmes',
      {
        code: 'NEWPROG',
        name: 'n',
        legalBasis: 'l',
        eligibleStatuses: 'any',
        eligibleAreas: 'any',
        maxAmount: 1000,
        maxTermMonths: 12,
        fundingSource: 'central',
        defaultPrincipalPlan: { everyMonths: 1, graceMonths: 0 },
        rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 1 }],
      },
    ],
    ['managerA', 'POST', '/v1/programmes/POOR/rates', { effectiveFrom: '2026-07-01', monthlyRatePpm: 5000 }],
    ['officerA', 'POST', '/v1/users', { name: 'n', role: 'auditor' }],
    ['auditor', 'POST', `/v1/users/${world.userIds.auditor}/api-keys`, {}],
    [
      'finance',
      'POST',
      '/v1/households',
      { nationalId: nationalId(), headName: 'n', groupId: world.groupA, area: 'rural', address: 'x' },
    ],
    [
      'auditor',
      'POST',
      `/v1/households/${householdId}/poverty-status`,
      { status: 'poor', effectiveDate: '2026-01-01', decisionNo: 'QD-1' },
    ],
    ['officerA', 'GET', '/v1/audit', undefined],
    ['partnerA', 'GET', '/v1/users', undefined],
    ['finance', 'GET', '/v1/users', undefined],
  ]
  const before = rowCounts(app)
  for (const [who, method, url, payload] of cases) {
    const res = await as(who, { method, url, ...(payload ? { payload } : {}) })
    t.equal(res.statusCode, 403, `${who} ${method} ${url}`)
    t.equal(res.json().code, 'FORBIDDEN', `${who} ${method} ${url}: code`)
  }
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('only admin may create a branch: every other role gets 403', async (t) => {
  for (const who of ['officerA', 'managerA', 'partnerA', 'finance', 'auditor'] as const) {
    const before = rowCounts(app)
    const res = await as(who, {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: `BR-${who}`, name: 'X', province: 'Huế' },
    })
    assertProblem(t, res, 403, 'FORBIDDEN')
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
  const ok = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-admin', name: 'X', province: 'Huế' },
  })
  t.equal(ok.statusCode, 201, 'admin may')
})

t.test(
  "when acting outside its scope a role gets 403: a partner officer registering in another partner's group",
  async (t) => {
    const before = rowCounts(app)
    const res = await as('partnerA', {
      method: 'POST',
      url: '/v1/households',
      payload: { nationalId: nationalId(), headName: 'n', groupId: world.groupB, area: 'rural', address: 'x' },
    })
    assertProblem(t, res, 403, 'FORBIDDEN')
    t.same(rowCounts(app), before, 'database unchanged')
  },
)

t.test(
  'every route except health, readiness, the docs and signing in requires an API key (or a session)',
  async (t) => {
    await app.ready()
    const routes = routesOf(app)
    const guarded = routes.filter((r) => !isPublic(r.method, r.url))
    t.ok(guarded.length >= 20, `found ${guarded.length} guarded routes in printRoutes`)
    t.ok(
      routes.some((r) => r.url === '/health'),
      'the parser finds /health',
    )
    for (const { method, url } of routes) {
      const concrete = url.replace(':id', '1').replace(':code', 'POOR').replace('*', 'x')
      const res = await app.inject({
        method: method as 'GET',
        url: concrete,
        ...(method === 'POST' ? { payload: {} } : {}),
      })
      if (isPublic(method, url)) t.not(res.statusCode, 401, `${method} ${url} is public`)
      else t.equal(res.statusCode, 401, `${method} ${url} needs a key`)
    }
    t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, '/health answers without a key')
    const unknown = await app.inject({ method: 'GET', url: '/no-such-page' })
    t.equal(unknown.statusCode, 404, 'an unknown page is a 404 problem, not the console')
    t.equal(unknown.json().code, 'NOT_FOUND')
  },
)

t.test('a route that declares no authorised roles is refused to everyone, even admin (default deny)', async (t) => {
  for (const who of ['admin', 'auditor', 'officerA', 'partnerA', 'finance', 'managerA'] as const) {
    assertProblem(t, await as(who, { method: 'GET', url: '/v1/test-undeclared' }), 403, 'FORBIDDEN')
    assertProblem(t, await as(who, { method: 'POST', url: '/v1/test-undeclared', payload: {} }), 403, 'FORBIDDEN')
  }
  assertProblem(t, await as(null, { method: 'GET', url: '/v1/test-undeclared' }), 401, 'UNAUTHORIZED')
  t.equal(undeclaredCalls, 0, 'the handler never ran')
  t.equal(
    (await as('admin', { method: 'GET', url: '/v1/test-declared' })).statusCode,
    200,
    'a declared route of the same shape works',
  )
})

t.test('API keys are stored only as a salted hash: the plaintext is nowhere in the database', async (t) => {
  const rows = app.sqlite.prepare('SELECT id, salt, hash FROM api_keys').all() as {
    id: string
    salt: string
    hash: string
  }[]
  const dump = dumpDatabase(app)
  t.ok(rows.length >= Object.keys(world.keys).length, 'a row per issued key')
  for (const [who, key] of Object.entries(world.keys)) {
    const { id, secret } = secretOf(key)
    t.notOk(dump.includes(secret), `${who}: secret not in any table`)
    t.notOk(dump.includes(key), `${who}: key not in any table`)
    const row = rows.find((r) => r.id === id)
    if (!row) {
      t.fail(`${who}: no api_keys row for key id ${id}`)
      continue
    }
    t.equal(
      row.hash,
      createHmac('sha256', row.salt).update(secret).digest('hex'),
      `${who}: hash is HMAC-SHA256(salt, secret)`,
    )
    t.not(row.hash, createHash('sha256').update(secret).digest('hex'), `${who}: not an unsalted hash`)
  }
  t.equal(new Set(rows.map((r) => r.salt)).size, rows.length, 'every key has its own salt')
  t.equal(new Set(rows.map((r) => r.hash)).size, rows.length, 'every hash differs')
})

t.test('two keys for one user get different salts and both work', async (t) => {
  const userId = world.userIds.auditor
  const a = await as('admin', { method: 'POST', url: `/v1/users/${userId}/api-keys`, payload: { label: 'laptop' } })
  const b = await as('admin', { method: 'POST', url: `/v1/users/${userId}/api-keys`, payload: { label: 'phone' } })
  t.equal(a.statusCode, 201)
  t.equal(b.statusCode, 201)
  const keyA = a.json().key as string
  const keyB = b.json().key as string
  t.not(keyA, keyB, 'different keys')
  const salt = app.sqlite.prepare('SELECT salt FROM api_keys WHERE id = ?').pluck()
  t.not(salt.get(secretOf(keyA).id), salt.get(secretOf(keyB).id), 'different salts')
  for (const key of [keyA, keyB]) {
    const res = await app.inject({ method: 'GET', url: '/v1/users', headers: { authorization: `Bearer ${key}` } })
    t.equal(res.statusCode, 200, 'the auditor key reads users')
  }
})

t.test(
  'an API key is shown once: in the issuing response only, never in lists, audit or idempotency records',
  async (t) => {
    const userId = world.userIds.finance
    const before = rowCounts(app)
    const issued = await as('admin', {
      method: 'POST',
      url: `/v1/users/${userId}/api-keys`,
      headers: { 'idempotency-key': 'issue-1' },
      payload: { label: 'finance laptop' },
    })
    t.equal(issued.statusCode, 201)
    const body = issued.json()
    t.match(body, { userId, label: 'finance laptop' })
    t.match(body.key, /^pc_[0-9a-f]{12}_[A-Za-z0-9_-]{32}$/, 'the key is in the response')
    const { id, secret } = secretOf(body.key)
    t.equal(body.id, id, 'the public id is the key id')
    t.equal(rowCounts(app).api_keys, before.api_keys! + 1, 'one key row')
    t.equal(rowCounts(app).idempotency_keys, before.idempotency_keys, 'the response is not stored for replay')

    const works = await app.inject({
      method: 'GET',
      url: '/v1/business-date',
      headers: { authorization: `Bearer ${body.key}` },
    })
    t.equal(works.statusCode, 200, 'the new key works')

    const again = await as('admin', {
      method: 'POST',
      url: `/v1/users/${userId}/api-keys`,
      headers: { 'idempotency-key': 'issue-1' },
      payload: { label: 'finance laptop' },
    })
    t.equal(again.statusCode, 201)
    t.not(again.json().key, body.key, 'a repeated request never shows the first key again')
    t.notOk(again.headers['idempotency-replayed'], 'not a replay')

    for (const who of ['admin', 'auditor'] as const) {
      const list = await as(who, { method: 'GET', url: '/v1/users?limit=500' })
      t.equal(list.statusCode, 200)
      t.notOk(list.body.includes(secret), `${who}: GET /v1/users does not include the key`)
      t.notOk(
        list.json().items.some((u: Record<string, unknown>) => 'key' in u || 'hash' in u || 'salt' in u),
        `${who}: no key, hash or salt fields`,
      )
    }
    const audit = await as('admin', { method: 'GET', url: `/v1/audit?entity=user&id=${userId}&limit=500` })
    t.equal(audit.statusCode, 200)
    t.ok(
      audit.json().items.some((a: { action: string }) => a.action === 'api_key.create'),
      'the issuing is audited',
    )
    t.notOk(audit.body.includes(secret), 'the audit trail does not hold the secret')
    t.notOk(dumpDatabase(app).includes(secret), 'the secret is nowhere in the database')
  },
)

t.test('the Authorization header and API keys are not written to the log', async (t) => {
  const lines: string[] = []
  const app = await buildApp({
    databaseFile: ':memory:',
    initialBusinessDate: '2026-06-30',
    authFailuresPerMinute: 1000,
    logger: {
      level: 'trace',
      stream: {
        write: (s: string) => {
          lines.push(s)
        },
      },
    },
  })
  t.teardown(() => app.close())
  const { body: key } = app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: 'Logged admin', role: 'admin' })
    return { statusCode: 201, body: createApiKey(ctx, user.id, null).key }
  }, SYSTEM)
  const { secret } = secretOf(key)
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/branches', headers: { authorization: `Bearer ${key}` } })).statusCode,
    200,
  )
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/v1/branches',
        headers: { authorization: `Bearer ${key}` },
        payload: { code: 'BR-L', name: 'L', province: 'Huế' },
      })
    ).statusCode,
    201,
  )
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/branches', headers: { authorization: `Bearer ${key}x` } })).statusCode,
    401,
  )
  const issued = await app.inject({
    method: 'POST',
    url: '/v1/users/1/api-keys',
    headers: { authorization: `Bearer ${key}` },
    payload: {},
  })
  t.equal(issued.statusCode, 201)
  const log = lines.join('')
  t.ok(lines.length >= 6, `requests were logged (${lines.length} lines)`)
  t.match(log, /\/v1\/branches/, 'the log shows the requests')
  t.notOk(log.includes(secret), "the key's secret is not logged")
  t.notOk(log.includes(secretOf(issued.json().key).secret), 'a newly issued key is not logged')
  t.notMatch(log, /bearer/i, 'no bearer token is logged')
  t.notMatch(log, /"authorization"/i, 'no authorization header is logged')
})
