import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { APPROVER_ROLES, BRANCH_ROLES, READ_ALL_ROLES, type Role } from '../../platform/auth.js'
import { IdParams, IdempotencyHeaders, Text, errorResponses, ref } from '../../platform/http-schemas.js'
import { DomainError } from '../../platform/errors.js'
import { listRoute } from '../../platform/routes.js'
import { ListReliefQuery, ReliefDecision, ReliefDecisionSummary, ReliefInput } from './schemas.js'
import * as service from './service.js'
import { keyUsed } from './queries.js'

const RELIEF_READERS: readonly Role[] = [...READ_ALL_ROLES, ...BRANCH_ROLES]

/** Routes of area-wide relief (docs/rules.md §18); registered under /v1 by src/app.ts. */
export default async function reliefRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  /**
   * Approve or resume: the decision is started (four eyes checked) in one command, then applied batch by batch,
   * each batch its own command (transaction); the answer — stored with the Idempotency-Key — is the decision
   * once no loan is left. A crash between batches leaves it `applying`; calling again continues.
   */
  async function applyAll(req: FastifyRequest, reply: FastifyReply, resumeOnly: boolean) {
    const key = req.headers['idempotency-key']
    if (!key) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED', 'This operation needs an Idempotency-Key header')
    const id = (req.params as { id: number }).id
    const answer = () =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: service.getRelief(ctx.sqlite, ctx.actor, id) as never,
      }))
    // A key already used (replay, or IDEMPOTENCY_KEY_REUSED) or malformed is answered by the bus before any work.
    if (typeof key !== 'string' || key.length > 200 || keyUsed(app.sqlite, req.actor.userId, key)) return answer()
    await app.commands.enqueue((ctx) => service.startApplying(ctx, id, resumeOnly), req.actor, req.id)
    for (;;) {
      const { body } = await app.commands.enqueue(
        (ctx) => ({ statusCode: 200, body: service.applyBatch(ctx, id) }),
        req.actor,
        req.id,
      )
      if (body.remaining === 0) break
    }
    return answer()
  }

  app.post(
    '/relief-decisions',
    {
      config: { auth: ['branch_manager'] },
      schema: {
        tags: ['Loans'],
        summary: 'Propose an area-wide relief decision (with its preview)',
        description:
          'A branch manager proposes a freeze or an extension for every loan of the chosen transaction points ' +
          '(communes) after a disaster or an epidemic. The answer is the preview: the loans eligible with their ' +
          'outstanding principal and interest, and the loans left out with the reason — not active, already ' +
          "frozen, nothing to extend, or the loan's own limit (EXTENSION_TOO_LONG, FREEZE_TOO_LONG, …) found by " +
          'trying the measure on the loan. Nothing changes on any loan until another approver approves. ' +
          'Errors: REFERENCE_NOT_FOUND (point), DUPLICATE (decision number), DATE_IN_FUTURE, VALIDATION_ERROR.',
        headers: IdempotencyHeaders(false),
        body: ReliefInput,
        response: {
          201: ref(ReliefDecision),
          ...errorResponses('REFERENCE_NOT_FOUND', 'DUPLICATE', 'DATE_IN_FUTURE'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.proposeRelief(ctx, req.body) as never,
      })),
  )

  listRoute(
    app,
    '/relief-decisions',
    {
      tag: 'Loans',
      summary: 'List relief decisions',
      description: "Decisions in the caller's scope (branch staff: their branch) with preview and progress, by id.",
      filters: ListReliefQuery,
      item: ref(ReliefDecisionSummary),
      roles: RELIEF_READERS,
    },
    (db, actor, q, afterId, limit) => service.listRelief(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/relief-decisions/:id',
    {
      config: { auth: RELIEF_READERS },
      schema: {
        tags: ['Loans'],
        summary: 'Get a relief decision with its loans',
        description: 'The decision, its preview and progress, and each loan: eligible or why not, and its result.',
        params: IdParams,
        response: { 200: ref(ReliefDecision), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getRelief(app.sqlite, req.actor, req.params.id) as never,
  )

  const applySchema = (summary: string, description: string) => ({
    config: { auth: APPROVER_ROLES },
    schema: {
      tags: ['Loans'],
      summary,
      description,
      params: IdParams,
      headers: IdempotencyHeaders(true),
      body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      response: { 200: ref(ReliefDecision), ...errorResponses('NOT_FOUND', 'FOUR_EYES', 'INVALID_STATE') },
    },
  })

  app.post(
    '/relief-decisions/:id/approve',
    applySchema(
      'Approve and apply a relief decision',
      'Another approver than the proposer (FOUR_EYES) — a branch manager of the branch or an admin — approves; ' +
        "the measure is then applied to each eligible loan through the loan's own extension or freeze rules, " +
        '100 loans per transaction, each batch audited. A loan its rules refuse now is skipped with the code; ' +
        'the others go on. If the work stops midway the decision stays `applying`: approving again (or resume) ' +
        'continues where it stopped, never applying twice to a loan. Idempotency-Key required. Errors: ' +
        'NOT_FOUND, FOUR_EYES, INVALID_STATE (rejected).',
    ),
    (req, reply) => applyAll(req, reply, false),
  )

  app.post(
    '/relief-decisions/:id/resume',
    applySchema(
      'Resume applying a relief decision',
      'Continues an approved decision left `applying` (the loans without a result); an applied decision is ' +
        'answered as it is. Idempotency-Key required. Errors: NOT_FOUND, INVALID_STATE (proposed or rejected).',
    ),
    (req, reply) => applyAll(req, reply, true),
  )

  app.post(
    '/relief-decisions/:id/reject',
    {
      config: { auth: APPROVER_ROLES },
      schema: {
        tags: ['Loans'],
        summary: 'Reject a proposed relief decision',
        description:
          'Rejects the proposed decision with a reason (the proposer may withdraw their own this way); no loan ' +
          'changes and its number is free again. Errors: NOT_FOUND, INVALID_STATE (not proposed).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: Type.Object({ reason: Text(500) }, { additionalProperties: false }),
        response: { 200: ref(ReliefDecision), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.rejectRelief(ctx, req.params.id, req.body.reason) as never,
      })),
  )
}
