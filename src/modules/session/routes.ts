/**
 * Staff sign-in (browser sessions). The work is in ./service.ts. Sign-in is public; the other
 * routes act on the session of the request's cookie and stay open while the session must change
 * its one-time password. API keys have no session: those routes answer 404 to a key.
 */
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ALL_ROLES } from '../../platform/auth.js'
import { Id, errorResponses } from '../../platform/http-schemas.js'
import { MAX_PASSWORD_LENGTH } from './passwords.js'
import * as service from './service.js'

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()])
const Password = (description: string) => Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH, description })

const Session = Type.Object({
  user: Type.Object(
    {
      id: Id(),
      name: Type.String(),
      username: Nullable(Type.String()),
      role: Type.String(),
      branchId: Nullable(Type.Integer()),
      partnerId: Nullable(Type.Integer()),
      officeId: Nullable(Type.Integer({ description: 'Scope node above a branch (docs/rules.md §21)' })),
    },
    { description: "Who is signed in: the same role and scope as the user's API keys" },
  ),
  mustChangePassword: Type.Boolean({
    description:
      "true: the password is a one-time password; every route but this session's own answers 403 " +
      'PASSWORD_CHANGE_REQUIRED until POST /v1/session/password',
  }),
  csrfToken: Type.String({
    description: 'Send it as header x-csrf-token with every request other than GET/HEAD made with the session cookie',
  }),
  idleExpiresAt: Type.String({
    description:
      'The session ends at this time unless another request comes first (30 minutes idle; each request slides it)',
  }),
  absoluteExpiresAt: Type.String({
    description: 'The session ends at this time whatever happens (10 hours after sign-in)',
  }),
})

const SignIn = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 200, description: 'The username (not case-sensitive)' }),
    password: Password('The password (or the one-time password set by an administrator)'),
  },
  { additionalProperties: false },
)

const ChangePassword = Type.Object(
  {
    currentPassword: Password('The password now (the one-time password at first sign-in)'),
    newPassword: Password('At least 10 characters, not the username, not the current password'),
  },
  { additionalProperties: false },
)

const COOKIE =
  'Cookie `pc_session`: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over TLS; only the ' +
  'SHA-256 of its random 256-bit token is stored.'

export default async function sessionRoutes(fastify: FastifyInstance, opts: { now?: () => Date }) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const now = opts.now ?? (() => new Date())
  service.warmUp()

  app.post(
    '/session',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['Session'],
        summary: 'Sign in (staff)',
        description:
          `Starts a browser session for a user with a username and a password. ${COOKIE} The session ends after ` +
          `30 minutes without a request or 10 hours after sign-in, at sign-out, a password change or reset, or ` +
          `the user's deactivation. A wrong username, a wrong password, a user without a password and a deactivated ` +
          `user all answer 401 INVALID_CREDENTIALS, after the same work. Each failure counts against the address's ` +
          `failed-authentication budget (AUTH_FAILURES_PER_MINUTE): over it, 429 TOO_MANY_REQUESTS with Retry-After. ` +
          `Sign-ins and failures are audited (never a password). API keys are unaffected and stay for integrations.`,
        body: SignIn,
        response: {
          201: Session,
          ...errorResponses('INVALID_CREDENTIALS'),
          429: {
            ...errorResponses('TOO_MANY_REQUESTS')[429]!,
            description:
              'TOO_MANY_REQUESTS: Too many failed authentications from this address; retry after Retry-After',
          },
        },
      },
    },
    async (request, reply) => {
      const body = await service.signIn(app, request, reply, request.body, now)
      return reply.code(201).send(body)
    },
  )

  app.get(
    '/session',
    {
      config: { auth: ALL_ROLES, duringPasswordChange: true },
      schema: {
        tags: ['Session'],
        summary: 'The current session',
        description:
          'Who is signed in, whether the password must be changed first, the CSRF token and when the ' +
          'session ends. Errors: 401 SESSION_EXPIRED (sign in again), 404 NOT_FOUND (the request came with ' +
          'an API key, which has no session).',
        response: { 200: Session, ...errorResponses('NOT_FOUND') },
      },
    },
    async (request) => service.currentSession(app.db, request),
  )

  app.delete(
    '/session',
    {
      config: { auth: ALL_ROLES, duringPasswordChange: true },
      schema: {
        tags: ['Session'],
        summary: 'Sign out',
        description:
          'Ends the session (audited) and clears the cookie. Needs the x-csrf-token header. Errors: 403 ' +
          'CSRF_TOKEN_INVALID, 404 NOT_FOUND (the request came with an API key).',
        response: { 204: Type.Null({ description: 'Signed out' }), ...errorResponses('NOT_FOUND') },
      },
    },
    async (request, reply) => {
      await service.signOut(app, request, reply)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/session/password',
    {
      config: { auth: ALL_ROLES, duringPasswordChange: true },
      schema: {
        tags: ['Session'],
        summary: 'Change my password',
        description:
          'Replaces the password of the signed-in user (required first after a one-time password): the ' +
          'current one, then a new one of at least 10 characters that is neither the username nor the ' +
          "current password. The user's other sessions end; this one goes on with mustChangePassword false. " +
          'Audited (never a password). Needs the x-csrf-token header. A wrong current password counts as a ' +
          'failed authentication. Errors: 403 CSRF_TOKEN_INVALID, 404 NOT_FOUND (the request came with an ' +
          'API key), 422 CURRENT_PASSWORD_INVALID, 422 PASSWORD_TOO_WEAK, 429 TOO_MANY_REQUESTS.',
        body: ChangePassword,
        response: {
          200: Session,
          ...errorResponses('NOT_FOUND', 'CURRENT_PASSWORD_INVALID', 'PASSWORD_TOO_WEAK', 'INVALID_STATE'),
        },
      },
    },
    async (request, reply) => {
      const body = await service.changePassword(app, request, reply, request.body)
      return reply.code(200).send(body)
    },
  )
}
