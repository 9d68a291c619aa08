/**
 * Route helpers that keep modules thin and uniform: a reference-data "create"
 * (admin, audited, one command) and a scoped, cursor-paginated "list".
 */
import type { FastifyInstance } from 'fastify'
import { Type, type TSchema, type Static, type TObject, type TProperties } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { CommandContext } from './commands.js'
import { ALL_ROLES, type Actor, type Role } from './auth.js'
import type { Db } from './database.js'
import type { ErrorCode } from '../domain/error-codes.js'
import { errorResponses, IdempotencyHeaders, ListQuery, Page, cursorId, pageOf } from './http-schemas.js'

export function createRoute<B extends TSchema, R extends TSchema>(
  fastify: FastifyInstance,
  path: string,
  spec: {
    tag: string
    summary: string
    description: string
    body: B
    response: R
    roles?: readonly Role[]
    errors?: ErrorCode[]
  },
  create: (ctx: CommandContext, input: Static<B>) => Static<R>,
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.post(
    path,
    {
      config: { auth: spec.roles ?? ['admin'] },
      schema: {
        tags: [spec.tag],
        summary: spec.summary,
        description: spec.description,
        headers: IdempotencyHeaders(false),
        body: spec.body,
        response: { 201: spec.response, ...errorResponses('DUPLICATE', 'REFERENCE_NOT_FOUND', ...(spec.errors ?? [])) },
      },
    },
    (request, reply) =>
      app.commands.handle(request, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: create(ctx, request.body as Static<B>),
      })) as never,
  )
}

export function listRoute<Q extends TProperties, R extends TSchema>(
  fastify: FastifyInstance,
  path: string,
  spec: { tag: string; summary: string; description: string; filters: Q; item: R; roles?: readonly Role[] },
  list: (db: Db, actor: Actor, query: Static<TObject<Q>>, afterId: number, limit: number) => { id: number }[],
): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    path,
    {
      config: { auth: spec.roles ?? ALL_ROLES },
      schema: {
        tags: [spec.tag],
        summary: spec.summary,
        description: spec.description,
        querystring: Type.Object({ ...spec.filters, ...ListQuery }),
        response: { 200: Page(spec.item), ...errorResponses() },
      },
    },
    async (request) => {
      const q = request.query as Static<TObject<Q>> & { limit?: number; cursor?: string }
      const limit = q.limit ?? 50
      return pageOf(list(app.db, request.actor, q, cursorId(q.cursor), limit), limit) as never
    },
  )
}
