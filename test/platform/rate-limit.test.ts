import t from 'tap'
import { buildApp } from '../../src/app.js'
import { createUser, createApiKey } from '../../src/modules/users/service.js'

t.test(
  'requests without valid credentials are limited per address; valid keys and public routes are not',
  async (t) => {
    const app = await buildApp({
      databaseFile: ':memory:',
      initialBusinessDate: '2026-06-30',
      authFailuresPerMinute: 5,
    })
    t.teardown(() => app.close())
    const { body: key } = app.commands.runNow(
      (ctx) => {
        const u = createUser(ctx, { name: 'Admin', role: 'admin' })
        return { statusCode: 201, body: createApiKey(ctx, u.id, 't').key }
      },
      { userId: 0, name: 'test', role: 'admin', branchId: null, partnerId: null },
    )
    const bad = () =>
      app.inject({
        method: 'GET',
        url: '/v1/branches',
        headers: { authorization: 'Bearer pc_000000000000_guessguessguessguessguessguessgu' },
      })
    for (let i = 0; i < 5; i++) t.equal((await bad()).statusCode, 401, `failed attempt ${i + 1} is 401`)
    const limited = await bad()
    t.equal(limited.statusCode, 429, 'the sixth failed attempt within a minute is 429')
    t.match(limited.headers['content-type'], /^application\/problem\+json/)
    t.equal(limited.json().code, 'TOO_MANY_REQUESTS')
    t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After says when to come back')
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/branches' })).statusCode,
      429,
      'no key at all counts as a failure too',
    )
    t.equal(
      (await app.inject({ method: 'GET', url: '/v1/branches', headers: { authorization: `Bearer ${key}` } }))
        .statusCode,
      200,
      'a valid key from the same address still works',
    )
    t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'public routes are not limited')
  },
)

t.test(
  'security headers: every response (success, problem, 404, docs) carries the same hardening headers',
  async (t) => {
    const app = await buildApp({ databaseFile: ':memory:', initialBusinessDate: '2026-06-30' })
    t.teardown(() => app.close())
    const expected = {
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'SAMEORIGIN',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    }
    for (const [url, status] of [
      ['/health', 200],
      ['/v1/branches', 401],
      ['/nope', 404],
      ['/docs', 200],
    ] as const) {
      const res = await app.inject({ method: 'GET', url })
      t.equal(res.statusCode, status, `${url} → ${status}`)
      t.match(res.headers, expected, `${url} carries the security headers`)
      t.notOk(res.headers['content-security-policy'], `${url}: no CSP (Swagger UI needs inline scripts)`)
    }
  },
)
