/** TypeBox building blocks shared by every module: one schema → validation, types, OpenAPI. */
import { Type, type TSchema } from 'typebox'
import { DomainError } from '../domain/errors.js'
import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.js'

/** Integer VND: a safe, non-negative integer (no minor unit, never a float). */
/**
 * Amounts in requests are capped at 10^15 VND (far above any portfolio): interest on
 * such an amount at any rate stays a safe integer, so no request can overflow the money paths.
 */
export const MAX_VND = 1_000_000_000_000_000
export const Vnd = (description = 'Amount in VND (integer, no minor unit)') =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description })
export const PositiveVnd = (description = 'Amount in VND (integer > 0)') =>
  Type.Integer({ minimum: 1, maximum: MAX_VND, description: `${description}; at most 10^15` })
export const BusinessDateSchema = (description = 'Business date, YYYY-MM-DD (Asia/Ho_Chi_Minh calendar)') =>
  Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description, examples: ['2025-03-10'] })
export const Id = (description = 'Identifier') => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description })
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) })
export const Text = (max = 200, description?: string) => Type.String({ minLength: 1, maxLength: max, description })

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code' }),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
)

const problemRef = Type.Ref('Problem')

/**
 * A named shape of the API: `components.schemas.<name>` in the OpenAPI document, so client generators
 * get one named type instead of inline copies. The definition is registered once (app.addSchema, the
 * list in src/modules/components.ts) and every use goes through ref(); a definition used inline next
 * to its registration fails at start-up (two schemas with one $id), an unregistered one cannot resolve.
 */
export function component<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, $id: name }
}

/** A `$ref` to a named component, typed as the component itself (handlers keep their checked types). */
export function ref<T extends TSchema>(schema: T): T {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('ref(): the schema is not a named component (no $id)')
  return Type.Ref(id) as TSchema as T
}

/**
 * Codes any operation may answer, whatever it does: the request itself (validation, size, media type),
 * credentials and the staff session, the rate limiter, a busy database, an unexpected failure. They are
 * listed once (docs/api.md, and `x-common-error-codes` at the top of the OpenAPI document), not per operation.
 */
export const COMMON_ERROR_CODES = [
  'VALIDATION_ERROR',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'SESSION_EXPIRED',
  'CSRF_TOKEN_INVALID',
  'PASSWORD_CHANGE_REQUIRED',
  'TOO_MANY_REQUESTS',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'URI_TOO_LONG',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'SERVICE_BUSY',
  'NOT_READY',
  'INTERNAL',
] as const satisfies readonly ErrorCode[]

/** Codes of the idempotency layer: added by the OpenAPI plugin to every operation that takes an Idempotency-Key. */
export const IDEMPOTENCY_ERROR_CODES = [
  'IDEMPOTENCY_KEY_REQUIRED',
  'IDEMPOTENCY_IN_FLIGHT',
  'IDEMPOTENCY_KEY_REUSED',
] as const satisfies readonly ErrorCode[]

/** The extension naming an operation's own error codes (on each problem response, then on the operation). */
export const X_ERROR_CODES = 'x-error-codes'

/**
 * An operation's error responses from its own error codes (typed: a misspelt code does not compile).
 * The codes are grouped by their status in the registry; each response says which codes it carries
 * ("NOT_FOUND: Not found …"), always with 400, 401 and 403 (the common codes). The OpenAPI plugin lifts
 * the codes into the operation's `x-error-codes`, and the test build checks every code a route answers
 * is declared there (src/platform/error-code-check.ts).
 */
export function errorResponses(...codes: ErrorCode[]): Record<number, TSchema> {
  const byStatus = new Map<number, ErrorCode[]>([
    [400, []],
    [401, []],
    [403, []],
  ])
  for (const code of new Set(codes)) {
    const status = ERROR_CODES[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  const out: Record<number, TSchema> = {}
  for (const [status, own] of [...byStatus].sort(([a], [b]) => a - b)) {
    const text = own.includes('FOUR_EYES')
      ? `${describe(status)}, or a step the same person may not take twice (four eyes)`
      : describe(status)
    const description = own.length ? `${own.join(', ')}: ${text}` : text
    out[status] = { ...problemRef, description, [X_ERROR_CODES]: own } as TSchema
  }
  return out
}

function describe(status: number): string {
  switch (status) {
    case 400:
      return 'Invalid request (VALIDATION_ERROR lists each bad field)'
    case 401:
      return 'Missing or invalid credentials (API key, or staff session cookie)'
    case 403:
      return "Outside the caller's role or scope"
    case 404:
      return "Not found (or outside the caller's scope)"
    case 409:
      return 'Conflict: invalid state transition, duplicate, or request still in flight'
    case 413:
      return 'Request body too large'
    case 415:
      return 'Unsupported Content-Type'
    case 422:
      return 'Business rule violated (see code)'
    case 503:
      return 'Database busy; retry after the Retry-After header'
    default:
      return 'Error'
  }
}

export const ListQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size' })),
  cursor: Type.Optional(Type.String({ maxLength: 100, description: 'Opaque cursor from nextCursor' })),
}

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) })

/**
 * A list that is small by nature (a loan's history, a user's keys): the whole list in one page, `nextCursor` always
 * null.
 */
export const OnePage = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Null({ description: 'Always null: the whole list is one page' }),
  })

export const IdempotencyHeaders = (required: boolean) =>
  Type.Object({
    // Declared optional so a missing key gets the specific IDEMPOTENCY_KEY_REQUIRED code from the command bus.
    'idempotency-key': Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          `${required ? 'Required' : 'Optional'}. Same key + same body replays the first response (Idempotency-Replayed: ` +
          `true).`,
      }),
    ),
  })

/** Cursor pagination over integer ids (ascending). */
export function pageOf<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const nextCursor = rows.length > limit ? String(items[items.length - 1]!.id) : null
  return { items, nextCursor }
}

export function cursorId(cursor: string | undefined): number {
  if (cursor === undefined) return 0
  if (!/^\d{1,10}$/.test(cursor)) {
    throw new DomainError('VALIDATION_ERROR', 'cursor is not valid', {
      errors: [{ field: 'querystring.cursor', message: 'is not a cursor returned by this list' }],
    })
  }
  return Number(cursor)
}
