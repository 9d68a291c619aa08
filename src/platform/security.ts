/**
 * HTTP hardening: security headers (helmet) and a limit on failed
 * authentications per client address, so API keys cannot be guessed at speed.
 */
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DomainError } from './errors.js'

const WINDOW_MS = 60_000

export default fp(async function securityPlugin(app: FastifyInstance, opts: { authFailuresPerMinute: number }) {
  // Swagger UI needs inline scripts and styles; the API itself serves only JSON and CSV.
  await app.register(helmet, { contentSecurityPolicy: false, global: true })
  const failures = new Map<string, { count: number; since: number }>()
  app.decorate('authFailures', (request: FastifyRequest) => {
    const now = Date.now()
    const entry = failures.get(request.ip)
    if (!entry || now - entry.since > WINDOW_MS) failures.set(request.ip, { count: 1, since: now })
    else entry.count++
    if (failures.size > 10_000) failures.clear() // bound memory under a spray of addresses
  })
  app.addHook('onRequest', async (request, reply) => {
    const entry = failures.get(request.ip)
    if (entry && Date.now() - entry.since <= WINDOW_MS && entry.count >= opts.authFailuresPerMinute) {
      reply.header('Retry-After', String(Math.ceil((entry.since + WINDOW_MS - Date.now()) / 1000)))
      throw new DomainError('TOO_MANY_REQUESTS', 'Too many failed authentications from this address; wait a minute')
    }
  })
}, { name: 'security' })
