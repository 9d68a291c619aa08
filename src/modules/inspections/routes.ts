import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  BusinessDateSchema,
  Id,
  IdParams,
  IdempotencyHeaders,
  ListQuery,
  Page,
  Text,
  component,
  cursorId,
  errorResponses,
  pageOf,
  ref,
} from '../../platform/http-schemas.js'
import { ALL_ROLES, REGISTRAR_ROLES } from '../../platform/auth.js'
import { DomainError } from '../../platform/errors.js'
import { FINDING_LABELS, INSPECTION_FINDINGS, OUTCOME_KINDS, OUTCOME_LABELS } from '../../domain/inspection.js'
import * as service from './service.js'

const TAG = 'Loans'
const findings = INSPECTION_FINDINGS.map((f) => `\`${f}\`: ${FINDING_LABELS[f].en}`).join('; ')
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description })

const OutcomesInput = Type.Object(
  Object.fromEntries(OUTCOME_KINDS.map((k) => [k, Type.Optional(Count(OUTCOME_LABELS[k].en))])) as Record<
    (typeof OUTCOME_KINDS)[number],
    ReturnType<typeof Type.Optional<ReturnType<typeof Count>>>
  >,
  { additionalProperties: false, description: 'Outcomes counted at the inspection (whole numbers ≥ 0)' },
)

const InspectionInput = Type.Object(
  {
    loanId: Id('The disbursed loan inspected'),
    inspectedOn: BusinessDateSchema(
      'Date of the visit: on or after the first disbursement, not after the business date',
    ),
    inspector: Type.Optional(Text(200, 'Who inspected (names of a joint team); default: the user recording it')),
    finding: Type.Enum(INSPECTION_FINDINGS, { description: `How the capital is used — ${findings}` }),
    evidence: Text(2000, 'What was seen: the minutes, photos, what the borrower bought or built'),
    outcomes: Type.Optional(OutcomesInput),
  },
  { additionalProperties: false },
)

export const Inspection = component(
  'Inspection',
  Type.Object({
    id: Id(),
    loanId: Id(),
    branchId: Id(),
    partnerId: Id(),
    inspectedOn: Type.String(),
    inspector: Type.String(),
    finding: Type.Enum(INSPECTION_FINDINGS),
    evidence: Type.String(),
    outcomes: Type.Object(
      Object.fromEntries(OUTCOME_KINDS.map((k) => [k, Count(OUTCOME_LABELS[k].en)])) as Record<
        (typeof OUTCOME_KINDS)[number],
        ReturnType<typeof Count>
      >,
      { description: 'Every outcome kind, 0 when not counted' },
    ),
    recordedBy: Type.Integer(),
    recordedOn: Type.String({ description: 'Business date it was recorded' }),
    createdAt: Type.String(),
  }),
)

export default async function inspectionsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/inspections',
    {
      config: { auth: REGISTRAR_ROLES },
      schema: {
        tags: [TAG],
        summary: 'Record an inspection after disbursement',
        description:
          "Branch staff of the loan's branch or a partner officer of its partner (inspections are often joint) " +
          'record how the capital is used, with an evidence note and the outcomes counted. A record: never ' +
          'changed; a correction is a new inspection, and the latest one stands for the loan. A `misused` ' +
          'finding allows a recall proposal (POST /v1/loans/{id}/recall). Errors: NOT_FOUND (loan outside ' +
          'scope), NOT_DISBURSED, DATE_IN_FUTURE, DATE_ORDER (before the first disbursement).',
        headers: IdempotencyHeaders(false),
        body: InspectionInput,
        response: {
          201: ref(Inspection),
          ...errorResponses('NOT_FOUND', 'NOT_DISBURSED', 'DATE_IN_FUTURE', 'DATE_ORDER'),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 201,
        body: service.recordInspection(ctx, req.body),
      })),
  )

  app.get(
    '/inspections',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'List inspections',
        description: "Inspections in the caller's scope, by id; filters combine (AND), `from`/`to` on inspectedOn.",
        querystring: Type.Object(
          {
            loanId: Type.Optional(Id('Only this loan')),
            finding: Type.Optional(Type.Enum(INSPECTION_FINDINGS)),
            from: Type.Optional(BusinessDateSchema('Inspected on or after')),
            to: Type.Optional(BusinessDateSchema('Inspected on or before')),
            ...ListQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(ref(Inspection)), ...errorResponses() },
      },
    },
    async (req) => {
      const { from, to } = req.query
      if (from && to && from > to)
        throw new DomainError('VALIDATION_ERROR', 'from must not be after to', {
          errors: [{ field: 'querystring.from', message: 'must not be after to' }],
        })
      const limit = req.query.limit ?? 50
      return pageOf(service.listInspections(app.sqlite, req.actor, req.query, cursorId(req.query.cursor), limit), limit)
    },
  )

  app.get(
    '/inspections/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: [TAG],
        summary: 'One inspection',
        description: 'The inspection with its outcomes (404 outside the caller’s scope).',
        params: IdParams,
        response: { 200: ref(Inspection), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => service.getInspection(app.sqlite, req.actor, req.params.id),
  )
}
