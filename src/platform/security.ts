/**
 * HTTP hardening: security headers and a limit on failed authentications per
 * client address (AUTH_FAILURES_PER_MINUTE), so API keys and passwords cannot
 * be guessed at speed. One budget per address counts requests WITHOUT valid
 * credentials (no key, a wrong key, an unknown or expired session cookie) and
 * failed sign-ins (POST /v1/session, see modules/session). Requests carrying
 * valid credentials, and public routes (health, docs), are not counted: a
 * busy branch is never slowed down by it. Over the budget: 429
 * TOO_MANY_REQUESTS with Retry-After.
 */
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { makeCredentialResolver } from './auth.js'
import { DomainError } from './errors.js'
import { SECURITY_HEADERS } from './security-headers.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The failed-authentication budget of client addresses (shared by keys, session cookies and sign-ins). */
    authFailures: AuthFailures
  }
}

export interface AuthFailures {
  /** 429 (with Retry-After) when the request's address has used its budget; counts nothing. */
  refuseIfExhausted(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** Counts one failed authentication of the request's address. */
  count(request: FastifyRequest): Promise<void>
}

export { SECURITY_HEADERS } from './security-headers.js'

function tooMany(reply: FastifyReply, ttlInSeconds: number): DomainError {
  const seconds = Math.max(1, ttlInSeconds)
  reply.header('retry-after', String(seconds))
  return new DomainError(
    'TOO_MANY_REQUESTS',
    `Too many failed authentications from this address; retry in ${seconds} s`,
  )
}

export default fp(
  async function securityPlugin(app: FastifyInstance, opts: { authFailuresPerMinute: number; now?: () => Date }) {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(SECURITY_HEADERS)
      done()
    })
    const resolve = makeCredentialResolver(app.sqlite, opts.now)
    const max = opts.authFailuresPerMinute
    await app.register(rateLimit, { global: false })
    // One store for the hook below and for failed sign-ins (`cache`: addresses remembered; the store takes it, the
    // type omits it).
    const limiterOptions = {
      max,
      timeWindow: 60_000,
      cache: 10_000,
      keyGenerator: (request: FastifyRequest) => request.ip,
    }
    const limiter = app.createRateLimit(limiterOptions)
    app.decorate('authFailures', {
      async refuseIfExhausted(request, reply) {
        const state = await limiter(request, { increment: false })
        if (!state.isAllowed && state.remaining <= 0) throw tooMany(reply, state.ttlInSeconds)
      },
      async count(request) {
        await limiter(request)
      },
    } satisfies AuthFailures)
    // Not per route (route hooks run after the app-level auth hook, which would answer 401 first):
    // one app-level onRequest hook, added before auth's, which finds the credentials once for both.
    app.addHook('onRequest', async (request, reply) => {
      if (!request.routeOptions.url || request.routeOptions.config.auth === 'public') return
      request.credentials = resolve(request)
      if (request.credentials.actor) return
      const state = await limiter(request)
      if (!state.isAllowed && state.isExceeded) throw tooMany(reply, state.ttlInSeconds)
    })
  },
  { name: 'security', dependencies: ['database'] },
)
