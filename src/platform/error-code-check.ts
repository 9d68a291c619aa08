/**
 * The test build's check that the published error codes are honest: every problem a route answers
 * carries a code declared for its operation (`x-error-codes`, from errorResponses) or one of the codes
 * any operation may answer (COMMON_ERROR_CODES). A code answered but not declared is collected, and
 * closing the app fails with the list (the test that provoked it then fails, naming route and code).
 * `ERROR_CODES_RECORD=<file>` also appends every answered (operation, code) pair to a file.
 */
import { appendFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { COMMON_ERROR_CODES, X_ERROR_CODES } from './http-schemas.js'

const COMMON = new Set<string>(COMMON_ERROR_CODES)

export function registerErrorCodeCheck(app: FastifyInstance): void {
  const undeclared = new Set<string>()
  const recordFile = process.env.ERROR_CODES_RECORD
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload
    const url = request.routeOptions.url
    // Unknown routes (the not-found handler) have no operation to declare codes on.
    if (!url || !String(reply.getHeader('content-type') ?? '').startsWith('application/problem+json')) return payload
    let code: unknown
    try {
      code = (JSON.parse(payload) as { code?: unknown }).code
    } catch {
      return payload
    }
    if (typeof code !== 'string') return payload
    const method = request.method === 'HEAD' ? 'GET' : request.method
    const operation = `${method} ${url}`
    if (recordFile) appendFileSync(recordFile, `${operation}\t${code}\n`)
    const declared = (request.routeOptions.schema as Record<string, unknown> | undefined)?.[X_ERROR_CODES] as
      string[] | undefined
    // Routes without a schema (Swagger UI's own, the console's files) publish nothing to check against.
    if (!declared) return payload
    if (!COMMON.has(code) && !declared.includes(code)) undeclared.add(`${operation} answered ${code}`)
    return payload
  })
  app.addHook('onClose', async () => {
    if (undeclared.size) {
      throw new Error(
        `error codes answered but not declared in the operation's errorResponses(...): ${[...undeclared].join('; ')}`,
      )
    }
  })
}
