/**
 * Hot commands (repayments, collection sessions) answer with the bytes stored
 * with their Idempotency-Key (src/platform/commands.ts): the first answer and
 * every replay are byte-identical, and — since those bytes are not passed
 * through the route's response serializer — they must carry exactly the fields
 * of the published 201 schema (openapi/openapi.json), no internal extras.
 * Checked in-process and through the writer thread.
 */
import t, { type Test } from 'tap'
import { readFileSync } from 'node:fs'
import { buildTestApp, type TestApp } from '../helpers/app.js'
import { disbursedLoan, LOAN_12M, unique } from '../helpers/origination.js'

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  $ref?: string
}
const openapi = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>>
  components?: { schemas?: Record<string, Schema> }
}

function resolveRef(s: Schema): Schema {
  if (!s.$ref) return s
  return resolveRef(openapi.components!.schemas![s.$ref.split('/').pop()!]!)
}

/** Paths (a.b[0].c) where `value` has a property its schema does not declare, or lacks a required one. */
function shapeProblems(value: unknown, schema: Schema, at = '$'): string[] {
  const s = resolveRef(schema)
  const alternatives = s.anyOf ?? s.oneOf
  if (alternatives) {
    const results = alternatives.map((a) => shapeProblems(value, a, at))
    return results.find((r) => r.length === 0) ?? results[0]!
  }
  if (value === null || typeof value !== 'object') return []
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => shapeProblems(v, s.items!, `${at}[${i}]`)) : []
  if (!s.properties) return []
  const out: string[] = []
  for (const key of Object.keys(value)) {
    if (!(key in s.properties)) out.push(`${at}.${key} is not in the schema`)
    else out.push(...shapeProblems((value as Record<string, unknown>)[key], s.properties[key]!, `${at}.${key}`))
  }
  for (const key of s.required ?? []) if (!(key in value)) out.push(`${at}.${key} is missing`)
  return out
}

const created = (path: string) => openapi.paths[path]!.post!.responses['201']!.content['application/json']!.schema

const LOAN = { ...LOAN_12M, amount: 6_000_000 }

async function checkAnswers(t: Test, ta: TestApp) {
  const { as, world } = ta
  const [a, b] = [await disbursedLoan(ta, LOAN), await disbursedLoan(ta, LOAN)]

  const repayKey = unique('pay')
  const repay = () =>
    as('officerA', {
      method: 'POST',
      url: `/v1/loans/${a.loanId}/repayments`,
      headers: { 'idempotency-key': repayKey },
      payload: { amount: 100_000, valueDate: '2025-02-15', reference: 'R-1' },
    })
  const first = await repay()
  t.equal(first.statusCode, 201, 'repayment → 201')
  t.match(first.headers['content-type'], /^application\/json/, 'answered as JSON')
  t.same(
    shapeProblems(first.json(), created('/v1/loans/{id}/repayments')),
    [],
    'the repayment answer has exactly the fields of its 201 schema',
  )
  const again = await repay()
  t.equal(again.headers['idempotency-replayed'], 'true', 'the re-send is a replay')
  t.equal(again.body, first.body, 'the replay is byte-identical to the first answer')

  const sessionKey = unique('session')
  const session = () =>
    as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': sessionKey },
      payload: {
        transactionPointId: world.pointA,
        groupId: world.groupA,
        sessionDate: '2025-02-15',
        lines: [a, b].map((l) => ({ loanId: l.loanId, interest: 10_000, principal: 0, savings: 5_000 })),
      },
    })
  const posted = await session()
  t.equal(posted.statusCode, 201, 'collection session → 201')
  t.same(
    shapeProblems(posted.json(), created('/v1/collection-sessions')),
    [],
    'the session answer has exactly the fields of its 201 schema',
  )
  const replayed = await session()
  t.equal(replayed.headers['idempotency-replayed'], 'true', 'the re-sent session is a replay')
  t.equal(replayed.body, posted.body, 'the session replay is byte-identical to the first answer')
}

t.test('idempotency: a hot command’s answer is its stored bytes, schema-shaped (in-process)', async (t) => {
  await checkAnswers(t, await buildTestApp(t))
})

t.test('idempotency: a hot command’s answer is its stored bytes, schema-shaped (writer thread)', async (t) => {
  await checkAnswers(t, await buildTestApp(t, { fileDatabase: true, writerThread: true }))
})

t.test('the shape check itself finds an undeclared field and a missing one', async (t) => {
  const schema = created('/v1/loans/{id}/repayments')
  t.match(
    shapeProblems({ transactionId: 1, secret: 'x' }, schema),
    ['$.secret is not in the schema', /is missing/],
    'extra and missing fields are reported',
  )
})
