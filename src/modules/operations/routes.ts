/** Liveness, readiness, the OpenAPI document, the business date and the audit trail. */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { migrationsApplied } from '../../platform/database.js'
import { BusinessDateSchema, errorResponses, ListQuery, Page, cursorId, pageOf } from '../../platform/http-schemas.js'
import { makeBusinessDateReader } from '../../platform/business-date.js'

const AuditEntry = Type.Object({
  id: Type.Integer(), at: Type.String(), userId: Type.Union([Type.Integer(), Type.Null()]), action: Type.String(),
  entity: Type.String(), entityId: Type.String(), before: Type.Unknown(), after: Type.Unknown(), requestId: Type.Union([Type.String(), Type.Null()]),
})

export default async function operationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get('/health', {
    config: { auth: 'public' },
    schema: { tags: ['Operations'], summary: 'Liveness', description: 'The process is up.', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/ready', {
    config: { auth: 'public' },
    schema: {
      tags: ['Operations'], summary: 'Readiness', description: 'The database answers and its migrations are applied.', security: [],
      response: { 200: Type.Object({ status: Type.Literal('ready'), businessDate: BusinessDateSchema() }), 503: Type.Ref('Problem') },
    },
  }, async (_req, reply) => {
    if (!migrationsApplied(app.sqlite)) {
      return reply.code(503).type('application/problem+json').send({ type: 'urn:policy-credit:problem:not-ready', title: 'Service unavailable', status: 503, detail: 'Migrations are not applied', code: 'NOT_READY' })
    }
    return { status: 'ready' as const, businessDate: businessDate() }
  })

  app.get('/openapi.json', {
    config: { auth: 'public' },
    schema: { hide: true },
  }, async () => app.swagger())

  app.get('/v1/business-date', {
    config: { auth: ['admin', 'branch_officer', 'branch_manager', 'partner_officer', 'finance', 'auditor'] },
    schema: {
      tags: ['Operations'], summary: 'Current business date', description: 'The date the service is operating on; moved only by the daily close.',
      response: { 200: Type.Object({ date: BusinessDateSchema() }), ...errorResponses() },
    },
  }, async () => ({ date: businessDate() }))

  const auditStmt = app.sqlite.prepare(`SELECT id, at, user_id AS userId, action, entity, entity_id AS entityId, before, after, request_id AS requestId
    FROM audit_log WHERE (@entity IS NULL OR entity = @entity) AND (@entityId IS NULL OR entity_id = @entityId) AND id > @after ORDER BY id LIMIT @limit`)
  app.get('/v1/audit', {
    config: { auth: ['admin', 'auditor'] },
    schema: {
      tags: ['Audit'], summary: 'Audit trail', description: 'Who changed what and when, with before/after summaries. Filter by entity and id.',
      querystring: Type.Object({ entity: Type.Optional(Type.String({ maxLength: 50 })), id: Type.Optional(Type.String({ maxLength: 50 })), ...ListQuery }),
      response: { 200: Page(AuditEntry), ...errorResponses() },
    },
  }, async (req) => {
    const limit = req.query.limit ?? 50
    const rows = auditStmt.all({ entity: req.query.entity ?? null, entityId: req.query.id ?? null, after: cursorId(req.query.cursor), limit: limit + 1 }) as { id: number; before: string | null; after: string | null }[]
    return pageOf(rows.map((r) => ({ ...r, before: r.before ? JSON.parse(r.before) : null, after: r.after ? JSON.parse(r.after) : null })), limit) as never
  })
}
