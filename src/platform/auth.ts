/**
 * Authentication and authorisation.
 *
 * API keys look like `pc_<keyId>_<secret>`; only HMAC-SHA256(salt, secret) is
 * stored and it is compared in constant time. The key is shown once, when made.
 *
 * Staff signed in with a password (POST /v1/session) send instead the cookie
 * `pc_session`: a random 256-bit token of which only the SHA-256 is stored
 * (staff_sessions). A cookie session is the same Actor as a key of that user;
 * a request with an Authorization header ignores the cookie. State-changing
 * requests authenticated by the cookie must carry `x-csrf-token` (the
 * session's token); a session whose password is a one-time password may only
 * read itself, sign out and change the password.
 *
 * Every route declares who may call it in `config.auth`: a list of roles, or
 * 'public'. A route that declares nothing is refused (default deny). Scope
 * (own branch / own partner) is checked by the services, against the entity
 * (one rule: scope.ts).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type Database from 'better-sqlite3'
import { DomainError } from './errors.js'
import { ROLES } from '../db/schema.js'

export type Role = (typeof ROLES)[number]

export interface Actor {
  userId: number
  name: string
  role: Role
  branchId: number | null
  partnerId: number | null
  /** The user's scope node above a branch (a province office, the head office), when it is one. */
  officeId?: number | null
  /**
   * The scope resolved at sign-in from the organisation tree (docs/rules.md §21): the branches under the user's
   * office, or the user's partner and every partner under it. Undefined: just branchId / partnerId.
   */
  branchIds?: readonly number[]
  partnerIds?: readonly number[]
  /** With branchIds for a user scoped to an office: that office and every office under it (a province union's). */
  officeIds?: readonly number[]
}

export type RouteAuth = 'public' | readonly Role[]

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
    /** The route stays open to a session that must change its one-time password first. */
    duringPasswordChange?: boolean
  }
  interface FastifyRequest {
    actor: Actor
    /** The staff session when the request was authenticated by the session cookie, else null. */
    staffSession: StaffSession | null
    /** The credentials found once by the rate limiter and reused by auth (undefined: not looked at yet). */
    credentials?: Credentials
  }
}

// The role lists, defined once (routes' `config.auth` and the scope rule in scope.ts use them).
/** Every role: what anyone signed in may read (the services then narrow it to the actor's scope). */
export const ALL_ROLES: readonly Role[] = ROLES
/** Roles that may read across all branches and partners. */
export const READ_ALL_ROLES: readonly Role[] = ['admin', 'finance', 'auditor']
/** Staff of one branch, who handle cash at its points (the scope rule gives them their branch). */
export const BRANCH_ROLES: readonly Role[] = ['branch_officer', 'branch_manager']
/** Who records what the branch decides (household changes, commune decisions): branch staff and admin. */
export const BRANCH_STAFF_ROLES: readonly Role[] = ['admin', ...BRANCH_ROLES]
/**
 * Who registers households and keeps their accounts: branch staff, admin and partner officers (their own groups).
 */
export const REGISTRAR_ROLES: readonly Role[] = [...BRANCH_STAFF_ROLES, 'partner_officer']
/** Who approves what an officer proposed (four eyes): branch managers and admin. */
export const APPROVER_ROLES: readonly Role[] = ['branch_manager', 'admin']

/**
 * Resolves a user's scope from the organisation tree once per authentication (docs/rules.md §21): branch staff
 * and supervisors with an office see every branch whose district office lies under it (the closure table: one
 * indexed read; the offices under it too, for what stands beside an office above the districts: a province union);
 * a partner officer sees its partner and every partner under it in the partner's own tree. Users
 * scoped to one branch keep the plain branchId (no read). A cached API key is dropped when users, offices, branches
 * or partners change (auth_version triggers), so a new district shows up in its province manager's scope at once.
 */
