/**
 * Authentication and authorisation.
 *
 * API keys look like `pc_<keyId>_<secret>`; only HMAC-SHA256(salt, secret) is
 * stored and it is compared in constant time. The key is shown once, when made.
 *
 * Every route declares who may call it in `config.auth`: a list of roles, or
 * 'public'. A route that declares nothing is refused (default deny). Scope
 * (own branch / own partner) is checked by the services, against the entity.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type Database from 'better-sqlite3'
import { DomainError } from './errors.js'
import type { ROLES } from '../db/schema.js'

export type Role = (typeof ROLES)[number]

export interface Actor {
  userId: number
  name: string
  role: Role
  branchId: number | null
  partnerId: number | null
}

export type RouteAuth = 'public' | readonly Role[]

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth
  }
  interface FastifyRequest {
    actor: Actor
  }
}

export const ALL_ROLES: readonly Role[] = ['admin', 'branch_officer', 'branch_manager', 'partner_officer', 'finance', 'auditor']
/** Roles that may read across all branches and partners. */
export const READ_ALL_ROLES: readonly Role[] = ['admin', 'finance', 'auditor']

function hashSecret(salt: string, secret: string): string {
  return createHmac('sha256', salt).update(secret).digest('hex')
}

export interface NewApiKey { id: string; salt: string; hash: string; plaintext: string }

export function generateApiKey(): NewApiKey {
  const id = randomBytes(6).toString('hex')
  const secret = randomBytes(24).toString('base64url')
  const salt = randomBytes(16).toString('hex')
  return { id, salt, hash: hashSecret(salt, secret), plaintext: `pc_${id}_${secret}` }
}

const KEY_RE = /^pc_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/

interface KeyRow { salt: string; hash: string; userId: number; name: string; role: Role; branchId: number | null; partnerId: number | null }

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
  const lookup = sqlite.prepare(`SELECT k.salt, k.hash, u.id AS userId, u.name, u.role, u.branch_id AS branchId, u.partner_id AS partnerId
    FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ? AND k.revoked_at IS NULL AND u.active = 1`)
  const authVersion = sqlite.prepare('SELECT version FROM auth_version WHERE id = 1').pluck()
  const verified = new Map<string, Actor>()
  let verifiedAt = -1
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
    const actor: Actor = { userId: row.userId, name: row.name, role: row.role, branchId: row.branchId, partnerId: row.partnerId }
    if (verified.size >= VERIFIED_KEY_CACHE_MAX) verified.clear()
    verified.set(presented, actor)
    return actor
  }
}

/** The token of an `Authorization: Bearer <key>` header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer +(\S+)\s*$/i.exec(header)?.[1] : undefined
}

export default fp(async function authPlugin(app: FastifyInstance) {
  const verify = makeKeyVerifier(app.sqlite)
  app.decorateRequest('actor', null as unknown as Actor)
  app.addHook('onRequest', async (request: FastifyRequest) => {
    // Unknown routes fall through to the 404 handler, which reveals nothing.
    if (!request.routeOptions.url) return
    const auth = request.routeOptions.config.auth
    if (auth === 'public') return
    const token = bearerToken(request.headers.authorization)
    const actor = request.verifiedActor !== undefined ? request.verifiedActor : token ? verify(token) : null
    if (!actor) {
      throw new DomainError('UNAUTHORIZED', token ? 'The API key is not valid' : 'Send an API key as "Authorization: Bearer <key>"')
    }
    request.actor = actor
    if (!auth) throw new DomainError('FORBIDDEN', 'This route declares no authorised roles')
    if (!auth.includes(actor.role)) throw new DomainError('FORBIDDEN', `Role ${actor.role} may not call this route`)
  })
}, { name: 'auth', dependencies: ['database'] })

/** May the actor see/act on things of this branch? (admin/finance/auditor see all.) */
export function inBranchScope(actor: Actor, branchId: number): boolean {
  if (READ_ALL_ROLES.includes(actor.role)) return true
  if (actor.role === 'branch_officer' || actor.role === 'branch_manager') return actor.branchId === branchId
  return false
}

/** Scope check for something that belongs to a branch and (maybe) a partner. */
export function inScope(actor: Actor, owner: { branchId: number; partnerId?: number | null }): boolean {
  if (actor.role === 'partner_officer') return owner.partnerId != null && actor.partnerId === owner.partnerId
  return inBranchScope(actor, owner.branchId)
}

/**
 * Throws 404 when the entity is outside the actor's scope: for a partner or
 * another branch, the existence of someone else's household or loan must not leak.
 */
export function assertInScope(actor: Actor, owner: { branchId: number; partnerId?: number | null }, what: string, id: unknown): void {
  if (!inScope(actor, owner)) throw new DomainError('NOT_FOUND', `${what} ${String(id)} was not found`)
}
