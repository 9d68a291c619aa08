import type { FastifyInstance } from 'fastify'

/** Supervision findings (docs/rules.md §22); registered under /v1 by src/app.ts. */
export default async function supervisionRoutes(fastify: FastifyInstance) {
  void fastify
}
