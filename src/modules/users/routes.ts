/**
 * Users, API keys and one-time passwords (admin). The work is in ./service.ts; these routes parse,
 * authorise and answer. Auditors may read users and keys (never a secret).
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ROLES } from '../../db/schema.js'
import { createRoute, listRoute } from '../../platform/routes.js'
import { ALL_ROLES } from '../../platform/auth.js'
import {
  Id,
  IdParams,
  IdempotencyHeaders,
  Text,
  errorResponses,
  OnePage,
  component,
  ref,
} from '../../platform/http-schemas.js'
import * as service from './service.js'
import { generateOneTimePassword, hashPassword } from '../session/passwords.js'

const Username = () =>
  Type.String({
    pattern: '^[a-z0-9][a-z0-9._-]{2,63}$',
    description:
      'Signs in with it: 3–64 lower-case letters, digits, ".", "_" or "-" (unique). Without one the user ' +
      'has API keys only.',
  })
const UserInput = Type.Object(
  {
    name: Text(200),
    role: Type.Enum(ROLES, {
      description:
        'admin (all), branch_officer / branch_manager (a branch, or every branch under a province office or the ' +
        'head office), partner_officer (a partner and the partners under it), finance (read all + ' +
        'reconciliation), auditor (read only), supervisor (reads its area and records supervision findings)',
    }),
    branchId: Type.Optional(
      Id('branch_officer, branch_manager, supervisor: their branch (a district), unless officeId is given'),
    ),
    officeId: Type.Optional(
      Id('branch_officer, branch_manager, supervisor: an office of any level; they see every branch under it'),
    ),
    partnerId: Type.Optional(Id('Required for partner_officer')),
    username: Type.Optional(Username()),
  },
  { additionalProperties: false },
)
const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()])
export const User = component(
  'User',
  Type.Object({
    id: Id(),
    name: Type.String(),
    username: Nullable(Type.String({ description: 'Signs in with it (with a password); null: API keys only' })),
    role: Type.String(),
    branchId: Nullable(Type.Integer()),
    officeId: Nullable(Type.Integer({ description: 'Scope node above a branch (see branchId)' })),
    partnerId: Nullable(Type.Integer()),
    active: Type.Boolean({ description: "false: deactivated — none of the user's keys is accepted" }),
    deactivatedAt: Nullable(Type.String()),
    deactivationReason: Nullable(Type.String()),
    createdAt: Type.String(),
  }),
)
const ApiKeyInput = Type.Object({ label: Type.Optional(Text(100)) }, { additionalProperties: false })
const ApiKeyCreated = Type.Object({
  id: Type.String({ description: 'Public key id' }),
  userId: Id(),
  label: Nullable(Type.String()),
  key: Type.String({ description: 'The API key. Shown only now: store it safely.' }),
  createdAt: Type.String(),
})
export const ApiKey = component(
  'ApiKey',
  Type.Object({
    id: Type.String({ description: 'Public key id (the part after pc_)' }),
    userId: Id(),
    label: Nullable(Type.String()),
    createdAt: Type.String(),
    revokedAt: Nullable(Type.String()),
    active: Type.Boolean(),
  }),
)
const PasswordInput = Type.Object(
  {
    username: Type.Optional(Username()),
  },
  {
    additionalProperties: false,
    description: 'username: only for a user who has none yet (it does not change once set)',
  },
)
const OneTimePassword = Type.Object({
  userId: Id(),
  username: Type.String(),
  oneTimePassword: Type.String({
    description: 'Shown only now: hand it to the user. It must be changed at the first sign-in.',
  }),
  mustChangePassword: Type.Literal(true),
})
const KeyParams = Type.Object({
  id: Id(),
  keyId: Type.String({ pattern: '^[0-9a-f]{12}$', description: 'Public key id' }),
})

export default async function usersRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  createRoute(
    app,
    '/users',
    {
      tag: 'Users',
      summary: 'Create a user',
      description: 'A user with one role and its scope (branch or partner). Admin only.',
      body: UserInput,
      response: ref(User),
    },
    service.createUser,
  )
  listRoute(
    app,
    '/users',
    {
      tag: 'Users',
      summary: 'List users',
      description: 'Users with their roles, scopes and whether they are active. Admin and auditor.',
      filters: { role: Type.Optional(Type.Enum(ROLES)), active: Type.Optional(Type.Boolean()) },
      item: ref(User),
      roles: ['admin', 'auditor'],
    },
    service.listUsers,
  )
  // Registered before /users/:id/… routes; a static path wins over a parameter in fastify anyway.
  app.get(
    '/users/names',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Users'],
        summary: 'Names of staff by id',
        description:
          'The name and role of each user whose id is asked (at most 100, comma-separated), so a screen can ' +
          'say who certified, approved, proposed or paid instead of a number. ' +
          ('Any signed-in role may ask: inside the bank and its partners the name of the colleague who acted ' +
            'on a file is not a secret, and a partner officer already sees that someone certified its ' +
            'application. ') +
          'Ids that do not exist are left out; nothing else about the user (scope, username, state) is shown.',
        querystring: Type.Object({
          ids: Type.String({
            pattern: '^[0-9]{1,10}(,[0-9]{1,10}){0,99}$',
            description: 'User ids, comma-separated (1–100)',
            examples: ['3,7'],
          }),
        }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ id: Id(), name: Type.String(), role: Type.String() })) }),
          ...errorResponses(),
        },
      },
    },
    async (req) => ({ items: service.staffNames(app.db, req.query.ids.split(',').map(Number)) }),
  )
  app.post(
    '/users/:id/deactivate',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Users'],
        summary: 'Deactivate a user',
        description:
          "None of the user's API keys is accepted from the next request on (any server process); the user, " +
          'their keys and their history stay. Errors: NOT_FOUND, INVALID_STATE (already inactive), ' +
          'SELF_DEACTIVATION, LAST_ADMIN.',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Object(
          { reason: Text(500, 'Why (kept with the user and in the audit trail)') },
          { additionalProperties: false },
        ),
        response: {
          200: ref(User),
          ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'SELF_DEACTIVATION', 'LAST_ADMIN'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.deactivateUser(ctx, req.params.id, req.body.reason),
      })),
  )
  app.post(
    '/users/:id/reactivate',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Users'],
        summary: 'Reactivate a user',
        description:
          "The user's keys that were not revoked are accepted again. Errors: NOT_FOUND, INVALID_STATE " +
          '(already active).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        response: { 200: ref(User), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.reactivateUser(ctx, req.params.id),
      })),
  )
  app.post(
    '/users/:id/api-keys',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Users'],
        summary: 'Issue an API key',
        description:
          'Creates an API key for the user. The key is in this response only; the service keeps a salted ' +
          'hash. Errors: NOT_FOUND, INVALID_STATE (user deactivated).',
        params: IdParams,
        body: ApiKeyInput,
        response: { 201: ApiKeyCreated, ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (request, reply) =>
      app.commands.handle(request, reply, 'none', (ctx) => ({
        statusCode: 201,
        body: service.createApiKey(ctx, request.params.id, request.body?.label ?? null),
      })),
  )
  app.post(
    '/users/:id/password',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Users'],
        summary: 'Set a one-time password',
        description:
          'The service generates a one-time password, answers it once (it is stored only as a scrypt hash) ' +
          'and the user must change it at the first sign-in (POST /v1/session, then POST ' +
          '/v1/session/password). Every session of the user ends. A user without a username gets the one ' +
          'given here. The response is never stored for an Idempotency-Key. Errors: NOT_FOUND, ' +
          "INVALID_STATE (deactivated; no username and none given; another username than the user's), " +
          'DUPLICATE (username taken).',
        params: IdParams,
        body: Type.Optional(PasswordInput),
        response: { 200: OneTimePassword, ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'DUPLICATE') },
      },
    },
    async (request, reply) => {
      const password = generateOneTimePassword()
      const hash = await hashPassword(password)
      return app.commands.handle(request, reply, 'none', (ctx) => ({
        statusCode: 200,
        body: {
          ...service.setOneTimePassword(ctx, request.params.id, request.body?.username, hash),
          oneTimePassword: password,
        },
      }))
    },
  )
  app.get(
    '/users/:id/api-keys',
    {
      config: { auth: ['admin', 'auditor'] },
      schema: {
        tags: ['Users'],
        summary: "List a user's API keys",
        description: 'Key ids, labels, creation and revocation dates (never a secret).',
        params: IdParams,
        response: { 200: OnePage(ref(ApiKey)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => ({ items: service.listApiKeys(app.db, req.params.id), nextCursor: null }),
  )
  app.post(
    '/users/:id/api-keys/:keyId/revoke',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Users'],
        summary: 'Revoke an API key',
        description:
          'The key is refused from the next request on (any server process). Revocation is final: issue a ' +
          'new key instead. Errors: NOT_FOUND, INVALID_STATE (already revoked).',
        params: KeyParams,
        headers: IdempotencyHeaders(false),
        response: { 200: ref(ApiKey), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.revokeApiKey(ctx, req.params.id, req.params.keyId),
      })),
  )
}
