/**
 * The contract's strictness: a typo is never silently dropped, a number in a path or query is plain
 * decimal digits, and requests refused before routing still get a proper problem answer.
 */
import t from 'tap'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { problemViolation } from '../helpers/reliability.js'
import { SECURITY_HEADERS } from '../../src/platform/security-headers.js'

const ta = await buildTestApp(t)
const { app, world } = ta

t.test('when a body carries an unknown field, then 400 VALIDATION_ERROR names it and nothing is written', async (t) => {
  const before = rowCounts(app)
  const res = await ta.as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-TYPO', name: 'Typo', province: 'Huế', provence: 'x', extra: 1 },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'VALIDATION_ERROR')
  t.same(
    res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort(),
    ['body.extra', 'body.provence'],
  )
  t.same(rowCounts(app), before)
})

t.test('when a nested body object carries an unknown field, then it is refused by its path', async (t) => {
  const res = await ta.as('officerA', {
    method: 'POST',
    url: '/v1/households',
    payload: {
      nationalId: '048099000001',
      headName: 'Lê Văn A',
      groupId: world.groupA,
      area: 'rural',
      address: { commune: 'Hòa Bắc', village: 'Thôn 1', vilage: 'typo' },
    },
  })
  t.equal(res.statusCode, 400)
  t.ok(
    res.json().errors.some((e: { field: string }) => e.field.endsWith('vilage')),
    JSON.stringify(res.json().errors),
  )
})

t.test(
  'when an application misspells principalPlan, then it is refused instead of taking the default plan',
  async (t) => {
    const before = rowCounts(app)
    const res = await ta.as('partnerA', {
      method: 'POST',
      url: '/v1/applications',
      payload: {
        householdId: 1,
        programmeCode: 'POOR',
        amount: 10_000_000,
        termMonths: 12,
        principalplan: { everyMonths: 3, graceMonths: 0 },
        purpose: 'Nuôi bò',
        partnerReference: 'REF-TYPO',
      },
    })
    t.equal(res.statusCode, 400)
    t.ok(res.json().errors.some((e: { field: string }) => e.field === 'body.principalplan'))
    t.same(rowCounts(app), before)
  },
)

t.test('when a query string carries unknown parameters, then 400 names each one', async (t) => {
  const res = await ta.as('admin', {
    method: 'GET',
    url: `/v1/loans?classificaton=overdue&transactionPointId=${world.pointA}&foo=1`,
  })
  t.equal(res.statusCode, 400)
  t.same(
    res
      .json()
      .errors.map((e: { field: string }) => e.field)
      .sort(),
    ['querystring.classificaton', 'querystring.foo'],
  )
  const noQuery = await ta.as('admin', { method: 'GET', url: '/v1/business-date?verbose=1' })
  t.equal(noQuery.statusCode, 400, 'a route that takes no query refuses one')
  t.equal(noQuery.json().errors[0].field, 'querystring.verbose')
})

t.test('when a path id is not plain decimal digits, then 400 and nothing is posted', async (t) => {
  const before = rowCounts(app)
  for (const id of ['0x10', '1%20', '%201', '1e1', '+1', '1.0', 'Infinity', '-1', '0']) {
    const res = await ta.as('officerA', {
      method: 'POST',
      url: `/v1/loans/${id}/repayments`,
      payload: { amount: 1000, valueDate: '2026-06-30' },
      headers: { 'idempotency-key': `k-${id}` },
    })
    t.equal(res.statusCode, 400, `loan id "${id}"`)
    t.equal(res.json().code, 'VALIDATION_ERROR')
  }
  t.same(rowCounts(app), before)
  const read = await ta.as('admin', { method: 'GET', url: '/v1/households/0x1' })
  t.equal(read.statusCode, 400)
})

t.test('when an integer query filter is Infinity, hexadecimal or a float, then 400', async (t) => {
  for (const q of ['limit=Infinity', 'limit=0x10', 'limit=1e2', 'limit=2.5', `groupId=${world.groupA}.0`]) {
    const res = await ta.as('admin', { method: 'GET', url: `/v1/households?${q}` })
    t.equal(res.statusCode, 400, q)
  }
  t.equal(
    (await ta.as('admin', { method: 'GET', url: '/v1/households?limit=007' })).statusCode,
    200,
    'leading zeros are still decimal digits',
  )
})

t.test('the published document closes every request object and serves relative to the host', async (t) => {
  const doc = app.swagger() as {
    servers: { url: string }[]
    paths: Record<
      string,
      Record<
        string,
        { parameters?: unknown[]; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }
      >
    >
  }
  t.same(
    doc.servers.map((s) => s.url),
    ['/'],
    'Swagger UI "Try it out" calls the page\'s own host and port',
  )
  const open: string[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const schema = op.requestBody?.content['application/json']?.schema
      if (schema && schema.type === 'object' && schema.additionalProperties !== false)
        open.push(`${method.toUpperCase()} ${path}`)
    }
  }
  t.same(open, [], 'no request body accepts unknown fields')
})

/** Sends raw bytes to a listening copy of the app and returns the raw answer. */
async function raw(port: number, bytes: string): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('latin1')
    socket.on('data', (d) => {
      answer += d
    })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.write(bytes)
  })
}

function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  const [statusLine = '', ...lines] = head.split('\r\n')
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim()
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body }
}

t.test(
  "when Node's HTTP parser refuses a request before routing, then the answer is still a problem with a " +
    'code, the security headers and a request id',
  async (t) => {
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as AddressInfo
    const cases: [string, string, number][] = [
      ['malformed header name', 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n', 400],
      ['garbage request line', 'THIS IS NOT HTTP\r\n\r\n', 400],
      [
        'Content-Length with Transfer-Encoding',
        'POST /v1/branches HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
        400,
      ],
      ['request line over the limit', `GET /health?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ]
    for (const [name, bytes, status] of cases) {
      const res = parse(await raw(port, bytes))
      t.equal(res.status, status, name)
      t.match(res.headers['content-type'], /^application\/problem\+json/, `${name}: problem+json`)
      t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, `${name}: a request id`)
      for (const [h, v] of Object.entries(SECURITY_HEADERS)) t.equal(res.headers[h], v, `${name}: ${h}`)
      const body = JSON.parse(res.body)
      t.equal(body.status, status)
      t.ok(typeof body.code === 'string' && body.code.length > 0, `${name}: code ${body.code}`)
      t.equal(problemViolation({ statusCode: status, headers: res.headers, body: res.body } as never), null)
    }
  },
)
