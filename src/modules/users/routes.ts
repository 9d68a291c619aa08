/**
 * Users (one role and a scope each) and their API keys. A key is shown once,
 * when made; only its salted hash is stored.
 * Errors: VALIDATION_ERROR (scope does not fit the role), REFERENCE_NOT_FOUND, NOT_FOUND.
 */
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { eq, gt } from 'drizzle-orm'
import { users, apiKeys, branches, partners, ROLES } from '../../db/schema.js'
import { createRoute, listRoute } from '../../platform/routes.js'
import { Id, IdParams, Text, errorResponses } from '../../platform/http-schemas.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { generateApiKey } from '../../platform/auth.js'
import type { CommandContext } from '../../platform/commands.js'
import type { Db } from '../../platform/database.js'

const UserInput = Type.Object({
  name: Text(200),
  role: Type.Enum(ROLES, { description: 'admin (all), branch_officer / branch_manager (one branch), partner_officer (one partner), finance (read all + reconciliation), auditor (read only)' }),
  branchId: Type.Optional(Id('Required for branch_officer and branch_manager')),
  partnerId: Type.Optional(Id('Required for partner_officer')),
}, { additionalProperties: false })
const User = Type.Object({
  id: Id(), name: Type.String(), role: Type.String(), branchId: Type.Union([Type.Integer(), Type.Null()]),
  partnerId: Type.Union([Type.Integer(), Type.Null()]), active: Type.Boolean(), createdAt: Type.String(),
})
const ApiKeyInput = Type.Object({ label: Type.Optional(Text(100)) }, { additionalProperties: false })
const ApiKeyCreated = Type.Object({
  id: Type.String({ description: 'Public key id' }), userId: Id(), label: Type.Union([Type.String(), Type.Null()]),
  key: Type.String({ description: 'The API key. Shown only now: store it safely.' }), createdAt: Type.String(),
})

export function createUser(ctx: CommandContext, input: Static<typeof UserInput>) {
  const needsBranch = input.role === 'branch_officer' || input.role === 'branch_manager'
  const needsPartner = input.role === 'partner_officer'
  const bad = (field: string, message: string) => new DomainError('VALIDATION_ERROR', `${field} ${message}`, { errors: [{ field: `body.${field}`, message }] })
  if (needsBranch && !input.branchId) throw bad('branchId', `is required for role ${input.role}`)
  if (!needsBranch && input.branchId) throw bad('branchId', `must not be set for role ${input.role}`)
  if (needsPartner && !input.partnerId) throw bad('partnerId', 'is required for role partner_officer')
  if (!needsPartner && input.partnerId) throw bad('partnerId', `must not be set for role ${input.role}`)
  if (input.branchId && !ctx.db.select({ id: branches.id }).from(branches).where(eq(branches.id, input.branchId)).get()) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Branch ${input.branchId} does not exist`)
  }
  if (input.partnerId && !ctx.db.select({ id: partners.id }).from(partners).where(eq(partners.id, input.partnerId)).get()) {
    throw new DomainError('REFERENCE_NOT_FOUND', `Partner ${input.partnerId} does not exist`)
  }
  const row = ctx.db.insert(users).values({ name: input.name, role: input.role, branchId: input.branchId ?? null, partnerId: input.partnerId ?? null }).returning().get()
  ctx.audit({ action: 'user.create', entity: 'user', entityId: row.id, after: row })
  return row
}

export function createApiKey(ctx: CommandContext, userId: number, label: string | null) {
  const user = ctx.db.select().from(users).where(eq(users.id, userId)).get()
  if (!user) throw notFound('User', userId)
  const key = generateApiKey()
  const row = ctx.db.insert(apiKeys).values({ id: key.id, userId, salt: key.salt, hash: key.hash, label }).returning().get()
  // The audit keeps the key id, never the secret.
  ctx.audit({ action: 'api_key.create', entity: 'user', entityId: userId, after: { keyId: key.id, label } })
  return { id: row.id, userId, label: row.label, key: key.plaintext, createdAt: row.createdAt }
}

function listUsers(db: Db, _actor: unknown, _q: unknown, afterId: number, limit: number) {
  return db.select().from(users).where(gt(users.id, afterId)).orderBy(users.id).limit(limit + 1).all()
}

export default async function usersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  createRoute(app, '/users', {
    tag: 'Users', summary: 'Create a user', description: 'A user with one role and its scope (branch or partner). Admin only.',
    body: UserInput, response: User,
  }, createUser)
  listRoute(app, '/users', {
    tag: 'Users', summary: 'List users', description: 'All users with their roles and scopes. Admin and auditor.',
    filters: {}, item: User, roles: ['admin', 'auditor'],
  }, listUsers)
  app.post('/users/:id/api-keys', {
    config: { auth: ['admin'] },
    schema: {
      tags: ['Users'], summary: 'Issue an API key', description: 'Creates an API key for the user. The key is in this response only; the service keeps a salted hash.',
      params: IdParams, body: ApiKeyInput,
      response: { 201: ApiKeyCreated, ...errorResponses(404) },
    },
  }, (request, reply) => app.commands.handle(request, reply, 'none', (ctx) => ({
    statusCode: 201, body: createApiKey(ctx, request.params.id, request.body?.label ?? null),
  })))
}
