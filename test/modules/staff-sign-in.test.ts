/**
 * Staff sign-in: usernames and one-time passwords set by an admin, scrypt
 * hashes, the session cookie and its flags, idle and absolute expiry, sign-out, CSRF, the password
 * change required first, deactivation, no user enumeration, the failed-authentication limit, and
 * roles and scopes through a cookie exactly as through a key.
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { createHash, scryptSync, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, nationalId, rowCounts, SYSTEM } from '../helpers/app.js'
import { expectStatus, householdWithStatus, unique } from '../helpers/origination.js'
import {
  newUsername,
  sessionCookieOf,
  setPassword,
  signIn,
  signedIn,
  userWithPassword,
  withSession,
} from '../helpers/session.js'
import { buildApp } from '../../src/app.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/platform/auth.js'

// A clock the sessions read (the rate limiter keeps real time): tests move it instead of waiting.
let clock = Date.parse('2026-06-30T02:00:00.000Z')
const ta = await buildTestApp(t, { now: () => new Date(clock) })
const { app, world } = ta
const minutes = (n: number) => n * 60_000

// Test-only: a request with header x-test-tls: 1 looks as if it came over TLS (request.protocol 'https').
app.addHook('onRequest', (request, _reply, done) => {
  if (request.headers['x-test-tls']) (request.raw.socket as unknown as { encrypted: boolean }).encrypted = true
  done()
})

const sessionRow = (cookieOrId: number) =>
  app.sqlite.prepare('SELECT * FROM staff_sessions WHERE id = ?').get(cookieOrId) as Record<string, unknown>
const lastSession = (userId: number) =>
  app.sqlite.prepare('SELECT * FROM staff_sessions WHERE user_id = ? ORDER BY id DESC LIMIT 1').get(userId) as Record<
    string,
    unknown
  >
const audits = (action: string) =>
  app.sqlite
    .prepare('SELECT user_id AS userId, entity_id AS entityId, after FROM audit_log WHERE action = ? ORDER BY id')
    .all(action) as { userId: number | null; entityId: string; after: string }[]

t.test(
  'when an admin sets a one-time password, then it is answered once, stored only as a salted scrypt hash ' +
    'with its parameters, and audited without it',
  async (t) => {
    const made = expectStatus(
      await ta.as('admin', {
        method: 'POST',
        url: '/v1/users',
        payload: { name: 'Lê Thị Hoa', role: 'auditor', username: 'le.thi.hoa' },
      }),
      201,
      'create user',
    ).json()
    t.equal(made.username, 'le.thi.hoa', 'the username is part of the user')
    const res = expectStatus(
      await ta.as('admin', {
        method: 'POST',
        url: `/v1/users/${made.id}/password`,
        headers: { 'idempotency-key': unique('otp') },
      }),
      200,
      'set password',
    )
    const body = res.json()
    t.match(body, { userId: made.id, username: 'le.thi.hoa', mustChangePassword: true })
    t.match(
      body.oneTimePassword,
      /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/,
      'a generated one-time password (16 characters, 80 bits)',
    )
    const stored = app.sqlite
      .prepare('SELECT hash, must_change AS mustChange FROM user_passwords WHERE user_id = ?')
      .get(made.id) as { hash: string; mustChange: number }
    t.match(
      stored.hash,
      /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/,
      'scrypt, N/r/p recorded with the salt and the key',
    )
    t.equal(stored.mustChange, 1, 'must be changed')
    const everything =
      JSON.stringify(app.sqlite.prepare('SELECT * FROM audit_log').all()) +
      JSON.stringify(app.sqlite.prepare('SELECT * FROM idempotency_keys').all())
    t.notOk(everything.includes(body.oneTimePassword), 'the password is in no audit record and no stored response')
    t.match(JSON.parse(audits('user.password_set').at(-1)!.after), { username: 'le.thi.hoa', mustChangePassword: true })
    const again = expectStatus(
      await ta.as('admin', { method: 'POST', url: `/v1/users/${made.id}/password` }),
      200,
      'set again',
    ).json()
    t.not(again.oneTimePassword, body.oneTimePassword, 'a new one each time')
    t.equal(
      (await signIn(app, 'le.thi.hoa', body.oneTimePassword)).statusCode,
      401,
      'the earlier one-time password no longer works',
    )
  },
)

t.test(
  'when a user has no username, then a password needs one (given once, unique, never changed); a ' +
    'deactivated user gets none',
  async (t) => {
    const u = expectStatus(
      await ta.as('admin', { method: 'POST', url: '/v1/users', payload: { name: 'Trần Văn Nam', role: 'auditor' } }),
      201,
      'user without username',
    ).json()
    t.equal(u.username, null, 'existing callers: no username')
    const before = rowCounts(app)
    const none = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.id}/password`, payload: {} })
    t.equal(none.statusCode, 409)
    t.equal(none.json().code, 'INVALID_STATE')
    const taken = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${u.id}/password`,
      payload: { username: 'le.thi.hoa' },
    })
    t.equal(taken.statusCode, 409)
    t.equal(taken.json().code, 'DUPLICATE', 'a username is unique')
    const bad = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${u.id}/password`,
      payload: { username: 'Trần Nam' },
    })
    t.equal(bad.statusCode, 400, 'lower-case letters, digits, . _ - only')
    t.same(rowCounts(app), before, 'nothing written')
    expectStatus(
      await ta.as('admin', {
        method: 'POST',
        url: `/v1/users/${u.id}/password`,
        payload: { username: 'tran.van.nam' },
      }),
      200,
      'username given with the password',
    )
    const other = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${u.id}/password`,
      payload: { username: 'tran.nam' },
    })
    t.equal(other.statusCode, 409, 'a username does not change')
    const dup = await ta.as('admin', {
      method: 'POST',
      url: '/v1/users',
      payload: { name: 'Another', role: 'auditor', username: 'tran.van.nam' },
    })
    t.equal(dup.statusCode, 409)
    t.equal(dup.json().code, 'DUPLICATE')
    expectStatus(
      await ta.as('admin', { method: 'POST', url: `/v1/users/${u.id}/deactivate`, payload: { reason: 'nghỉ việc' } }),
      200,
      'deactivate',
    )
    const deactivated = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.id}/password` })
    t.equal(deactivated.statusCode, 409)
    t.equal(deactivated.json().code, 'INVALID_STATE')
    for (const who of ['officerA', 'auditor', 'finance'] as const) {
      t.equal(
        (await ta.as(who, { method: 'POST', url: `/v1/users/${u.id}/password` })).statusCode,
        403,
        `${who} may not set passwords`,
      )
    }
  },
)

t.test(
  'when a user signs in with a one-time password, then it must be changed first: every other route answers ' +
    '403 PASSWORD_CHANGE_REQUIRED',
  async (t) => {
    const s = await signedIn(ta, 'officerA', { keepOneTime: true })
    t.match(s.body, {
      user: {
        id: world.userIds.officerA,
        name: 'Officer A',
        role: 'branch_officer',
        branchId: world.branchA,
        partnerId: null,
        username: s.username,
      },
      mustChangePassword: true,
    })
    const blocked = await withSession(app, s, { method: 'GET', url: '/v1/branches' })
    t.equal(blocked.statusCode, 403)
    t.equal(blocked.json().code, 'PASSWORD_CHANGE_REQUIRED')
    const vi = await withSession(app, s, { method: 'GET', url: '/v1/households', headers: { 'accept-language': 'vi' } })
    t.equal(vi.json().title, 'Cần đổi mật khẩu trước', 'Vietnamese title')
    t.equal(
      expectStatus(await withSession(app, s, { method: 'GET', url: '/v1/session' }), 200, 'own session').json()
        .mustChangePassword,
      true,
      'the session itself stays readable',
    )
    // The policy: 10 characters, not the username, not the current password; nothing written when refused.
    const before = rowCounts(app)
    for (const [newPassword, why] of [
      ['ngắn-quá', 'too short'],
      [s.username.toUpperCase(), 'the username'],
      [s.password, 'the current one'],
    ] as const) {
      const res = await withSession(app, s, {
        method: 'POST',
        url: '/v1/session/password',
        payload: { currentPassword: s.password, newPassword },
      })
      t.equal(res.statusCode, 422, `${why} → 422`)
      t.equal(res.json().code, 'PASSWORD_TOO_WEAK')
      t.equal(res.json().errors[0].field, 'body.newPassword')
    }
    const wrong = await withSession(app, s, {
      method: 'POST',
      url: '/v1/session/password',
      payload: { currentPassword: 'not-the-password', newPassword: 'một mật khẩu dài' },
    })
    t.equal(wrong.statusCode, 422)
    t.equal(wrong.json().code, 'CURRENT_PASSWORD_INVALID')
    t.same(rowCounts(app), before, 'nothing written by a refused change')
    const changed = expectStatus(
      await withSession(app, s, {
        method: 'POST',
        url: '/v1/session/password',
        payload: { currentPassword: s.password, newPassword: 'Hòa Vang 2026!' },
      }),
      200,
      'changed',
    )
    t.equal(changed.json().mustChangePassword, false)
    t.equal(
      (await withSession(app, s, { method: 'GET', url: '/v1/branches' })).statusCode,
      200,
      'the same session now works',
    )
    t.equal((await signIn(app, s.username, s.password)).statusCode, 401, 'the one-time password is gone')
    t.equal(
      (await signIn(app, s.username, 'Hòa Vang 2026!')).json().mustChangePassword,
      false,
      'the new password signs in, nothing to change',
    )
    t.match(
      audits('user.password_change').at(-1),
      { userId: world.userIds.officerA, entityId: String(world.userIds.officerA) },
      'the change is audited',
    )
    t.notOk(
      JSON.stringify(app.sqlite.prepare('SELECT * FROM audit_log').all()).includes('Hòa Vang 2026!'),
      'never a password in the audit',
    )
  },
)

t.test(
  'cookie flags: HttpOnly, SameSite=Strict, Path=/, a random 256-bit token of which only the SHA-256 is ' +
    'stored; Secure only over TLS',
  async (t) => {
    const u = await userWithPassword(app)
    const res = expectStatus(await signIn(app, u.username, u.password), 201, 'sign in')
    const setCookie = String(res.headers['set-cookie'])
    t.match(
      setCookie,
      /^pc_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
      'flags, and no Secure over plain HTTP',
    )
    const token = sessionCookieOf(res).slice('pc_session='.length)
    t.equal(Buffer.from(token, 'base64url').length, 32, '256 bits')
    const row = lastSession(u.userId)
    t.equal(row.token_hash, createHash('sha256').update(token).digest('hex'), 'only the SHA-256 is stored')
    t.notOk(
      JSON.stringify(app.sqlite.prepare('SELECT * FROM staff_sessions').all()).includes(token),
      'the token itself is nowhere in the database',
    )
    const body = res.json()
    t.equal(body.absoluteExpiresAt, new Date(clock + SESSION_ABSOLUTE_MS).toISOString(), '10 hours absolute')
    t.equal(body.idleExpiresAt, new Date(clock + SESSION_IDLE_MS).toISOString(), '30 minutes idle')
    t.match(body.csrfToken, /^[A-Za-z0-9_-]{43}$/)
    const tls = expectStatus(
      await signIn(app, u.username, u.password, { headers: { 'x-test-tls': '1' } }),
      201,
      'sign in over TLS',
    )
    t.match(String(tls.headers['set-cookie']), /; Secure$/, 'Secure when the request came over TLS')
    const s = { cookie: sessionCookieOf(tls), csrf: tls.json().csrfToken as string }
    const out = expectStatus(
      await withSession(app, s, { method: 'DELETE', url: '/v1/session', headers: { 'x-test-tls': '1' } }),
      204,
      'sign out',
    )
    t.equal(
      String(out.headers['set-cookie']),
      'pc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
      'sign-out clears the cookie',
    )
  },
)

t.test(
  'when a session is idle for 30 minutes, then it ends (401 SESSION_EXPIRED); each request slides the ' +
    'window, writing at most once a minute',
  async (t) => {
    const u = await userWithPassword(app, 'auditor', {}, { oneTime: false })
    const first = expectStatus(await signIn(app, u.username, u.password), 201, 'sign in')
    const s = { cookie: sessionCookieOf(first), csrf: first.json().csrfToken as string }
    const id = Number(lastSession(u.userId).id)
    const seen = () => String(sessionRow(id).last_seen_at)
    const signedAt = seen()
    clock += 30_000
    expectStatus(await withSession(app, s, { method: 'GET', url: '/v1/business-date' }), 200, 'within the minute')
    t.equal(seen(), signedAt, 'not written within the first minute')
    clock += minutes(29)
    expectStatus(
      await withSession(app, s, { method: 'GET', url: '/v1/business-date' }),
      200,
      '29.5 minutes after sign-in: still open',
    )
    t.equal(seen(), new Date(clock).toISOString(), 'the touch is written once the last is over a minute old')
    const current = expectStatus(
      await withSession(app, s, { method: 'GET', url: '/v1/session' }),
      200,
      'session',
    ).json()
    t.equal(current.idleExpiresAt, new Date(clock + SESSION_IDLE_MS).toISOString(), 'the idle end slid')
    clock += minutes(29)
    expectStatus(
      await withSession(app, s, { method: 'GET', url: '/v1/business-date' }),
      200,
      '29 more minutes: still open (the window slid)',
    )
    clock += SESSION_IDLE_MS
    const expired = await withSession(app, s, { method: 'GET', url: '/v1/business-date' })
    t.equal(expired.statusCode, 401)
    t.equal(expired.json().code, 'SESSION_EXPIRED')
    t.match(sessionRow(id), { end_reason: 'idle' }, 'the session row is ended')
    t.equal(
      (await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).json().code,
      'SESSION_EXPIRED',
      'and stays expired',
    )
  },
)

t.test('when a session is 10 hours old, then it ends however active it was (absolute expiry)', async (t) => {
  const u = await userWithPassword(app, 'auditor', {}, { oneTime: false })
  const res = expectStatus(await signIn(app, u.username, u.password), 201, 'sign in')
  const s = { cookie: sessionCookieOf(res), csrf: res.json().csrfToken as string }
  const end = clock + SESSION_ABSOLUTE_MS
  while (clock + minutes(20) < end) {
    clock += minutes(20)
    if ((await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).statusCode !== 200) break
  }
  t.equal(
    (await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).statusCode,
    200,
    'active every 20 minutes: open until the 10th hour',
  )
  t.equal(res.json().idleExpiresAt <= res.json().absoluteExpiresAt, true)
  clock = end
  const expired = await withSession(app, s, { method: 'GET', url: '/v1/business-date' })
  t.equal(expired.statusCode, 401)
  t.equal(expired.json().code, 'SESSION_EXPIRED')
  t.match(lastSession(u.userId), { end_reason: 'absolute' })
})

t.test('sign-out ends the session (audited) and clears the cookie; the cookie is refused afterwards', async (t) => {
  const s = await signedIn(ta, 'finance')
  const out = await withSession(app, s, { method: 'DELETE', url: '/v1/session' })
  t.equal(out.statusCode, 204)
  t.match(String(out.headers['set-cookie']), /^pc_session=; .*Max-Age=0/)
  const after = await withSession(app, s, { method: 'GET', url: '/v1/business-date' })
  t.equal(after.statusCode, 401)
  t.equal(after.json().code, 'UNAUTHORIZED')
  t.match(lastSession(s.userId), { end_reason: 'signed_out' })
  t.match(audits('session.sign_out').at(-1), { userId: s.userId, entityId: String(s.userId) })
  t.ok(
    audits('session.sign_in').some((a) => a.userId === s.userId),
    'the sign-in is audited too',
  )
})

t.test(
  "CSRF: a state-changing request with the cookie but without the session's x-csrf-token is refused (403 " +
    'CSRF_TOKEN_INVALID) and writes nothing',
  async (t) => {
    const s = await signedIn(ta, 'partnerA')
    const payload = {
      nationalId: nationalId(),
      headName: 'Phạm Thị Lan',
      groupId: world.groupA,
      area: 'rural',
      address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
    }
    const before = rowCounts(app)
    for (const [csrf, what] of [
      [false, 'no header'],
      ['x'.repeat(43), 'a wrong token'],
      ['', 'an empty header'],
    ] as const) {
      const res = await withSession(app, s, { method: 'POST', url: '/v1/households', payload }, csrf)
      t.equal(res.statusCode, 403, `${what} → 403`)
      t.equal(res.json().code, 'CSRF_TOKEN_INVALID')
    }
    const other = await signedIn(ta, 'partnerA2')
    t.equal(
      (await withSession(app, s, { method: 'POST', url: '/v1/households', payload }, other.csrf)).statusCode,
      403,
      "another session's token → 403",
    )
    const out = await withSession(app, s, { method: 'DELETE', url: '/v1/session' }, false)
    t.equal(out.json().code, 'CSRF_TOKEN_INVALID', 'sign-out needs it too')
    t.same(
      rowCounts(app),
      {
        ...before,
        staff_sessions: before.staff_sessions! + 1,
        user_passwords: before.user_passwords! + 1,
        audit_log: before.audit_log! + 3,
      },
      "nothing written (but the other user's sign-in)",
    )
    t.equal(
      (await withSession(app, s, { method: 'GET', url: '/v1/households' })).statusCode,
      200,
      'reads need no token',
    )
    expectStatus(
      await withSession(app, s, { method: 'POST', url: '/v1/households', payload }),
      201,
      'with the token the write goes through',
    )
  },
)

t.test(
  'Bearer unaffected: a request with an Authorization header ignores the cookie and needs no CSRF token',
  async (t) => {
    const s = await signedIn(ta, 'partnerA')
    const householdB = await householdWithStatus(ta, { group: 'groupB' })
    // partnerA's cookie + officerB's key: officerB decides (branch B's household is visible to officerB only).
    const both = await ta.as('officerB', {
      method: 'GET',
      url: `/v1/households/${householdB}`,
      headers: { cookie: s.cookie },
    })
    t.equal(both.statusCode, 200, "the key's user, not the cookie's")
    const write = await ta.as('officerB', {
      method: 'POST',
      url: `/v1/households/${householdB}/poverty-status`,
      payload: { status: 'near_poor', effectiveDate: '2021-01-01', decisionNo: unique('QD') },
      headers: { cookie: s.cookie },
    })
    t.equal(write.statusCode, 201, 'a Bearer write needs no CSRF token, even with a cookie')
    const badKey = await app.inject({
      method: 'GET',
      url: '/v1/business-date',
      headers: { cookie: s.cookie, authorization: 'Bearer pc_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    })
    t.equal(badKey.statusCode, 401, 'a wrong key is not rescued by a valid cookie')
    t.equal(badKey.json().code, 'UNAUTHORIZED')
    for (const [method, url] of [
      ['GET', '/v1/session'],
      ['DELETE', '/v1/session'],
    ] as const) {
      const res = await ta.as('admin', { method, url })
      t.equal(res.statusCode, 404, `${method} ${url} with a key → 404 (a key has no session)`)
    }
    const keyChange = await ta.as('admin', {
      method: 'POST',
      url: '/v1/session/password',
      payload: { currentPassword: 'x', newPassword: 'yyyyyyyyyyyy' },
    })
    t.equal(keyChange.statusCode, 404, 'password change with a key → 404')
  },
)

t.test('when a user is deactivated, then their sessions end at once; reactivation does not revive them', async (t) => {
  const s = await signedIn(ta, 'managerA2')
  const s2 = {
    ...s,
    ...(await (async () => {
      const res = expectStatus(await signIn(app, s.username, s.password), 201, 'second session')
      return { cookie: sessionCookieOf(res), csrf: res.json().csrfToken as string }
    })()),
  }
  expectStatus(await withSession(app, s, { method: 'GET', url: '/v1/business-date' }), 200, 'open')
  expectStatus(
    await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${s.userId}/deactivate`,
      payload: { reason: 'Chuyển công tác' },
    }),
    200,
    'deactivate',
  )
  for (const x of [s, s2]) {
    const res = await withSession(app, x, { method: 'GET', url: '/v1/business-date' })
    t.equal(res.statusCode, 401, 'refused on the very next request')
    t.equal(res.json().code, 'UNAUTHORIZED')
  }
  const rows = app.sqlite
    .prepare('SELECT end_reason AS reason FROM staff_sessions WHERE user_id = ? AND ended_at IS NULL')
    .all(s.userId)
  t.same(rows, [], 'every session of the user is ended')
  t.ok(
    (app.sqlite
      .prepare("SELECT COUNT(*) FROM staff_sessions WHERE user_id = ? AND end_reason = 'deactivated'")
      .pluck()
      .get(s.userId) as number) >= 2,
  )
  const refused = await signIn(app, s.username, s.password)
  t.equal(refused.statusCode, 401, 'a deactivated user cannot sign in')
  t.equal(refused.json().code, 'INVALID_CREDENTIALS')
  expectStatus(await ta.as('admin', { method: 'POST', url: `/v1/users/${s.userId}/reactivate` }), 200, 'reactivate')
  t.equal(
    (await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).statusCode,
    401,
    'the old session stays ended',
  )
  expectStatus(await signIn(app, s.username, s.password), 201, 'signing in again works')
})

t.test("when the password is changed, then the user's other sessions end; an admin reset ends them all", async (t) => {
  const s = await signedIn(ta, 'auditor')
  const otherRes = expectStatus(await signIn(app, s.username, s.password), 201, 'another browser')
  const other = { cookie: sessionCookieOf(otherRes), csrf: otherRes.json().csrfToken as string }
  expectStatus(
    await withSession(app, s, {
      method: 'POST',
      url: '/v1/session/password',
      payload: { currentPassword: s.password, newPassword: 'kiểm toán viên 2026' },
    }),
    200,
    'change',
  )
  t.equal(
    (await withSession(app, other, { method: 'GET', url: '/v1/business-date' })).statusCode,
    401,
    'the other session ended',
  )
  t.equal((await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).statusCode, 200, 'this one goes on')
  await setPassword(ta, s.userId)
  t.equal(
    (await withSession(app, s, { method: 'GET', url: '/v1/business-date' })).statusCode,
    401,
    'a reset by the admin ends every session',
  )
  t.same(
    app.sqlite
      .prepare('SELECT end_reason FROM staff_sessions WHERE user_id = ? ORDER BY id')
      .pluck()
      .all(s.userId)
      .slice(-2),
    ['password_reset', 'password_changed'],
    'why each ended',
  )
})

t.test(
  'a wrong password and an unknown username are indistinguishable: same status, code and body, same scrypt ' +
    'work; both audited',
  async (t) => {
    const u = await userWithPassword(app)
    const noPassword = app.commands.runNow(
      (ctx) => ({
        statusCode: 201,
        body: createUser(ctx, { name: 'Không mật khẩu', role: 'auditor', username: newUsername('nopw') }),
      }),
      SYSTEM,
    ).body
    const answers: { what: string; status: number; body: string; ms: number }[] = []
    const attempt = async (what: string, username: string, password: string) => {
      const started = performance.now()
      const res = await signIn(app, username, password)
      answers.push({
        what,
        status: res.statusCode,
        body: JSON.stringify({ ...res.json(), instance: undefined }),
        ms: performance.now() - started,
      })
      t.equal(res.headers['set-cookie'], undefined, `${what}: no cookie`)
    }
    const before = audits('session.sign_in_failed').length
    for (let i = 0; i < 4; i++) {
      await attempt('wrong password', u.username, 'sai-mật-khẩu-rồi')
      await attempt('unknown username', `khong-co-ai-${i}`, 'sai-mật-khẩu-rồi')
      await attempt('user without a password', noPassword.username!, 'sai-mật-khẩu-rồi')
    }
    t.same(new Set(answers.map((a) => a.status)), new Set([401]), 'all 401')
    t.equal(new Set(answers.map((a) => a.body)).size, 1, 'one and the same body')
    t.equal(JSON.parse(answers[0]!.body).code, 'INVALID_CREDENTIALS')
    const median = (what: string) =>
      answers
        .filter((a) => a.what === what)
        .map((a) => a.ms)
        .sort((a, b) => a - b)[2]!
    const [unknown, wrong] = [median('unknown username'), median('wrong password')]
    t.ok(
      unknown > wrong / 3,
      `an unknown username costs the scrypt work too (${unknown.toFixed(1)} ms vs ${wrong.toFixed(1)} ms)`,
    )
    const failed = audits('session.sign_in_failed').slice(before)
    t.equal(failed.length, 12, 'every failure audited')
    t.same(
      failed.filter((a) => JSON.parse(a.after).reason === 'wrong_password').map((a) => a.userId),
      [u.userId, u.userId, u.userId, u.userId],
      'with the user id when the username is known',
    )
    t.same(
      failed.filter((a) => JSON.parse(a.after).reason === 'unknown_username').map((a) => a.userId),
      [null, null, null, null],
      'without one when not',
    )
    t.notOk(
      failed.some((a) => a.after.includes('sai-mật-khẩu-rồi')),
      'never the password',
    )
    const username = await signIn(app, u.username.toUpperCase(), u.password)
    t.equal(username.statusCode, 201, 'the username is not case-sensitive')
  },
)

t.test('a hash made with older scrypt parameters still signs in and is remade with the current ones', async (t) => {
  const u = await userWithPassword(app)
  const salt = randomBytes(16)
  const oldKey = scryptSync(u.password, salt, 32, { N: 1024, r: 8, p: 1 })
  const old = `scrypt$1024$8$1$${salt.toString('base64url')}$${oldKey.toString('base64url')}`
  app.sqlite.prepare('UPDATE user_passwords SET hash = ? WHERE user_id = ?').run(old, u.userId)
  expectStatus(await signIn(app, u.username, u.password), 201, 'the old hash verifies')
  t.match(
    app.sqlite.prepare('SELECT hash FROM user_passwords WHERE user_id = ?').pluck().get(u.userId),
    /^scrypt\$32768\$8\$1\$/,
    'rehashed',
  )
  expectStatus(await signIn(app, u.username, u.password), 201, 'and the new hash verifies')
})

t.test(
  "scopes through a cookie are the same as through a key: a partner officer sees only its partner's households",
  async (t) => {
    const mine = await householdWithStatus(ta, { group: 'groupA' })
    const theirs = await householdWithStatus(ta, { group: 'groupA2' })
    const s = await signedIn(ta, 'partnerA')
    const viaKey = expectStatus(
      await ta.as('partnerA', { method: 'GET', url: '/v1/households?limit=500' }),
      200,
      'key list',
    ).json()
    const viaCookie = expectStatus(
      await withSession(app, s, { method: 'GET', url: '/v1/households?limit=500' }),
      200,
      'cookie list',
    ).json()
    t.same(viaCookie, viaKey, 'the same list')
    t.ok(
      viaCookie.items.every((h: { partnerId: number }) => h.partnerId === world.partnerA),
      "only partner A's",
    )
    t.ok(viaCookie.items.some((h: { id: number }) => h.id === mine))
    t.equal(
      (await withSession(app, s, { method: 'GET', url: `/v1/households/${mine}` })).statusCode,
      200,
      'its own household',
    )
    const other = await withSession(app, s, { method: 'GET', url: `/v1/households/${theirs}` })
    t.equal(other.statusCode, 404, "another partner's household: 404, as with the key")
    t.equal((await ta.as('partnerA', { method: 'GET', url: `/v1/households/${theirs}` })).statusCode, 404)
    const before = rowCounts(app)
    const role = await withSession(app, s, {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-X', name: 'X', province: 'Huế' },
    })
    t.equal(role.statusCode, 403, 'a route of another role: 403 FORBIDDEN, as with the key')
    t.equal(role.json().code, 'FORBIDDEN')
    t.same(rowCounts(app), before)
    const audit = expectStatus(
      await withSession(app, s, {
        method: 'POST',
        url: `/v1/households/${mine}/changes`,
        payload: { field: 'village', value: 'Thôn 2', effectiveDate: '2026-06-30', reason: 'x' },
      }),
      403,
      'partner may not record changes',
    )
    t.equal(audit.json().code, 'FORBIDDEN')
  },
)

t.test(
  'the failed-authentication limit applies to failed sign-ins (per address) with 429 and Retry-After, ' +
    'shared with bad keys',
  async (t) => {
    const limited = await buildApp({
      databaseFile: ':memory:',
      initialBusinessDate: '2026-06-30',
      authFailuresPerMinute: 3,
    })
    t.teardown(() => limited.close())
    const u = await userWithPassword(limited, 'admin')
    const from = (remoteAddress: string, password: string) => signIn(limited, u.username, password, { remoteAddress })
    for (let i = 1; i <= 2; i++)
      t.equal((await from('10.0.0.1', 'sai-mật-khẩu')).statusCode, 401, `failed sign-in ${i} → 401`)
    const badKey = await limited.inject({
      method: 'GET',
      url: '/v1/branches',
      remoteAddress: '10.0.0.1',
      headers: { authorization: 'Bearer pc_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    })
    t.equal(badKey.statusCode, 401, 'a wrong key from the same address: the third failure')
    const audited = limited.sqlite
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed'")
      .pluck()
      .get()
    const refused = await from('10.0.0.1', u.password)
    t.equal(refused.statusCode, 429, 'over the budget: refused even with the right password')
    t.equal(refused.json().code, 'TOO_MANY_REQUESTS')
    t.match(refused.headers['content-type'], /^application\/problem\+json/)
    t.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After says when to come back')
    t.equal(refused.headers['set-cookie'], undefined, 'no session')
    t.equal(
      limited.sqlite.prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'session.sign_in_failed'").pluck().get(),
      audited,
      'a refused attempt checks nothing',
    )
    t.equal(
      (await limited.inject({ method: 'GET', url: '/v1/branches', remoteAddress: '10.0.0.1' })).statusCode,
      429,
      'and the address is limited for keys too',
    )
    expectStatus(await from('10.0.0.2', u.password), 201, 'another address signs in')
  },
)

t.test(
  "CLI: create-admin-key prints the API key, a first admin's username and one-time password, which signs in " +
    'and must be changed',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-cli-signin-'))
    t.teardown(() => rmSync(dir, { recursive: true, force: true }))
    const file = join(dir, 'cli.db')
    const cli = (...args: string[]) =>
      execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
        env: { ...process.env, DATABASE_FILE: file },
        encoding: 'utf8',
      })
    const out = cli('create-admin-key', 'Quản trị viên')
    const username = /Sign in \(web console\) as: (\S+)/.exec(out)?.[1]
    const password = /One-time password[^\n]*\n(\S+)/.exec(out)?.[1]
    t.equal(username, 'admin', 'the first admin is "admin"')
    t.ok(password && /pc_[0-9a-f]{12}_/.test(out), 'an API key and a one-time password')
    t.match(cli('create-admin-key', 'Second'), /as: admin2\n/, 'the next one is admin2')
    const fileApp = await buildApp({ databaseFile: file, initialBusinessDate: '2026-06-30' })
    t.teardown(() => fileApp.close())
    const res = expectStatus(await signIn(fileApp, username!, password!), 201, 'sign in with it')
    t.equal(res.json().mustChangePassword, true)
    t.equal(res.json().user.role, 'admin')
  },
)

t.test('an admin key created for a user with a password: both credentials work side by side', async (t) => {
  const u = await userWithPassword(app, 'finance')
  const key = app.commands.runNow(
    (ctx) => ({ statusCode: 201, body: createApiKey(ctx, u.userId, 'integration') }),
    SYSTEM,
  ).body.key
  const res = expectStatus(await signIn(app, u.username, u.password), 201, 'sign in')
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/ledger/trial-balance', headers: { authorization: `Bearer ${key}` } }))
      .statusCode,
    200,
    'the key works while a one-time password is pending (keys are for integrations)',
  )
  const blocked = await withSession(
    app,
    { cookie: sessionCookieOf(res), csrf: res.json().csrfToken },
    { method: 'GET', url: '/v1/ledger/trial-balance' },
  )
  t.equal(blocked.json().code, 'PASSWORD_CHANGE_REQUIRED', 'the cookie does not')
})
