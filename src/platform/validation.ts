/**
 * Request validation. Bodies are validated WITHOUT type coercion ("100" is not
 * an amount, 1.5 is not VND); query strings and path params are coerced from
 * text, as they can only be text — but a number in a path or query must be
 * written in plain decimal digits ("0x10", "1e3", " 1", "Infinity" are refused,
 * where Ajv's coercion would have read them as numbers).
 *
 * Strictness: an unknown body field or query parameter is a 400 VALIDATION_ERROR
 * naming it, never silently dropped (a typo such as "principalplan" must not
 * fall back to a default). Every object schema of a request part without an
 * explicit `additionalProperties` is closed here, once, when the route is added,
 * so the published OpenAPI document says the same; a route that declares no
 * query string accepts none.
 */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { isBusinessDate } from '../domain/dates.js'

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  })
  addFormats(ajv)
  // A real calendar date: 2025-02-30 is refused.
  ajv.addFormat('date', { type: 'string', validate: (s: string) => isBusinessDate(s) })
  return ajv
}

type JsonSchema = Record<string, unknown>

// One pair per process, shared by every app built in it (tests build hundreds): ajv caches a compiled
// validator per schema object, and the route schemas are module constants, so each is compiled once.
const bodyAjv = makeAjv(false)
const textAjv = makeAjv(true)

/**
 * Closes every object schema (nested ones too) that does not say otherwise. Mutates in place: schemas are built
 * once.
 */
export function closeObjects(schema: unknown, seen = new Set<unknown>()): void {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return
  seen.add(schema)
  const s = schema as JsonSchema
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item, seen)
    return
  }
  if (
    (s.type === 'object' || s.properties !== undefined) &&
    s.additionalProperties === undefined &&
    s.patternProperties === undefined
  ) {
    s.additionalProperties = false
  }
  for (const key of ['properties', 'items', 'anyOf', 'oneOf', 'allOf', 'not', 'then', 'else', 'if']) {
    const child = s[key]
    if (key === 'properties' && child && typeof child === 'object') {
      for (const value of Object.values(child as JsonSchema)) closeObjects(value, seen)
    } else if (child !== undefined) closeObjects(child, seen)
  }
}

const EMPTY_QUERY = { type: 'object', properties: {}, additionalProperties: false }
const DECIMAL = /^-?\d{1,16}$/

/** Names of the properties typed integer/number (directly, or as the only non-null member of a union). */
function numericProperties(schema: unknown): string[] {
  const props = (schema as JsonSchema | undefined)?.properties as Record<string, JsonSchema> | undefined
  if (!props) return []
  const numeric = (s: JsonSchema | undefined): boolean =>
    !!s &&
    (s.type === 'integer' || s.type === 'number' || (Array.isArray(s.anyOf) && (s.anyOf as JsonSchema[]).some(numeric)))
  return Object.keys(props).filter((k) => numeric(props[k]))
}

/** Refuses non-decimal spellings of numbers before Ajv coerces them. */
function decimalOnly(validate: ValidateFunction, keys: string[]): ValidateFunction {
  if (keys.length === 0) return validate
  const wrapped = ((data: unknown) => {
    const bad = keys.filter((k) => {
      const v = (data as Record<string, unknown> | null)?.[k]
      return typeof v === 'string' && !DECIMAL.test(v)
    })
    if (bad.length > 0) {
      wrapped.errors = bad.map((k) => ({
        instancePath: `/${k}`,
        schemaPath: '#/decimal',
        keyword: 'type',
        params: {},
        message: 'must be written in decimal digits',
      }))
      return false
    }
    const ok = validate(data)
    wrapped.errors = validate.errors
    return ok
  }) as ValidateFunction
  return wrapped
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
    if (
      request.body === undefined &&
      (request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH')
    )
      request.body = {}
  })
  app.addHook('onRoute', (route: RouteOptions) => {
    // Swagger UI's own files and the raw OpenAPI document take no parameters worth refusing.
    if (route.url.startsWith('/docs') || (route.schema as { hide?: boolean } | undefined)?.hide) return
    const schema = (route.schema ??= {}) as Record<string, unknown>
    schema.querystring ??= EMPTY_QUERY
    for (const part of ['body', 'querystring', 'params']) closeObjects(schema[part])
  })
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart === 'body') return bodyAjv.compile(schema)
    const validate = textAjv.compile(schema)
    return httpPart === 'params' || httpPart === 'querystring'
      ? decimalOnly(validate, numericProperties(schema))
      : validate
  })
}

const buildSerializer = SerializerSelector()
const serializers = new Map<string, SerializerSelector.Serializer>()

/**
 * Fastify's response serializer factory (fast-json-stringify), with each compiled serializer kept for the
 * process: the same response schema with the same shared components gets the same function. The server
 * builds one app, so it changes nothing there; the tests build hundreds, and compiling every route's
 * serializers took ~2 s per app (fast-json-stringify validates each schema against the meta-schema).
 */
export const sharedSerializerFactory: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = buildSerializer(externalSchemas, options)
  const context = JSON.stringify([externalSchemas ?? null, options ?? null])
  return (route) => {
    const key = `${context}\n${JSON.stringify(route.schema)}`
    let serializer = serializers.get(key)
    if (!serializer) {
      serializer = compile(route)
      serializers.set(key, serializer)
    }
    return serializer
  }
}
