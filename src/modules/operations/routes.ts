/** Liveness, readiness, the OpenAPI document, the business date and the audit trail. */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { migrationsApplied } from '../../platform/database.js'
import {
  BusinessDateSchema,
  errorResponses,
  ListQuery,
  Page,
  cursorId,
  pageOf,
  component,
  ref,
} from '../../platform/http-schemas.js'
import { businessDateView, makeBusinessDateReader } from '../../platform/business-date.js'
import { DISABLED_AUTO_CLOSE } from '../close/auto-close.js'
import { BusinessDateAnswer } from '../close/routes.js'
import { DomainError } from '../../platform/errors.js'
import { makeAuditTrail } from './audit.js'
import { ALL_ROLES } from '../../platform/auth.js'

const Nullable = (description: string) => Type.Union([Type.String(), Type.Null()], { description })
const AutoCloseStatus = Type.Object({
  enabled: Type.Boolean({
    description: 'AUTO_CLOSE=1: the server closes each day itself shortly after midnight Vietnam time',
  }),
  lastRunAt: Nullable('When the server last ran the close (ISO instant)'),
  lastClosedDate: Nullable('The last day the daily close finished'),
  nextRunAt: Nullable('When the next automatic close is due (ISO instant)'),
  lastError: Nullable("The last automatic close's failure, until one succeeds"),
})

export const AuditEntry = component(
  'AuditEntry',
  Type.Object({
    id: Type.Integer(),
    at: Type.String(),
    userId: Type.Union([Type.Integer(), Type.Null()]),
    action: Type.String(),
    entity: Type.String(),
    entityId: Type.String(),
    before: Type.Unknown(),
    after: Type.Unknown(),
    requestId: Type.Union([Type.String(), Type.Null()]),
  }),
)

export default async function operationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Operations'],
        summary: 'Liveness',
        description: 'The process is up.',
        security: [],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/ready',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Operations'],
        summary: 'Readiness',
        description:
          'The database answers and its migrations are applied; with the business date and the automatic ' +
          "close's state.",
        security: [],
        response: {
          200: Type.Object({
            status: Type.Literal('ready'),
            businessDate: BusinessDateSchema(),
            autoClose: AutoCloseStatus,
          }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (_req, reply) => {
      if (!migrationsApplied(app.sqlite)) {
        return reply.code(503).type('application/problem+json').send({
          type: 'urn:policy-credit:problem:not-ready',
          title: 'Service unavailable',
          status: 503,
          detail: 'Migrations are not applied',
          code: 'NOT_READY',
        })
      }
      return {
        status: 'ready' as const,
        businessDate: businessDate(),
        autoClose: app.autoClose?.status() ?? DISABLED_AUTO_CLOSE,
      }
    },
  )

  app.get(
    '/openapi.json',
    {
      config: { auth: 'public' },
      schema: { hide: true },
    },
    async () => app.swagger(),
  )

  app.get(
    '/v1/business-date',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Operations'],
        summary: 'Current business date',
        description:
          'The date the service is operating on (value dates up to it are accepted), moved only by the ' +
          'daily close, and the last day closed. The close (POST /v1/close-of-business) answers with the ' +
          'same two fields.',
        response: { 200: Type.Object(BusinessDateAnswer), ...errorResponses() },
      },
    },
    async () => businessDateView(app.sqlite),
  )

  const auditTrail = makeAuditTrail(app.sqlite)
  app.get(
    '/v1/audit',
    {
      config: { auth: ['admin', 'auditor'] },
      schema: {
        tags: ['Audit'],
        summary: 'Audit trail',
        description:
          'Who changed what and when, with before/after summaries, newest first. Filters: user, entity (and ' +
          'its id), action, and a date range of the UTC timestamps (`from`/`to` inclusive, YYYY-MM-DD).',
        querystring: Type.Object({
          userId: Type.Optional(
            Type.Integer({ minimum: 0, maximum: 2_147_483_647, description: 'Who acted (0 = the system/CLI)' }),
          ),
          entity: Type.Optional(Type.String({ maxLength: 50, description: 'e.g. loan, household, application, user' })),
          id: Type.Optional(Type.String({ maxLength: 50, description: "The entity's id (with entity)" })),
          action: Type.Optional(Type.String({ maxLength: 80, description: 'e.g. loan.repayment, user.deactivate' })),
          from: Type.Optional(BusinessDateSchema('First day (UTC) of the range')),
          to: Type.Optional(BusinessDateSchema('Last day (UTC) of the range')),
          ...ListQuery,
        }),
        response: { 200: Page(ref(AuditEntry)), ...errorResponses() },
      },
    },
    async (req) => {
      const q = req.query
      if (q.from && q.to && q.from > q.to)
        throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
          errors: [{ field: 'querystring.from', message: 'must not be after to' }],
        })
      const limit = q.limit ?? 50
      const before = q.cursor === undefined ? null : cursorId(q.cursor)
      return pageOf(auditTrail(q, before, limit + 1), limit) as never
    },
  )
}
