/**
 * The supervisor is read-only (docs/rules.md §22): every state-changing operation of openapi/openapi.json, called
 * with a supervisor's key and an empty body, is refused with 403 FORBIDDEN and changes nothing — except recording a
 * supervision finding, the one command of the role, and the caller's own session routes, which a key does not
 * have. Authorisation runs before validation (onRequest), so the empty body never reaches a handler of a route the
 * role may not call. The exceptions are written out below as data, with the status each one answers.
 */
import t from 'tap'
import { SYSTEM, buildTestApp, rowCounts } from '../helpers/app.js'
import { contractOperations, problemViolation } from '../helpers/reliability.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'

const ta = await buildTestApp(t)
const { app, world } = ta

/** A supervisor of branch A's province (the widest scope a supervisor has in this world). */
const provinceA = app.sqlite
  .prepare('SELECT o.parent_id FROM offices o JOIN branches b ON b.office_id = o.id WHERE b.id = ?')
  .pluck()
  .get(world.branchA) as number
const supervisorKey = app.commands.runNow((ctx) => {
  const user = createUser(ctx, { name: 'Giám sát viên tỉnh', role: 'supervisor', officeId: provinceA })
  return { statusCode: 201, body: createApiKey(ctx, user.id, 'read-only test').key }
}, SYSTEM).body

/** The non-GET operations a supervisor's key is not refused with 403 on, and what they answer to an empty body. */
const NOT_FORBIDDEN: Record<string, { status: number; code: string; why: string }> = {
  'POST /v1/supervision-findings': { status: 400, code: 'VALIDATION_ERROR', why: "the supervisor's own command" },
  'POST /v1/session': { status: 400, code: 'VALIDATION_ERROR', why: 'signing in is public (the key is ignored)' },
  'DELETE /v1/session': { status: 404, code: 'NOT_FOUND', why: 'the caller’s own session: a key has none' },
  'POST /v1/session/password': {
    status: 400,
    code: 'VALIDATION_ERROR',
    why: 'the caller’s own password (every role; a key without a session is refused after validation)',
  },
  'POST /v1/schedules/preview': { status: 400, code: 'VALIDATION_ERROR', why: 'a computation that writes nothing' },
}

const writes = contractOperations().filter((o) => o.method !== 'GET')

t.test('the exceptions are operations of the contract', async (t) => {
  const keys = new Set(writes.map((o) => o.key))
  for (const key of Object.keys(NOT_FORBIDDEN)) t.ok(keys.has(key), `${key} is in openapi/openapi.json`)
})

t.test(
  'a supervisor is refused every state-changing operation but its own (403 FORBIDDEN, nothing written)',
  async (t) => {
    t.ok(writes.length > 70, `${writes.length} state-changing operations walked`)
    for (const op of writes) {
      const url = op.path.replace(/\{[^}]+\}/g, '1')
      const before = rowCounts(app)
      const res = await app.inject({
        method: op.method as 'POST',
        url,
        headers: { authorization: `Bearer ${supervisorKey}`, 'content-type': 'application/json' },
        payload: '{}',
      })
      const expected = NOT_FORBIDDEN[op.key] ?? { status: 403, code: 'FORBIDDEN' }
      t.equal(res.statusCode, expected.status, `${op.key} → ${expected.status}`, { body: res.body.slice(0, 200) })
      t.equal(res.json().code, expected.code, `${op.key}: ${expected.code}`)
      t.notOk(problemViolation(res), `${op.key}: problem+json`)
      t.same(rowCounts(app), before, `${op.key}: nothing written`)
    }
  },
)
