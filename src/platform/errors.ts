/**
 * One error registry: every stable machine `code` gets its HTTP status here,
 * once. Domain code throws DomainError(code, detail); this module turns any
 * error into application/problem+json (RFC 9457) at the edge. No stack traces
 * or SQL ever leave the process.
 */
import type { Socket } from 'node:net'
import { randomUUID } from 'node:crypto'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../domain/errors.js'
import { ERROR_CODES, isErrorCode, type ErrorCode } from '../domain/error-codes.js'
import { SECURITY_HEADERS } from './security-headers.js'

export { DomainError }

/** The HTTP status of a code (every code is in the registry; the fallback only guards data from outside). */
export function statusForCode(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].status : 422
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  408: 'Request timeout',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
}

export type Language = 'vi' | 'en'

/**
 * The language of what a person reads in a problem: Vietnamese when the request's Accept-Language
 * prefers it (`vi`, `vi-VN`, or `vi` ranked above `en` by q-values), else English (the contract's default).
 */
export function problemLanguage(acceptLanguage: string | string[] | undefined): Language {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage
  if (!header) return 'en'
  let best: { lang: Language; q: number } = { lang: 'en', q: -1 }
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';')
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? '1',
    )
    const lang =
      tag === 'vi' || tag.startsWith('vi-') ? 'vi' : tag === 'en' || tag.startsWith('en-') || tag === '*' ? 'en' : null
    if (lang && Number.isFinite(q) && q > best.q) best = { lang, q }
  }
  return best.lang
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: { field: string; message: string }[]
  [extra: string]: unknown
}

/**
 * The problem for a code. English: the code's title and the specific detail. Vietnamese: the code's
 * Vietnamese title, and as detail what to do (the registry's sentence), with the specific English
 * detail kept in `detailEn` (its figures and ids are what support staff need).
 */
export function problem(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  language: Language = 'en',
): Problem {
  const entry = ERROR_CODES[code]
  const status = entry.status
  const type = `urn:policy-credit:problem:${code.toLowerCase().replace(/_/g, '-')}`
  // Details never override the standard members (a detail named `status` must not change the HTTP status).
  if (language === 'vi')
    return { ...extra, type, title: entry.vi, status, detail: entry.hintVi, detailEn: detail, code }
  return { ...extra, type, title: entry.en ?? TITLES[status] ?? 'Error', status, detail, code }
}

export function notFound(what: string, id: unknown): DomainError {
  return new DomainError('NOT_FOUND', `${what} ${String(id)} was not found`)
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  if ('detailEn' in p) reply.header('content-language', 'vi')
  return reply.code(p.status).type('application/problem+json').send(p)
}

interface AjvError {
  instancePath?: string
  message?: string
  params?: Record<string, unknown>
  keyword?: string
}

