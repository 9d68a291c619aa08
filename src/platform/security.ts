/**
 * HTTP hardening: security headers and a limit on requests WITHOUT
 * valid credentials per client address (@fastify/rate-limit), so API keys
 * cannot be guessed at speed. Requests carrying a valid key, and public routes
 * (health, docs), are not counted: a busy branch is never slowed down by it.
 */
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { makeKeyVerifier, bearerToken, type Actor } from './auth.js'
import { problem } from './errors.js'
import { SECURITY_HEADERS } from './security-headers.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The actor of a valid key, found once by the rate limiter and reused by auth (undefined: not checked yet). */
    verifiedActor?: Actor | null
  }
}

export { SECURITY_HEADERS } from './security-headers.js'

export default fp(async function securityPlugin(app: FastifyInstance, opts: { authFailuresPerMinute: number }) {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS)
    done()
  })
  const verify = makeKeyVerifier(app.sqlite)
  // Not per route (route hooks run after the app-level auth hook, which would answer 401 first):
  // one app-level onRequest hook, added before auth's, built with the plugin's rateLimit() decorator.
  await app.register(rateLimit, { global: false })
  app.addHook('onRequest', app.rateLimit({
    max: opts.authFailuresPerMinute,
    timeWindow: 60_000,
    cache: 10_000,
    keyGenerator: (request) => request.ip,
    allowList: (request: FastifyRequest) => {
      if (!request.routeOptions.url || request.routeOptions.config.auth === 'public') return true
      const token = bearerToken(request.headers.authorization)
      request.verifiedActor = token ? verify(token) : null
      return request.verifiedActor !== null
    },
    errorResponseBuilder: (_request, context) => ({
      ...problem('TOO_MANY_REQUESTS', `Too many requests without valid credentials from this address; retry in ${Math.ceil(context.ttl / 1000)} s`),
      statusCode: 429,
    }),
  }))
}, { name: 'security', dependencies: ['database'] })
