import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { createRoute } from '../../platform/routes.js'
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
import { makeBusinessDateReader } from '../../platform/business-date.js'
import * as s from './schemas.js'
import * as service from './service.js'
import { ALL_ROLES, BRANCH_STAFF_ROLES, REGISTRAR_ROLES } from '../../platform/auth.js'

/** Commune decisions and household changes are recorded by the branch (docs/rules.md §4). */

export default async function householdsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const businessDate = makeBusinessDateReader(app.sqlite)

  createRoute(
    app,
    '/households',
    {
      tag: 'Households',
      summary: 'Register a household',
      description:
        "A borrower household, member of one savings-and-loan group. The head's 12-digit citizen ID is " +
        'unique. Partner officers register households of their own groups; branch staff of their branch. ' +
        'Errors: DUPLICATE, REFERENCE_NOT_FOUND, FORBIDDEN.',
      body: s.HouseholdInput,
      response: ref(s.Household),
      roles: REGISTRAR_ROLES,
    },
    service.createHousehold,
  )

  app.get(
    '/households',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Find households',
        description:
          "Households visible to the caller (partner officer: the partner's groups; branch staff: their " +
          'branch), in id order. ' +
          ('`q` searches by name — case- and diacritic-insensitive, every word must appear somewhere in the ' +
            'head\'s name, in any order ("nguyen thi lan" finds "Nguyễn Thị Lan"; d finds đ) — ') +
          ('or, when it is 1–12 digits, by citizen-ID prefix. `nationalId` is a citizen ID or its first ' +
            'digits. Filters combine (AND). ') +
          ("Each item carries the group's name, the transaction point, the poverty status on the business " +
            'date and whether the household has an active loan.'),
        querystring: s.HouseholdQuery,
        response: { 200: Page(ref(s.Household)), ...errorResponses() },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(
        service.listHouseholds(app.db, req.actor, req.query, cursorId(req.query.cursor), limit, businessDate()),
        limit,
      )
    },
  )

  app.get(
    '/households/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Get a household',
        description: 'One household with its current values and its poverty status on the business date.',
        params: IdParams,
        response: { 200: ref(s.Household), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getHousehold(app.db, req.actor, req.params.id, businessDate()),
  )

  app.post(
    '/households/:id/changes',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Change a household (address, head, area, group transfer)',
        description:
          'Records a change with its effective date (not after the business date) and reason; the history ' +
          'is kept (append-only) and the household shows the new values. ' +
          ('Give at least one of headName, nationalId (12 digits, unique), address (replaces the whole ' +
            'address; a missing line becomes empty), area, groupId. ') +
          'A change of head is a new headName and, usually, a new nationalId. ' +
          ("Group transfer: only to a group of the household's branch; the household's loans keep their " +
            'contract — their group, transaction point and partner stay as approved (listed in ' +
            'loansKeepingContract). ') +
          ('A change effective before a later-effective change of the same field is refused. Branch staff of ' +
            "the household's branch, or admin. ") +
          ('Errors: VALIDATION_ERROR, NOT_FOUND, DATE_IN_FUTURE, NO_CHANGE, DUPLICATE, REFERENCE_NOT_FOUND, ' +
            'GROUP_TRANSFER_OUT_OF_BRANCH, CHANGE_BEFORE_LATER_CHANGE.'),
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.HouseholdChangeInput,
        response: {
          201: s.HouseholdChangeResult,
          ...errorResponses(
            'NOT_FOUND',
            'DATE_IN_FUTURE',
            'NO_CHANGE',
            'DUPLICATE',
            'REFERENCE_NOT_FOUND',
            'GROUP_TRANSFER_OUT_OF_BRANCH',
            'CHANGE_BEFORE_LATER_CHANGE',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.changeHousehold(ctx, req.params.id, req.body),
      })),
  )

  app.get(
    '/households/:id/changes',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Household change history',
        description:
          'Every recorded change of the household, oldest first, each with the values before and after of ' +
          'the fields it touched.',
        params: IdParams,
        querystring: Type.Object({ ...ListQuery }, { additionalProperties: false }),
        response: { 200: Page(ref(s.HouseholdChange)), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => {
      const limit = req.query.limit ?? 50
      return pageOf(service.listChanges(app.db, req.actor, req.params.id, cursorId(req.query.cursor), limit), limit)
    },
  )

  app.post(
    '/households/:id/poverty-status',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Record a poverty-status decision',
        description:
          "Adds a commune decision to the household's timeline (append-only); recorded by branch staff. A " +
          'move from poor/near-poor to escaped/none after a disbursement is a poverty exit for the support ' +
          'rule. ' +
          ('Posting the same decision again (same decisionNo, status and effectiveDate) answers 200 with the ' +
            'first record and alreadyRecorded: true, writing nothing; ') +
          ('the same decisionNo with another status or date is 409 DUPLICATE (a decision number identifies ' +
            'one decision; a revoked record frees its number). Errors: NOT_FOUND, DUPLICATE.'),
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.PovertyRecordInput,
        response: {
          200: s.PovertyDecisionResult,
          201: s.PovertyDecisionResult,
          ...errorResponses('NOT_FOUND', 'DUPLICATE'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => {
        const record = service.addPovertyRecord(ctx, req.params.id, req.body)
        return { statusCode: record.alreadyRecorded ? 200 : 201, body: record }
      }),
  )

  app.post(
    '/households/:id/poverty-status/:recordId/revoke',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Revoke a poverty-status decision',
        description:
          'Marks a decision recorded in error as revoked (append-only). A revoked exit cancels an unpaid ' +
          'support payment, and a paid one gets a recovery record.',
        params: Type.Object({
          id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
          recordId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        }),
        headers: IdempotencyHeaders(false),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: s.PovertyRecord, ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.revokePovertyRecord(ctx, req.params.id, req.params.recordId, req.body.reason),
      })),
  )

  app.get(
    '/households/:id/poverty-status',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Households'],
        summary: 'Poverty-status timeline',
        description:
          'The decisions as a list (items in effective-date order, same day in the order recorded; ' +
          'paginated) and the status on a date (asOf, default: the business date) computed from the whole ' +
          'timeline.',
        params: IdParams,
        querystring: s.PovertyTimelineQuery,
        response: { 200: s.PovertyTimeline, ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) =>
      service.getTimeline(
        app.db,
        req.actor,
        req.params.id,
        req.query.asOf ?? businessDate(),
        req.query.cursor,
        req.query.limit ?? 50,
      ),
  )
}
