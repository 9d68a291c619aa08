import type { FastifyInstance } from 'fastify'

/** Routes of this capability (docs/rules.md); registered under /v1 by src/app.ts. */
export default async function priorityRoutes(_fastify: FastifyInstance) {}
