/**
 * Staff sessions: sign in with a username and password, the current session, sign out, change the
 * password (docs/operations.md "Signing in (staff)"). The cookie's token is random (256 bits); only
 * its SHA-256 is stored. Password checks (scrypt) are asynchronous and run before the command; the
 * command writes the session, the password and the audit in one transaction.
 *
 * Errors: INVALID_CREDENTIALS (wrong username or password, a user without a password or deactivated:
 * one code and the same work for all, so nobody learns which usernames exist), TOO_MANY_REQUESTS
 * (the address's failed-authentication budget is used up), NOT_FOUND (no session: the request was
 * authenticated by an API key), CURRENT_PASSWORD_INVALID, PASSWORD_TOO_WEAK, INVALID_STATE (the
 * password changed meanwhile).
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../platform/errors.js'
import {
  SESSION_ABSOLUTE_MS,
  SESSION_COOKIE,
  idleExpiry,
  newSessionToken,
  type Actor,
  type StaffSession,
} from '../../platform/auth.js'
import type { Db } from '../../platform/database.js'
import { assertAcceptablePassword, dummyHash, hashPassword, needsRehash, verifyPassword } from './passwords.js'
import {
  accountById,
  accountByUsername,
  endOpenSessions,
  endSession,
  insertAuditRow,
  insertSession,
  replacePassword,
  usernameOf,
  type Account,
} from './queries.js'

export type EndReason = 'signed_out' | 'idle' | 'absolute' | 'password_changed' | 'password_reset' | 'deactivated'

/** Ends every open session of a user (but `exceptSessionId`); returns how many. Used inside commands. */
export function endSessions(db: Db, userId: number, reason: EndReason, exceptSessionId?: number): number {
  return endOpenSessions(db, userId, reason, exceptSessionId)
}

/**
 * The Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure over TLS; no Max-Age (the browser drops it when
 * closed).
 */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

/** The Set-Cookie value that removes the cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`
}

export interface SessionView {
  user: {
    id: number
    name: string
    username: string | null
    role: string
    branchId: number | null
    partnerId: number | null
    officeId: number | null
  }
  mustChangePassword: boolean
  csrfToken: string
  idleExpiresAt: string
  absoluteExpiresAt: string
}

function view(
  actor: Actor,
  username: string | null,
  session: Pick<StaffSession, 'csrfToken' | 'mustChangePassword' | 'lastSeenAt' | 'expiresAt'>,
): SessionView {
  return {
    user: {
      id: actor.userId,
      name: actor.name,
      username,
      role: actor.role,
      branchId: actor.branchId,
      partnerId: actor.partnerId,
      officeId: actor.officeId ?? null,
    },
    mustChangePassword: session.mustChangePassword,
    csrfToken: session.csrfToken,
    idleExpiresAt: idleExpiry(session),
    absoluteExpiresAt: session.expiresAt,
  }
}

const actorOf = (a: Account): Actor => ({
  userId: a.id,
  name: a.name,
  role: a.role,
  branchId: a.branchId,
  partnerId: a.partnerId,
  officeId: a.officeId,
})

/** The current session (NOT_FOUND when the request came with an API key). */
export function requireSession(request: FastifyRequest): StaffSession {
  if (!request.staffSession)
    throw new DomainError(
      'NOT_FOUND',
      'There is no session: this request was authenticated by an API key (sessions are for staff signed in ' +
        'with a password)',
    )
  return request.staffSession
}

/**
 * POST /v1/session. Refused at once (429) when the address has used its failed-authentication
 * budget; a failed attempt counts against it and is audited (`session.sign_in_failed`, with the
 * user id when the username exists, never the password). On success: a new session, the cookie,
 * audit `session.sign_in`; a hash made with older scrypt parameters is remade.
 */
