/**
 * Errors (docs/api.md): application/problem+json (RFC 9457) with type,
 * title, status, detail and a stable code; validation errors list each bad
 * field; bodies are not coerced; no stack traces or SQL leave the process.
 */
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, rowCounts } from '../helpers/app.js'

/** Asserts the RFC 9457 shape and returns the parsed body. */
function assertProblem(t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `HTTP ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/, 'content-type is application/problem+json')
  const body = res.json()
  t.match(
    body,
    { type: String, title: String, status: Number, detail: String, code: String },
    'type, title, status, detail, code',
  )
  t.equal(body.status, status, 'body.status equals the HTTP status')
  t.equal(body.code, code, `code ${code}`)
  t.ok(body.type.length > 0 && body.title.length > 0 && body.detail.length > 0, 'type, title and detail are not empty')
  t.notOk('stack' in body, 'no stack property')
  t.notMatch(res.body, /\bat .+\.(ts|js):\d+/, 'no stack frames in the body')
  t.notMatch(res.body, /\b(SELECT|INSERT INTO|UPDATE .* SET|SQLITE_)\b/, 'no SQL in the body')
  return body
}

const fields = (body: { errors?: { field: string; message: string }[] }) => (body.errors ?? []).map((e) => e.field)

const { app, as, world } = await buildTestApp(t)
// Registered before the app is ready: handlers that fail unexpectedly.
app.get('/v1/test-crash', { config: { auth: ['admin'] } }, async () => {
  throw new Error('boom: secret internals at /srv/app/src/secret.ts:12')
})
app.get('/v1/test-sql-crash', { config: { auth: ['admin'] } }, async () =>
  app.sqlite.prepare('SELECT secret_column FROM no_such_table').all(),
)

const tp = (over: Record<string, unknown> = {}) => ({
  code: 'TP-P',
  name: 'Point P',
  branchId: world.branchA,
  commune: 'Hòa Vang',
  sessionDay: 10,
  ...over,
})

t.test('400 validation error: problem+json listing the bad field as body.sessionDay', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', { method: 'POST', url: '/v1/transaction-points', payload: tp({ sessionDay: 31 }) })
  const body = assertProblem(t, res, 400, 'VALIDATION_ERROR')
  t.ok(Array.isArray(body.errors), 'errors is a list')
  t.same(fields(body), ['body.sessionDay'])
  t.match(body.errors[0], { field: 'body.sessionDay', message: String })
  t.match(body.detail, /sessionDay/, 'the detail names the field')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('400 validation error: a missing required field is listed by name', async (t) => {
  const before = rowCounts(app)
  const { code: _omit, ...noCode } = tp()
  const body = assertProblem(
    t,
    await as('admin', { method: 'POST', url: '/v1/transaction-points', payload: noCode }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(fields(body), ['body.code'])
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('400 validation error lists EACH bad field, not only the first', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/transaction-points',
    payload: tp({ branchId: 'one', sessionDay: 0, commune: '' }),
  })
  const body = assertProblem(t, res, 400, 'VALIDATION_ERROR')
  t.ok(fields(body).length >= 1, 'at least one bad field is listed')
  t.same(fields(body).sort(), ['body.branchId', 'body.commune', 'body.sessionDay'], 'all three bad fields are listed')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('400 validation error for query strings and path parameters names the part', async (t) => {
  const limit = assertProblem(
    t,
    await as('admin', { method: 'GET', url: '/v1/branches?limit=abc' }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(fields(limit), ['querystring.limit'])
  const tooMany = assertProblem(
    t,
    await as('admin', { method: 'GET', url: '/v1/branches?limit=501' }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(fields(tooMany), ['querystring.limit'])
  const id = assertProblem(t, await as('admin', { method: 'GET', url: '/v1/households/abc' }), 400, 'VALIDATION_ERROR')
  t.same(fields(id), ['params.id'])
  const cursor = assertProblem(
    t,
    await as('admin', { method: 'GET', url: '/v1/branches?cursor=not-a-cursor' }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(fields(cursor), ['querystring.cursor'])
})

t.test('body values of the wrong type are refused, not coerced ("15" is not a session day)', async (t) => {
  const before = rowCounts(app)
  const cases: [string, Record<string, unknown>, string][] = [
    ['sessionDay as a string', { sessionDay: '15' }, 'body.sessionDay'],
    ['branchId as a string', { branchId: String(world.branchA) }, 'body.branchId'],
    ['sessionDay as a fraction', { sessionDay: 15.5 }, 'body.sessionDay'],
    ['sessionDay as a boolean', { sessionDay: true }, 'body.sessionDay'],
    ['code as a number', { code: 12345 }, 'body.code'],
    ['sessionDay as null', { sessionDay: null }, 'body.sessionDay'],
  ]
  for (const [what, over, field] of cases) {
    const res = await as('admin', { method: 'POST', url: '/v1/transaction-points', payload: tp(over) })
    t.equal(res.statusCode, 400, what)
    t.same(fields(res.json()), [field], `${what}: field`)
  }
  t.same(rowCounts(app), before, 'database unchanged')
  // The same body with a real integer is accepted, so the refusals above are about the type.
  t.equal(
    (await as('admin', { method: 'POST', url: '/v1/transaction-points', payload: tp({ sessionDay: 15 }) })).statusCode,
    201,
  )
})

t.test('a body that is not valid JSON is 400 BAD_REQUEST in problem+json', async (t) => {
  const before = rowCounts(app)
  for (const payload of ['{"code": "BR-J",', '{bad json}', 'null,']) {
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      headers: { 'content-type': 'application/json' },
      payload,
    })
    assertProblem(t, res, 400, 'BAD_REQUEST')
  }
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('a body in an unsupported media type is 415 in problem+json', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    headers: { 'content-type': 'application/xml' },
    payload: '<branch/>',
  })
  assertProblem(t, res, 415, 'UNSUPPORTED_MEDIA_TYPE')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('401 without a key is problem+json', async (t) => {
  const body = assertProblem(t, await as(null, { method: 'GET', url: '/v1/branches' }), 401, 'UNAUTHORIZED')
  t.equal(body.title, 'Unauthorized')
})

t.test('403 outside the role is problem+json', async (t) => {
  const before = rowCounts(app)
  const body = assertProblem(
    t,
    await as('auditor', { method: 'POST', url: '/v1/branches', payload: { code: 'BR-F', name: 'F', province: 'Huế' } }),
    403,
    'FORBIDDEN',
  )
  t.equal(body.title, 'Forbidden')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('404 for an unknown route is problem+json, with or without a key', async (t) => {
  for (const who of [null, 'admin'] as const) {
    const body = assertProblem(t, await as(who, { method: 'GET', url: '/v1/no-such-thing?x=1' }), 404, 'NOT_FOUND')
    t.match(body.detail, /\/v1\/no-such-thing/)
    t.notMatch(body.detail, /x=1/, 'the query string is not echoed')
  }
  assertProblem(t, await as('admin', { method: 'DELETE', url: '/v1/branches' }), 404, 'NOT_FOUND')
})

t.test('404 for an unknown entity is problem+json', async (t) => {
  const programme = assertProblem(
    t,
    await as('admin', { method: 'GET', url: '/v1/programmes/NO_SUCH' }),
    404,
    'NOT_FOUND',
  )
  t.match(programme.detail, /NO_SUCH/)
  assertProblem(t, await as('admin', { method: 'GET', url: '/v1/households/999999' }), 404, 'NOT_FOUND')
  const before = rowCounts(app)
  assertProblem(
    t,
    await as('admin', { method: 'POST', url: '/v1/users/999999/api-keys', payload: {} }),
    404,
    'NOT_FOUND',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('409 DUPLICATE for a code that is taken is problem+json', async (t) => {
  const before = rowCounts(app)
  const body = assertProblem(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-A', name: 'Again', province: 'Huế' },
    }),
    409,
    'DUPLICATE',
  )
  t.match(body.detail, /BR-A/)
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('422 for a business rule is problem+json with its code', async (t) => {
  const before = rowCounts(app)
  assertProblem(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/partners',
      payload: { code: 'P-Q', name: 'Q', kind: 'youth_union', branchId: 999999 },
    }),
    422,
    'REFERENCE_NOT_FOUND',
  )
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('an unexpected error is 500 INTERNAL without the message, a stack trace or SQL', async (t) => {
  const crash = assertProblem(t, await as('admin', { method: 'GET', url: '/v1/test-crash' }), 500, 'INTERNAL')
  t.notMatch(JSON.stringify(crash), /boom|secret|srv/, 'the internal message is not echoed')
  const sql = assertProblem(t, await as('admin', { method: 'GET', url: '/v1/test-sql-crash' }), 500, 'INTERNAL')
  t.notMatch(JSON.stringify(sql), /no_such_table|secret_column|SqliteError/, 'the SQL error is not echoed')
})

t.test('no error response ever carries a stack property', async (t) => {
  const responses = await Promise.all([
    as(null, { method: 'GET', url: '/v1/branches' }),
    as('auditor', { method: 'POST', url: '/v1/groups', payload: {} }),
    as('admin', { method: 'POST', url: '/v1/groups', payload: {} }),
    as('admin', { method: 'POST', url: '/v1/groups', headers: { 'content-type': 'application/json' }, payload: '[' }),
    as('admin', { method: 'GET', url: '/v1/nowhere' }),
    as('admin', { method: 'GET', url: '/v1/test-crash' }),
  ])
  t.same(
    responses.map((r) => r.statusCode),
    [401, 403, 400, 400, 404, 500],
  )
  for (const r of responses) t.notMatch(r.body, /"stack"/, `${r.statusCode}: no stack`)
})