export function scopeResolver(sqlite: Database.Database) {
  const branchesUnder = sqlite
    .prepare(
      `SELECT b.id FROM branches b JOIN office_paths op ON op.descendant_id = b.office_id
        WHERE op.ancestor_id = ? ORDER BY b.id`,
    )
    .pluck()
  const officesUnder = sqlite
    .prepare('SELECT descendant_id FROM office_paths WHERE ancestor_id = ? ORDER BY descendant_id')
    .pluck()
  const partnersUnder = sqlite
    .prepare(
      `WITH RECURSIVE sub(id) AS (SELECT id FROM partners WHERE id = ?
          UNION SELECT p.id FROM partners p JOIN sub ON p.parent_id = sub.id)
        SELECT id FROM sub ORDER BY id`,
    )
    .pluck()
  return (actor: Actor): Actor => {
    if (actor.role === 'partner_officer' && actor.partnerId != null)
      return { ...actor, partnerIds: partnersUnder.all(actor.partnerId) as number[] }
    if (actor.officeId != null && !READ_ALL_ROLES.includes(actor.role))
      return {
        ...actor,
        branchIds: branchesUnder.all(actor.officeId) as number[],
        officeIds: officesUnder.all(actor.officeId) as number[],
      }
    return actor
  }
}

function hashSecret(salt: string, secret: string): string {
  return createHmac('sha256', salt).update(secret).digest('hex')
}

export interface NewApiKey {
  id: string
  salt: string
  hash: string
  plaintext: string
}

export function generateApiKey(): NewApiKey {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(24).toString('base64url')
  const salt = randomBytes(16).toString('hex')
  return { id, salt, hash: hashSecret(salt, secret), plaintext: `pc_${id}_${secret}` }
}

const KEY_RE = /^pc_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/

interface KeyRow {
  salt: string
  hash: string
  userId: number
  name: string
  role: Role
  branchId: number | null
  partnerId: number | null
  officeId: number | null
}

const VERIFIED_KEY_CACHE_MAX = 10_000

/**
 * Verifies presented keys. A key already verified is answered from memory while
 * auth_version is unchanged: database triggers bump it on any change to
 * api_keys or users (revocation, deactivation, role), from any process, so a
 * revoked key fails on its very next request. The salted HMAC and the key/user
 * join cost more than the rest of a small request; one primary-key read does
 * not. Only successes are remembered, keyed by the whole presented token, so a
 * wrong secret never matches an entry.
 */
export function makeKeyVerifier(sqlite: Database.Database) {
  const lookup =
    sqlite.prepare(`SELECT k.salt, k.hash, u.id AS userId, u.name, u.role, u.branch_id AS branchId, u.partner_id
      AS partnerId, u.office_id AS officeId
    FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ? AND k.revoked_at IS NULL AND u.active
      = 1`)
  const authVersion = sqlite.prepare('SELECT version FROM auth_version WHERE id = 1').pluck()
  const verified = new Map<string, Actor>()
  let verifiedAt = -1
  const resolve = scopeResolver(sqlite)
  return (presented: string): Actor | null => {
    const version = authVersion.get() as number
    if (version !== verifiedAt) {
      verified.clear()
      verifiedAt = version
    }
    const known = verified.get(presented)
    if (known) return known
    const m = KEY_RE.exec(presented)
    if (!m) return null
    const row = lookup.get(m[1]) as KeyRow | undefined
    if (!row) return null
    const expected = Buffer.from(row.hash, 'hex')
    const actual = Buffer.from(hashSecret(row.salt, m[2]!), 'hex')
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null
    const actor: Actor = resolve({
      userId: row.userId,
      name: row.name,
      role: row.role,
      branchId: row.branchId,
      partnerId: row.partnerId,
      officeId: row.officeId,
    })
    if (verified.size >= VERIFIED_KEY_CACHE_MAX) verified.clear()
    verified.set(presented, actor)
    return actor
  }
}

