/** Routes of the organisation tree (docs/rules.md §20): offices and places; registered under /v1 by src/app.ts. */
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ALL_ROLES } from '../../platform/auth.js'
import { IdParams, IdempotencyHeaders, errorResponses, ref } from '../../platform/http-schemas.js'
import { createRoute, listRoute } from '../../platform/routes.js'
import * as s from './tree-schemas.js'
import * as tree from './tree.js'
import { applyImport, dryRunImport, receivedImport } from './tree-import.js'

const CSV_BODY_LIMIT = 1_048_576

export default async function treeRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  // Lists of places may be uploaded as CSV (scoped to this plugin).
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  )

  createRoute(
    app,
    '/offices',
    {
      tag: 'Organisation',
      summary: 'Create an office',
      description:
        'A province office under the head office (or under `parentId`). The head office exists in every ' +
        'database; a district office is a branch, created with POST /v1/branches. Admin only. Errors: ' +
        'TREE_LEVEL_INVALID (a level under the wrong level, a second head office, a district here).',
      body: s.OfficeInput,
      response: ref(s.Office),
      errors: ['TREE_LEVEL_INVALID'],
    },
    tree.createOffice,
  )
  listRoute(
    app,
    '/offices',
    {
      tag: 'Organisation',
      summary: 'List offices',
      description:
        'The offices of the tree (head office, provinces, districts), by id; `underId` answers a subtree. Every ' +
        'staff role reads the whole tree (reference data).',
      filters: s.OfficesQuery,
      item: ref(s.Office),
    },
    (db, _actor, q, afterId, limit) => tree.listOffices(db.$client, q, afterId, limit),
  )
  app.get(
    '/offices/:id',
    {
      config: { auth: ALL_ROLES },
      schema: {
        tags: ['Organisation'],
        summary: 'Get an office with its children',
        description:
          'The office, the offices directly under it and, for a district office, the communes it serves. Every ' +
          'staff role. Errors: NOT_FOUND.',
        params: IdParams,
        response: { 200: ref(s.OfficeDetail), ...errorResponses('NOT_FOUND') },
      },
    },
    async (req) => tree.getOffice(app.sqlite, req.params.id),
  )

  createRoute(
    app,
    '/places',
    {
      tag: 'Organisation',
      summary: 'Create a commune or a village',
      description:
        'A commune served by a district office (`officeId`) or a village of a commune (`parentId`). Admin only. ' +
        'Errors: TREE_LEVEL_INVALID (a commune not under a district office, a village not under a commune).',
      body: s.PlaceInput,
      response: ref(s.Place),
      errors: ['TREE_LEVEL_INVALID'],
    },
    tree.createPlace,
  )
  listRoute(
    app,
    '/places',
    {
      tag: 'Organisation',
      summary: 'List communes and villages',
      description:
        'Places by id; `officeId` answers the places served by an office and the offices under it (a province: ' +
        'all its communes and villages). Every staff role (reference data).',
      filters: s.PlacesQuery,
      item: ref(s.Place),
    },
    (db, _actor, q, afterId, limit) => tree.listPlaces(db.$client, q, afterId, limit),
  )

  app.post(
    '/places/import',
    {
      config: { auth: ['admin'] },
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags: ['Organisation'],
        summary: 'Import provinces, districts, communes and villages (dry run, then apply)',
        description:
          'A list of (code, name, parent code[, kind]) as `text/csv` or JSON `{lines}`. A line is one level under ' +
          "its parent (known or in the list): under the head office's code a province office, under a province " +
          "office's code a district office (created as a branch), under a district office's code a commune, under " +
          "a commune's code a village. `mode=dry_run` (default) answers each line (create, unchanged, or conflict " +
          'with its problem) and writes nothing; `mode=apply` writes every new node in one command, top-down, ' +
          'only when no line conflicts. Admin only. Errors: PLACE_IMPORT_CONFLICTS (apply with a line in ' +
          'conflict), VALIDATION_ERROR (header, size), UNSUPPORTED_MEDIA_TYPE.',
        headers: IdempotencyHeaders(false),
        querystring: s.ImportQuery,
        body: {
          content: { 'application/json': { schema: s.JsonImportBody }, 'text/csv': { schema: s.CsvImportBody } },
        } as unknown as typeof s.JsonImportBody,
        response: { 200: ref(s.PlaceImport), ...errorResponses('PLACE_IMPORT_CONFLICTS') },
      },
    },
    async (req, reply) => {
      const lines = receivedImport(req.headers['content-type'], req.body)
      // The idempotency fingerprint is the whole list, however it was sent.
      ;(req as { body: unknown }).body = { mode: req.query.mode ?? 'dry_run', lines }
      return app.commands.handle(req, reply, 'optional', (ctx) => ({
        statusCode: 200,
        body: (req.query.mode === 'apply' ? applyImport(ctx, lines) : dryRunImport(ctx.sqlite, lines)) as never,
      }))
    },
  )
}
