import type { Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'

/**
 * A rejected request: its status, a problem+json body with the stable `code`, and (optionally) the one bad field.
 */
export function assertRejected(t: Test, res: LightMyRequestResponse, status: number, code: string, field?: string) {
  t.equal(res.statusCode, status, `HTTP ${status}`)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  const body = res.json()
  t.equal(body.code, code, `code ${code}`)
  if (field)
    t.same(
      body.errors?.map((e: { field: string }) => e.field),
      [field],
      `bad field ${field}`,
    )
  return body
}
