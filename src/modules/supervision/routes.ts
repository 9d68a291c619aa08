import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Page,
  cursorId,
  errorResponses,
  pageOf,
  ref,
} from '../../platform/http-schemas.js'
import { DomainError } from '../../platform/errors.js'
import type { Role } from '../../platform/auth.js'
import { AnswerInput, FindingInput, FindingsQuery, SupervisionFinding } from './schemas.js'
import * as service from './service.js'

const TAG = 'Supervision'
/** Who reads findings: the supervisors and branch staff whose scope holds one of its branches, and the read-all roles. */
const READERS: readonly Role[] = ['admin', 'finance', 'auditor', 'supervisor', 'branch_officer', 'branch_manager']
/** Who answers: staff of a branch under the area, or admin. */
const ANSWERERS: readonly Role[] = ['admin', 'branch_officer', 'branch_manager']

/** Supervision findings (docs/rules.md §22); registered under /v1 by src/app.ts. */
export default async function supervisionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/supervision-findings',
    {
      config: { auth: ['supervisor'] },
      schema: {
        tags: [TAG],
        summary: 'Record a supervision finding',
        description:
          'A supervisor (Fatherland Front, a mass organisation) records what it found in an area of its scope: an ' +
          'office (officeId) or a commune or village (placeId), optionally about one loan or application of the ' +
          'area, with what it asks the branch to do. The branches under the area see it and answer it. Errors: ' +
          'VALIDATION_ERROR (officeId and placeId: exactly one), REFERENCE_NOT_FOUND (no such office or place), ' +
          'FORBIDDEN (the area reaches beyond your scope), AREA_HAS_NO_BRANCH, DATE_IN_FUTURE, NOT_FOUND (loan or ' +
          'application outside your scope), OUTSIDE_AREA (the loan or application is not in the area).',
        headers: IdempotencyHeaders(false),
        body: FindingInput,
        response: {
          201: ref(SupervisionFinding),
          ...errorResponses('REFERENCE_NOT_FOUND', 'AREA_HAS_NO_BRANCH', 'DATE_IN_FUTURE', 'NOT_FOUND', 'OUTSIDE_AREA'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.recordFinding(ctx, req.body),
      })),
  )

  app.get(
    '/supervision-findings',
    {
      config: { auth: READERS },
      schema: {
        tags: [TAG],
        summary: 'List supervision findings',
        description:
          "Findings on an area that holds a branch of the caller's scope (all of them for admin, finance, auditor), " +
          'by id; filters combine (AND), `from`/`to` on the finding date.',
        querystring: Type.Object({ ...FindingsQuery, ...ListQuery }, { additionalProperties: false }),
        response: { 200: Page(ref(SupervisionFinding)), ...errorResponses() },
      },
    },
    async (req) => {
      const { from, to } = req.query
      if (from && to && from > to)
        throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
          errors: [{ field: 'querystring.from', message: 'must not be after to' }],
        })
      const limit = req.query.limit ?? 50
      return pageOf(service.listFindings(app.sqlite, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
    },
  )

  app.get(
    '/supervision-findings/:id',
    {
      config: { auth: READERS },
      schema: {
        tags: [TAG],
        summary: 'One supervision finding',
        description: 'The finding with its answers (404 when none of its branches is in the caller’s scope).',
        params: IdParams,
        response: { 200: ref(SupervisionFinding), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getFinding(app.sqlite, req.actor, req.params.id),
  )

  app.post(
    '/supervision-findings/:id/answer',
    {
      config: { auth: ANSWERERS },
      schema: {
        tags: [TAG],
        summary: "Answer a supervision finding (the branch's reply)",
        description:
          'Staff of a branch under the finding’s area (or admin) answer it: what the branch says and did. Answers ' +
          'are added, never changed; a finding may get several (one per branch of a province, a later follow-up) ' +
          'and is `answered` from the first. `branchId` names the answering branch when the caller could answer ' +
          'for several. Errors: NOT_FOUND (finding outside your scope), VALIDATION_ERROR (branchId needed), ' +
          "OUTSIDE_AREA (branchId not one of the finding's branches), FORBIDDEN (branchId outside your scope).",
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: AnswerInput,
        response: { 201: ref(SupervisionFinding), ...errorResponses('NOT_FOUND', 'OUTSIDE_AREA') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.answerFinding(ctx, req.params.id, req.body),
      })),
  )
}