function validationProblem(error: FastifyError, language: Language): Problem {
  const part = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body'
  const all = (error.validation as AjvError[]).map((e) => {
    let path = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    if (e.keyword === 'required' && e.params?.missingProperty)
      path = path ? `${path}.${String(e.params.missingProperty)}` : String(e.params.missingProperty)
    let message = e.message ?? 'is invalid'
    if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) {
      path = path ? `${path}.${String(e.params.additionalProperty)}` : String(e.params.additionalProperty)
      // Unknown fields are refused, never dropped: a typo must not fall back to a default.
      message =
        part === 'querystring' ? 'is not a known query parameter of this operation' : 'is not a known field here'
    }
    return { field: path ? `${part}.${path}` : part, message }
  })
  // One entry per field (with allErrors a bad date fails both its pattern and its format).
  const byField = new Map<string, string[]>()
  for (const e of all) byField.set(e.field, [...(byField.get(e.field) ?? []), e.message])
  const errors = [...byField].map(([field, messages]) => ({ field, message: [...new Set(messages)].join('; ') }))
  return problem(
    'VALIDATION_ERROR',
    `The request ${part} is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
    { errors },
    language,
  )
}

/** SQLite "database is locked/busy": the caller may retry; nothing was written. */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT'
}

export function toProblem(error: unknown, language: Language = 'en'): Problem {
  const problem_ = (code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) =>
    problem(code, detail, extra, language)
  if (error instanceof DomainError) return problem_(error.code, error.message, error.details ?? {})
  const fe = error as FastifyError
  if (fe && Array.isArray(fe.validation)) return validationProblem(fe, language)
  const sqliteCode = (error as { code?: string }).code
  if (sqliteCode === 'SQLITE_CONSTRAINT_UNIQUE' || sqliteCode === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return problem_('DUPLICATE', 'A record with the same unique values already exists')
  }
  if (sqliteCode === 'SQLITE_CONSTRAINT_FOREIGNKEY')
    return problem_('REFERENCE_NOT_FOUND', 'A referenced record does not exist')
  if (isBusy(error)) return problem_('SERVICE_BUSY', 'The database is busy; retry shortly. Nothing was written.')
  if (fe?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problem_('PAYLOAD_TOO_LARGE', 'The request body is too large')
  if (fe?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return problem_('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type')
  if (
    fe?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
    fe?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    (fe instanceof SyntaxError && fe.statusCode === 400)
  ) {
    return problem_('BAD_REQUEST', 'The request body is not valid JSON')
  }
  // The pure domain signals impossible values (e.g. a result outside the safe integer range) with RangeError.
  if (error instanceof RangeError) return problem_('OUT_OF_RANGE', error.message)
  if (fe?.code === 'FST_ERR_RATE_LIMIT_EXCEEDED' || fe?.statusCode === 429)
    return problem_('TOO_MANY_REQUESTS', 'Too many failed attempts; slow down')
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problem_('BAD_REQUEST', fe.message || 'Bad request')
  }
  return problem_('INTERNAL', 'An unexpected error occurred; it has been logged.')
}

/**
 * Router-level errors (bad percent-encoding, over-long parameters) answered as problems, without echoing the URL.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const language = problemLanguage(request.headers['accept-language'])
  const p =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? problem('URI_TOO_LONG', 'A path parameter is too long', {}, language)
      : problem('BAD_REQUEST', 'The request URL is malformed', {}, language)
  void sendProblem(reply, p)
}

/**
 * Requests that Node's HTTP parser refuses before any routing (a malformed header name, a garbage
 * request line, Content-Length together with Transfer-Encoding, headers over the size limit) are
 * answered like every other refusal: problem+json with a code, the security headers and an
 * x-request-id — then the connection is closed, as the parser cannot find the next request.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy()
    return
  }
  const p =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem('HEADERS_TOO_LARGE', 'The request line or headers are too large')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem('REQUEST_TIMEOUT', 'The request was not received in time')
        : problem(
            'BAD_REQUEST',
            'The request could not be parsed as HTTP (malformed request line or headers, or conflicting ' +
              'Content-Length and Transfer-Encoding)',
          )
  const body = JSON.stringify(p)
  const headers: Record<string, string | number> = {
    ...SECURITY_HEADERS,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': randomUUID(),
    connection: 'close',
  }
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')
  socket.end(`HTTP/1.1 ${p.status} ${TITLES[p.status] ?? 'Error'}\r\n${head}\r\n\r\n${body}`)
}

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const p = toProblem(error, problemLanguage(request.headers['accept-language']))
    if (p.status >= 500) request.log.error({ err: error }, 'request failed')
    if (p.code === 'SERVICE_BUSY') reply.header('Retry-After', '1')
    p.instance = request.url.split('?')[0]
    return sendProblem(reply, p)
  })
  app.setNotFoundHandler((request, reply) => {
    const p = problem(
      'NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]}`,
      {},
      problemLanguage(request.headers['accept-language']),
    )
    return sendProblem(reply, p)
  })
}
