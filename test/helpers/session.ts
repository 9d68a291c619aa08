/**
 * Staff sign-in for tests: one-time passwords set by the admin key, sign-in, the session cookie,
 * and requests made with it (the CSRF header added on writes unless told otherwise).
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { KeyName, TestApp } from './app.js'
import { SYSTEM } from './app.js'
import { expectStatus, unique } from './origination.js'
import { createUser, setOneTimePassword } from '../../src/modules/users/service.js'
import { hashPassword } from '../../src/modules/session/passwords.js'
import type { Role } from '../../src/platform/auth.js'

export interface Signed {
  /** "pc_session=<token>", for the Cookie header */
  cookie: string
  csrf: string
  username: string
  password: string
  userId: number
  body: Record<string, unknown>
}

/** "pc_session=<token>" from a response's Set-Cookie. */
export function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = res.headers['set-cookie']
  const line = (Array.isArray(header) ? header : [header ?? '']).find((h) => h.startsWith('pc_session='))
  if (!line) throw new Error(`no pc_session cookie in ${JSON.stringify(header)}`)
  return line.split(';')[0]!
}

/** A username no other test of this process uses. */
export const newUsername = (prefix = 'user') =>
  unique(prefix)
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')

/** POST /v1/users/{id}/password by the admin key: the one-time password. */
export async function setPassword(
  ta: TestApp,
  userId: number,
  username?: string,
): Promise<{ username: string; password: string }> {
  const res = expectStatus(
    await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${userId}/password`,
      payload: username ? { username } : {},
    }),
    200,
    'set one-time password',
  )
  return { username: res.json().username, password: res.json().oneTimePassword }
}

export function signIn(
  app: FastifyInstance,
  username: string,
  password: string,
  extra: Partial<InjectOptions> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ ...extra, method: 'POST', url: '/v1/session', payload: { username, password } } as InjectOptions)
}

/**
 * The user behind a world key signed in, with a password of their own already set (the one-time
 * password changed), unless `keepOneTime`.
 */
export async function signedIn(ta: TestApp, who: KeyName, opts: { keepOneTime?: boolean } = {}): Promise<Signed> {
  const userId = ta.world.userIds[who]
  const row = ta.app.sqlite.prepare('SELECT username FROM users WHERE id = ?').get(userId) as {
    username: string | null
  }
  const otp = await setPassword(ta, userId, row.username ? undefined : newUsername(who))
  const first = expectStatus(await signIn(ta.app, otp.username, otp.password), 201, `sign in ${who}`)
  let signed: Signed = {
    cookie: sessionCookieOf(first),
    csrf: first.json().csrfToken,
    username: otp.username,
    password: otp.password,
    userId,
    body: first.json(),
  }
  if (opts.keepOneTime) return signed
  const password = `${who}-mật-khẩu-${unique('pw')}`
  const changed = expectStatus(
    await withSession(ta.app, signed, {
      method: 'POST',
      url: '/v1/session/password',
      payload: { currentPassword: otp.password, newPassword: password },
    }),
    200,
    'change password',
  )
  signed = { ...signed, password, body: changed.json() }
  return signed
}

/** A request with the session cookie; writes carry x-csrf-token unless `csrf: false` (or another value). */
export function withSession(
  app: FastifyInstance,
  s: Pick<Signed, 'cookie' | 'csrf'>,
  opts: InjectOptions,
  csrf: string | false = s.csrf,
): Promise<LightMyRequestResponse> {
  const write = !['GET', 'HEAD'].includes(String(opts.method ?? 'GET').toUpperCase())
  return app.inject({
    ...opts,
    headers: {
      cookie: s.cookie,
      ...(write && csrf !== false ? { 'x-csrf-token': csrf } : {}),
      ...(opts.headers ?? {}),
    },
  })
}

/**
 * A new user with a username and a one-time password, straight through the services (no HTTP);
 * `oneTime: false`: a password of their own (nothing to change at sign-in).
 */
export async function userWithPassword(
  app: FastifyInstance,
  role: Role = 'auditor',
  scope: { branchId?: number; partnerId?: number; officeId?: number } = {},
  opts: { oneTime?: boolean } = {},
): Promise<{ userId: number; username: string; password: string }> {
  const password = `otp-${unique('pw')}`
  const hash = await hashPassword(password)
  const username = newUsername(role)
  const userId = app.commands.runNow((ctx) => {
    const user = createUser(ctx, { name: `Người dùng ${username}`, role, username, ...scope })
    setOneTimePassword(ctx, user.id, undefined, hash)
    if (opts.oneTime === false)
      ctx.sqlite.prepare('UPDATE user_passwords SET must_change = 0 WHERE user_id = ?').run(user.id)
    return { statusCode: 201, body: user.id }
  }, SYSTEM).body
  return { userId, username, password }
}
