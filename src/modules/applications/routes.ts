import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Id, IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import { APPLICATION_STATUSES } from '../../db/schema.js'
import * as s from './schemas.js'
import * as service from './service.js'
import { ALL_ROLES, BRANCH_STAFF_ROLES, REGISTRAR_ROLES } from '../../platform/auth.js'
import { FACT_INPUT_REASONS, FACT_RULE_REASONS } from '../../domain/borrower-facts.js'

/** docs/rules.md §15: the borrower facts refused as given, and the programme's fact rules. */
const BORROWER_FACT_CODES = [...FACT_INPUT_REASONS, ...FACT_RULE_REASONS]

export default async function applicationsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/applications',
    {
      config: { auth: ['partner_officer', 'branch_officer', 'admin'] },
      schema: {
        tags: ['Origination'],
        summary: 'Submit a loan application',
        description:
          'A partner officer submits for a household of one of its groups. Eligibility is checked now (and ' +
          'again at approval); a failure is 422 with the reason code (ELIGIBILITY_STATUS, ' +
          'ESCAPED_WINDOW_EXPIRED, AREA_NOT_ELIGIBLE, AMOUNT_ABOVE_CAP, TERM_ABOVE_MAX, ' +
          "GRACE_NOT_BELOW_TERM, DUPLICATE_ACTIVE_LOAN). principalPlan defaults to the programme's. " +
          'borrowerFacts: the facts the programme defines (student, released person, employer; a 422 names ' +
          "the fact refused and lists the rules checked as factsChecked); purposeCode: one of the programme's " +
          'active purposes (GET /v1/purposes).',
        headers: IdempotencyHeaders(false),
        body: s.ApplicationInput,
        response: {
          201: ref(s.Application),
          ...errorResponses(
            'NOT_FOUND',
            'AMOUNT_ABOVE_CAP',
            'AMOUNT_NOT_POSITIVE',
            'AREA_NOT_ELIGIBLE',
            'DATE_IN_FUTURE',
            'DUPLICATE',
            'DUPLICATE_ACTIVE_LOAN',
            'ELIGIBILITY_STATUS',
            'ESCAPED_WINDOW_EXPIRED',
            'GRACE_NOT_BELOW_TERM',
            'LOCAL_POLICY_NOT_APPLICABLE',
            'REFERENCE_NOT_FOUND',
            'TERM_ABOVE_MAX',
            'TERM_NOT_POSITIVE',
            ...BORROWER_FACT_CODES,
            'PURPOSE_NOT_IN_PROGRAMME',
            'PURPOSE_REQUIRED',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.submitApplication(ctx, req.body),
      })),
  )

  listRoute(
    app,
    '/applications',
    {
      tag: 'Origination',
      summary: 'List applications',
      description:
        "Applications visible to the caller (own partner / own branch), by id, with the borrower's name, " +
        "citizen ID and group. Filters combine (AND); `groupId` is the household's group. Each item shows " +
        "the household's priority attributes on the business date (`priority`), so a queue can put priority " +
        'households first.',
      filters: {
        status: Type.Optional(Type.Enum(APPLICATION_STATUSES)),
        householdId: Type.Optional(Id('Only this household')),
        groupId: Type.Optional(Id('Only households of this savings-and-loan group')),
        partnerId: Type.Optional(Id('Only this partner')),
        programmeCode: Type.Optional(
          Type.String({ minLength: 1, maxLength: 40, description: 'Only this programme (e.g. POOR)' }),
        ),
        priority: Type.Optional(
          Type.Boolean({
            description:
              'Only priority households (true: ethnic minority, or a remote / especially difficult commune or ' +
              'village on the business date, docs/rules.md §14) or only the others (false)',
          }),
        ),
      },
      item: ref(s.ApplicationListItem),
    },
    service.listApplications,
  )

  app.get(
    '/applications/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Origination'],
        summary: 'Get an application',
        description: "One application (404 outside the caller's scope).",
        params: IdParams,
        response: { 200: ref(s.Application), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getApplication(app.db, req.actor, req.params.id),
  )

  app.post(
    '/applications/:id/certify',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Origination'],
        summary: 'Record the commune certification',
        description:
          "submitted → certified: the commune People's Committee confirmed residence and eligibility " +
          '(decision number and date).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.CertifyInput,
        response: {
          200: ref(s.Application),
          ...errorResponses('NOT_FOUND', 'DATE_IN_FUTURE', 'DATE_ORDER', 'INVALID_STATE'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.certifyApplication(ctx, req.params.id, req.body),
      })),
  )

  app.post(
    '/applications/:id/approve',
    {
      config: { auth: ['branch_manager'] },
      schema: {
        tags: ['Origination'],
        summary: 'Approve an application (creates the loan)',
        description:
          "certified → approved, by a branch manager of the household's branch who neither submitted nor " +
          'certified it (FOUR_EYES). Eligibility is re-checked on the approval date. Returns the ' +
          'application with loanId.',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.ApproveInput,
        response: {
          200: ref(s.Application),
          ...errorResponses(
            'NOT_FOUND',
            'AMOUNT_ABOVE_CAP',
            'AMOUNT_NOT_POSITIVE',
            'AREA_NOT_ELIGIBLE',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'DUPLICATE_ACTIVE_LOAN',
            'ELIGIBILITY_STATUS',
            'ESCAPED_WINDOW_EXPIRED',
            'FOUR_EYES',
            'GRACE_NOT_BELOW_TERM',
            'INVALID_STATE',
            'LOCAL_POLICY_NOT_APPLICABLE',
            'REFERENCE_NOT_FOUND',
            'TERM_ABOVE_MAX',
            'TERM_NOT_POSITIVE',
            ...FACT_RULE_REASONS,
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.approveApplication(ctx, req.params.id, req.body ?? {}),
      })),
  )

  app.post(
    '/applications/:id/reject',
    {
      config: { auth: BRANCH_STAFF_ROLES },
      schema: {
        tags: ['Origination'],
        summary: 'Reject an application',
        description: 'submitted|certified → rejected, with a reason.',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.RejectInput,
        response: { 200: ref(s.Application), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.rejectApplication(ctx, req.params.id, req.body.reason),
      })),
  )

  app.post(
    '/applications/:id/withdraw',
    {
      config: { auth: REGISTRAR_ROLES },
      schema: {
        tags: ['Origination'],
        summary: 'Withdraw an application',
        description: 'submitted|certified → withdrawn (the household no longer wants the loan).',
        params: IdParams,
        headers: IdempotencyHeaders(false),
        body: s.WithdrawInput,
        response: { 200: ref(s.Application), ...errorResponses('NOT_FOUND', 'INVALID_STATE') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: service.withdrawApplication(ctx, req.params.id, req.body?.reason),
      })),
  )
}
