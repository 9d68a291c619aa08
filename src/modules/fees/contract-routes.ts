import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ALL_ROLES } from '../../platform/auth.js'
import { IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { listRoute } from '../../platform/routes.js'
import { ContractBody, ContractEndBody, ContractListQuery, EntrustmentContract } from './contract-schemas.js'
import * as contracts from './contracts.js'

/** Entrustment contracts by level (docs/rules.md §23); registered under /v1 by src/app.ts. */
export default async function contractRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()

  app.post(
    '/entrustment-contracts',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Finance'],
        summary: 'Record an entrustment contract signed by a partner of any level',
        description:
          'A contract signed by a province union, district association or commune chapter with the bank office of ' +
          "its level (the partner's office), with its own entrustment fee and group commission rates. For a loan " +
          "of a group, the fees of a month are paid to the nearest partner up the group's partner tree with a " +
          "contract in force on the month's last day, at that contract's rates (docs/rules.md §23). Append-only: " +
          'ended by POST /v1/entrustment-contracts/{id}/end. Idempotency-Key required. Errors: CONTRACT_OVERLAP ' +
          '(the partner has a contract sharing a day), DUPLICATE (contract number), REFERENCE_NOT_FOUND, ' +
          'DATE_IN_FUTURE (signedOn), DATE_ORDER.',
        headers: IdempotencyHeaders(true),
        body: ContractBody,
        response: {
          201: ref(EntrustmentContract),
          ...errorResponses(
            'CONTRACT_OVERLAP',
            'DUPLICATE',
            'REFERENCE_NOT_FOUND',
            'DATE_IN_FUTURE',
            'DATE_ORDER',
            'INVALID_STATE',
          ),
        },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 201,
        body: contracts.createContract(ctx, req.body),
      })),
  )

  app.post(
    '/entrustment-contracts/:id/end',
    {
      config: { auth: ['admin'] },
      schema: {
        tags: ['Finance'],
        summary: 'End an entrustment contract',
        description:
          'Records its last day in force (an end record; the contract is not edited), no later than its signed end. ' +
          'Months whose last day is after it go to the next partner up with a contract, else to the fee-rate ' +
          'versions. Idempotency-Key required. Errors: NOT_FOUND, INVALID_STATE (already ended), DATE_ORDER.',
        params: IdParams,
        headers: IdempotencyHeaders(true),
        body: ContractEndBody,
        response: { 200: ref(EntrustmentContract), ...errorResponses('NOT_FOUND', 'INVALID_STATE', 'DATE_ORDER') },
      },
    },
    (req, reply) =>
      app.commands.handle(req, reply, 'required', (ctx) => ({
        statusCode: 200,
        body: contracts.endContract(ctx, req.params.id, req.body),
      })),
  )

  listRoute(
    app,
    '/entrustment-contracts',
    {
      tag: 'Finance',
      summary: 'List entrustment contracts',
      description:
        'Contracts by id, with their end. A partner officer sees those of its partner, of the partners under it ' +
        'and of the partners above it (the ones that pay for its groups); branch staff those of the partners of ' +
        'their branches and above; admin, finance and auditor all.',
      filters: ContractListQuery,
      item: ref(EntrustmentContract),
      roles: ALL_ROLES,
    },
    (db, actor, q, afterId, limit) => contracts.listContracts(db.$client, actor, q, afterId, limit),
  )

  app.get(
    '/entrustment-contracts/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Finance'],
        summary: 'One entrustment contract',
        description: 'The contract with its end, if ended (404 outside the caller’s scope, as the list).',
        params: IdParams,
        response: { 200: ref(EntrustmentContract), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => contracts.getContract(app.sqlite, req.actor, req.params.id),
  )
}