/** The token of an `Authorization: Bearer <key>` header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer +(\S+)\s*$/i.exec(header)?.[1] : undefined
}

// ————————————————————————————————————————————— staff sessions (cookie)

export const SESSION_COOKIE = 'pc_session'
/** A session ends after 30 minutes without a request, and 10 hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 30 * 60_000
export const SESSION_ABSOLUTE_MS = 10 * 3_600_000
/** A request slides the idle window; the database is written only when the last touch is older than this. */
export const SESSION_TOUCH_MS = 60_000

export interface StaffSession {
  id: number
  userId: number
  csrfToken: string
  mustChangePassword: boolean
  createdAt: string
  lastSeenAt: string
  /** the absolute end */
  expiresAt: string
}

export interface Credentials {
  actor: Actor | null
  session: StaffSession | null
  /** Why there is no actor (the detail of the 401). */
  failure?: 'bad_key' | 'bad_session' | 'session_expired' | 'none'
}

/** A new session token (cookie value) and what is stored of it. */
export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url')
  return { token, hash: sessionTokenHash(token) }
}

export function sessionTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

const SESSION_TOKEN_RE = /^[A-Za-z0-9_-]{43}$/

/** The value of one cookie of a Cookie header (the first of that name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
  }
  return undefined
}

/** Idle end of a session last seen at `lastSeenAt` (never after the absolute end). */
export function idleExpiry(session: Pick<StaffSession, 'lastSeenAt' | 'expiresAt'>): string {
  const idle = Date.parse(session.lastSeenAt) + SESSION_IDLE_MS
  return new Date(Math.min(idle, Date.parse(session.expiresAt))).toISOString()
}

interface SessionRow {
  id: number
  csrfToken: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  endedAt: string | null
  endReason: string | null
  userId: number
  name: string
  role: Role
  branchId: number | null
  partnerId: number | null
  officeId: number | null
  active: number
  mustChange: number
}

/**
 * Verifies a session cookie. Not cached: one primary-key read joined with the user per request, so
 * a deactivation (or any end of the session) holds from the very next request in every process.
 * An expired session is ended on the spot (`idle` / `absolute`). The idle window slides with each
 * request; the database is touched at most once a minute per session (best effort: a busy database
 * only delays the touch), so the idle end is between 29 and 30 minutes after the last request.
 */
