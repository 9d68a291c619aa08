/**
 * Request validation. Bodies are validated WITHOUT type coercion ("100" is not
 * an amount, 1.5 is not VND); query strings and path params are coerced from
 * text, as they can only be text. Unknown body fields are removed.
 */
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { isBusinessDate } from '../domain/dates.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes: coerce ? 'array' : false, useDefaults: true, removeAdditional: true, allErrors: true, strict: false })
  addFormats(ajv)
  // A real calendar date: 2025-02-30 is refused.
  ajv.addFormat('date', { type: 'string', validate: (s: string) => isBusinessDate(s) })
  return ajv
}

export function registerValidation(app: FastifyInstance): void {
  // An empty JSON body (or none) on a POST means "no fields": actions such as /approve need none.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, {})
    return parseJson(request, body as string, done)
  })
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined && (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')) request.body = {}
  })
  const bodyAjv = makeAjv(false)
  const textAjv = makeAjv(true)
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodyAjv : textAjv
    return ajv.compile(schema)
  })
}