export async function signIn(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { username: string; password: string },
  now: () => Date,
): Promise<SessionView> {
  await app.authFailures.refuseIfExhausted(request, reply)
  const username = input.username.trim().toLowerCase()
  const found = username ? accountByUsername(app.db, username) : undefined
  // The same scrypt work whether the username exists or not.
  const ok = await verifyPassword(input.password, found?.hash ?? (await dummyHash()))
  const reason = !found
    ? 'unknown_username'
    : !found.active
      ? 'deactivated'
      : found.hash === null
        ? 'no_password'
        : !ok
          ? 'wrong_password'
          : null
  if (reason || !found) {
    await app.authFailures.count(request)
    await app.commands.enqueue(
      (ctx) => {
        // Written directly: an unknown username has no user id (user_id stays null).
        insertAuditRow(ctx.db, {
          at: new Date().toISOString(),
          userId: found?.id ?? null,
          action: 'session.sign_in_failed',
          entity: 'user',
          entityId: String(found?.id ?? 'unknown'),
          after: JSON.stringify({ reason, ip: request.ip }),
          requestId: ctx.requestId,
        })
        return { statusCode: 401, body: null }
      },
      { userId: found?.id ?? 0, name: 'sign-in', role: 'auditor', branchId: null, partnerId: null },
      request.id,
    )
    throw new DomainError('INVALID_CREDENTIALS', 'The username or the password is wrong')
  }
  const rehash = needsRehash(found.hash!) ? await hashPassword(input.password) : null
  const { token, hash } = newSessionToken()
  const at = now()
  const session = {
    tokenHash: hash,
    userId: found.id,
    csrfToken: randomBytes(32).toString('base64url'),
    createdAt: at.toISOString(),
    lastSeenAt: at.toISOString(),
    expiresAt: new Date(at.getTime() + SESSION_ABSOLUTE_MS).toISOString(),
    ip: request.ip,
  }
  const actor = actorOf(found)
  const { body } = await app.commands.enqueue(
    (ctx) => {
      const row = insertSession(ctx.db, session)
      if (rehash) replacePassword(ctx.db, found.id, found.hash!, { hash: rehash })
      ctx.audit({
        action: 'session.sign_in',
        entity: 'user',
        entityId: found.id,
        after: { sessionId: row.id, ip: request.ip, mustChangePassword: found.mustChange === true },
      })
      return {
        statusCode: 201,
        body: view(actor, found.username, { ...session, mustChangePassword: found.mustChange === true }),
      }
    },
    actor,
    request.id,
  )
  reply.header('set-cookie', sessionCookie(token, request.protocol === 'https'))
  return body
}

/** GET /v1/session. */
export function currentSession(db: Db, request: FastifyRequest): SessionView {
  const session = requireSession(request)
  const username = usernameOf(db, session.userId)
  return view(request.actor, username, session)
}

/** DELETE /v1/session: the session ends (audit `session.sign_out`) and the cookie is cleared. */
export async function signOut(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = requireSession(request)
  await app.commands.enqueue(
    (ctx) => {
      endSession(ctx.db, session.id, 'signed_out')
      ctx.audit({
        action: 'session.sign_out',
        entity: 'user',
        entityId: session.userId,
        after: { sessionId: session.id },
      })
      return { statusCode: 204, body: null }
    },
    request.actor,
    request.id,
  )
  reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'))
}

/**
 * POST /v1/session/password: the current password (a wrong one counts as a failed authentication),
 * then the policy (PASSWORD_TOO_WEAK); the new hash replaces the old, mustChangePassword is cleared
 * and the user's OTHER sessions end (audit `user.password_change`, never a password).
 */
export async function changePassword(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  input: { currentPassword: string; newPassword: string },
): Promise<SessionView> {
  const session = requireSession(request)
  await app.authFailures.refuseIfExhausted(request, reply)
  const found = accountById(app.db, session.userId)
  if (!found?.hash) throw new DomainError('INVALID_STATE', 'This user has no password')
  if (!(await verifyPassword(input.currentPassword, found.hash))) {
    await app.authFailures.count(request)
    throw new DomainError('CURRENT_PASSWORD_INVALID', 'currentPassword is not the current password', {
      errors: [{ field: 'body.currentPassword', message: 'is not the current password' }],
    })
  }
  assertAcceptablePassword(input.newPassword, found.username, input.currentPassword)
  const newHash = await hashPassword(input.newPassword)
  const { body } = await app.commands.enqueue(
    (ctx) => {
      const changed = replacePassword(ctx.db, session.userId, found.hash!, {
        hash: newHash,
        mustChange: false,
        setAt: new Date().toISOString(),
        setBy: session.userId,
      })
      if (changed !== 1) throw new DomainError('INVALID_STATE', 'The password was changed meanwhile; sign in again')
      const endedSessions = endSessions(ctx.db, session.userId, 'password_changed', session.id)
      ctx.audit({
        action: 'user.password_change',
        entity: 'user',
        entityId: session.userId,
        after: { sessionId: session.id, endedSessions },
      })
      return { statusCode: 200, body: view(request.actor, found.username, { ...session, mustChangePassword: false }) }
    },
    request.actor,
    request.id,
  )
  return body
}

/** Prepared at start so the first unknown username costs no more than the others. */
export function warmUp(): void {
  void dummyHash()
}

/** Hash a password for a command that sets it (users/service.ts, the CLI). */
export { hashPassword }