export function makeSessionVerifier(sqlite: Database.Database, now: () => Date = () => new Date()) {
  const lookup =
    sqlite.prepare(`SELECT s.id, s.csrf_token AS csrfToken, s.created_at AS createdAt, s.last_seen_at AS lastSeenAt,
      s.expires_at AS expiresAt,
      s.ended_at AS endedAt, s.end_reason AS endReason, u.id AS userId, u.name, u.role, u.branch_id AS branchId,
      u.partner_id AS partnerId, u.office_id AS officeId, u.active,
      COALESCE(p.must_change, 0) AS mustChange
    FROM staff_sessions s JOIN users u ON u.id = s.user_id LEFT JOIN user_passwords p ON p.user_id = u.id
      WHERE s.token_hash = ?`)
  const resolve = scopeResolver(sqlite)
  const end = sqlite.prepare('UPDATE staff_sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
  const touch = sqlite.prepare('UPDATE staff_sessions SET last_seen_at = ? WHERE id = ? AND ended_at IS NULL')
  const bestEffort = (write: () => unknown) => {
    try {
      write()
    } catch {
      /* the database is busy: the next request writes it */
    }
  }
  return (token: string): Pick<Credentials, 'actor' | 'session'> | 'expired' | null => {
    if (!SESSION_TOKEN_RE.test(token)) return null
    const row = lookup.get(sessionTokenHash(token)) as SessionRow | undefined
    if (!row || !row.active) return null
    if (row.endedAt !== null) return row.endReason === 'idle' || row.endReason === 'absolute' ? 'expired' : null
    const at = now()
    const t = at.getTime()
    const ended =
      t >= Date.parse(row.expiresAt) ? 'absolute' : t >= Date.parse(row.lastSeenAt) + SESSION_IDLE_MS ? 'idle' : null
    if (ended) {
      bestEffort(() => end.run(at.toISOString(), ended, row.id))
      return 'expired'
    }
    let lastSeenAt = row.lastSeenAt
    if (t - Date.parse(lastSeenAt) >= SESSION_TOUCH_MS) {
      lastSeenAt = at.toISOString()
      bestEffort(() => touch.run(lastSeenAt, row.id))
    }
    return {
      actor: resolve({
        userId: row.userId,
        name: row.name,
        role: row.role,
        branchId: row.branchId,
        partnerId: row.partnerId,
        officeId: row.officeId,
      }),
      session: {
        id: row.id,
        userId: row.userId,
        csrfToken: row.csrfToken,
        mustChangePassword: row.mustChange === 1,
        createdAt: row.createdAt,
        lastSeenAt,
        expiresAt: row.expiresAt,
      },
    }
  }
}

/**
 * The credentials of a request: the API key when there is an Authorization header (the cookie is
 * then ignored), else the session cookie.
 */
export function makeCredentialResolver(sqlite: Database.Database, now?: () => Date) {
  const verifyKey = makeKeyVerifier(sqlite)
  const verifySession = makeSessionVerifier(sqlite, now)
  return (request: FastifyRequest): Credentials => {
    const authorization = request.headers.authorization
    if (authorization !== undefined) {
      const token = bearerToken(authorization)
      const actor = token ? verifyKey(token) : null
      return actor ? { actor, session: null } : { actor: null, session: null, failure: 'bad_key' }
    }
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE)
    if (cookie === undefined) return { actor: null, session: null, failure: 'none' }
    const found = verifySession(cookie)
    if (found === 'expired') return { actor: null, session: null, failure: 'session_expired' }
    return found ?? { actor: null, session: null, failure: 'bad_session' }
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

function csrfMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const UNAUTHORIZED_DETAIL: Record<NonNullable<Credentials['failure']>, string> = {
  bad_key: 'The API key is not valid',
  bad_session: 'The session is not valid (signed out, ended or unknown); sign in again',
  session_expired: 'The session has expired; sign in again',
  none:
    'Send an API key as "Authorization: Bearer <key>", or sign in (POST /v1/session) and send the session ' + 'cookie',
}

export default fp(
  async function authPlugin(app: FastifyInstance, opts: { now?: () => Date } = {}) {
    const resolve = makeCredentialResolver(app.sqlite, opts.now)
    app.decorateRequest('actor', null as unknown as Actor)
    app.decorateRequest('staffSession', null)
    app.addHook('onRequest', async (request: FastifyRequest) => {
      // Unknown routes fall through to the 404 handler, which reveals nothing.
      if (!request.routeOptions.url) return
      const config = request.routeOptions.config
      const auth = config.auth
      if (auth === 'public') return
      const credentials = request.credentials ?? resolve(request)
      const actor = credentials.actor
      if (!actor) {
        const failure = credentials.failure ?? 'none'
        throw new DomainError(
          failure === 'session_expired' ? 'SESSION_EXPIRED' : 'UNAUTHORIZED',
          UNAUTHORIZED_DETAIL[failure],
        )
      }
      request.actor = actor
      const session = credentials.session
      if (session) {
        request.staffSession = session
        // A page of another site can make the browser send the cookie, never this header.
        if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers['x-csrf-token'], session.csrfToken)) {
          throw new DomainError(
            'CSRF_TOKEN_INVALID',
            "A state-changing request made with the session cookie needs the session's x-csrf-token header",
          )
        }
        if (session.mustChangePassword && !config.duringPasswordChange) {
          throw new DomainError(
            'PASSWORD_CHANGE_REQUIRED',
            'The password is a one-time password: change it first (POST /v1/session/password)',
          )
        }
      }
      if (!auth) throw new DomainError('FORBIDDEN', 'This route declares no authorised roles')
      if (!auth.includes(actor.role)) throw new DomainError('FORBIDDEN', `Role ${actor.role} may not call this route`)
    })
  },
  { name: 'auth', dependencies: ['database'] },
)
