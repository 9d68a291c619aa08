import type { FastifyInstance } from 'fastify'

/** Entrustment contracts by level (docs/rules.md §23); registered under /v1 by src/app.ts. */
export default async function contractRoutes(fastify: FastifyInstance) {
  void fastify
}
