/**
 * The OpenAPI document for client generators: the main shapes are named components referenced by
 * the operations that return them (no inline copies), and each operation publishes its error codes.
 */
import { test, type Test } from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { ERROR_CODES, isErrorCode } from '../../src/domain/error-codes.js'
import { COMMON_ERROR_CODES } from '../../src/platform/http-schemas.js'

type Json = Record<string, unknown>
interface Operation {
  description?: string
  responses: Record<string, { description: string; content?: Record<string, { schema: Json }> }>
  'x-error-codes'?: string[]
}

interface Document {
  components: { schemas: Record<string, Json> }
  paths: Record<string, Record<string, Operation>>
  'x-common-error-codes': string[]
}
let cached: Document | undefined
/** The document of a test app (built once: the document is the same for every test here). */
async function openapiDocument(t: Test): Promise<Document> {
  if (!cached) {
    const { app } = await buildTestApp(t)
    await app.ready()
    cached = JSON.parse(JSON.stringify(app.swagger())) as Document
  }
  return cached
}

const ref = (name: string) => `#/components/schemas/${name}`
/** The schema an operation answers with for a status (JSON content). */
function answer(op: Operation | undefined, status: string): Json {
  const schema = op?.responses[status]?.content?.['application/json']?.schema
  if (!schema) throw new Error(`no JSON ${status} response`)
  return schema
}
const itemsOf = (page: Json) => ((page.properties as Json).items as Json).items as Json
const propertyOf = (schema: Json, name: string) => (schema.properties as Json)[name] as Json

function* operations(paths: Record<string, Record<string, Operation>>) {
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) yield { name: `${method.toUpperCase()} ${path}`, op }
  }
}

/** Every object schema under a value (to look for inline copies of a component). */
function* objectSchemas(value: unknown): Generator<Json> {
  if (Array.isArray(value)) for (const v of value) yield* objectSchemas(v)
  else if (value && typeof value === 'object') {
    const o = value as Json
    if (o.properties && typeof o.properties === 'object') yield o
    for (const v of Object.values(o)) yield* objectSchemas(v)
  }
}

const NAMED = [
  'Problem',
  'Loan',
  'LoanListItem',
  'LoanSchedule',
  'ScheduleLine',
  'LoanTransaction',
  'Allocation',
  'Application',
  'ApplicationListItem',
  'Household',
  'HouseholdChange',
  'SupportPayment',
  'SupportPaymentListItem',
  'CollectionSession',
  'CollectionSessionSummary',
  'CollectionSheet',
  'Reconciliation',
  'ReconciliationSummary',
]

test('when the OpenAPI document is generated, then the main shapes are named components', async (t) => {
  const doc = await openapiDocument(t)
  for (const name of NAMED) t.ok(doc.components.schemas[name], `components.schemas.${name}`)
})

test('when an operation returns a main shape, then it references the named component', async (t) => {
  const { paths } = await openapiDocument(t)
  t.equal(answer(paths['/v1/loans/{id}']?.get, '200').$ref, ref('Loan'), 'GET loan → Loan')
  t.equal(itemsOf(answer(paths['/v1/loans']?.get, '200')).$ref, ref('LoanListItem'), 'list loans → LoanListItem')
  t.equal(answer(paths['/v1/loans/{id}/schedule']?.get, '200').$ref, ref('LoanSchedule'), 'schedule → LoanSchedule')
  t.equal(
    itemsOf(answer(paths['/v1/loans/{id}/transactions']?.get, '200')).$ref,
    ref('LoanTransaction'),
    'transactions → LoanTransaction',
  )
  const repayment = answer(paths['/v1/loans/{id}/repayments']?.post, '201')
  t.equal(propertyOf(repayment, 'allocation').$ref, ref('Allocation'), 'repayment → Allocation')
  t.equal(propertyOf(repayment, 'loan').$ref, ref('Loan'), 'repayment → Loan')
  t.equal(
    propertyOf(answer(paths['/v1/loans/{id}/disbursements']?.post, '201'), 'loan').$ref,
    ref('Loan'),
    'disbursement → Loan',
  )
  t.equal(answer(paths['/v1/applications']?.post, '201').$ref, ref('Application'), 'submit → Application')
  t.equal(answer(paths['/v1/applications/{id}/approve']?.post, '200').$ref, ref('Application'), 'approve → Application')
  t.equal(
    itemsOf(answer(paths['/v1/applications']?.get, '200')).$ref,
    ref('ApplicationListItem'),
    'list applications → ApplicationListItem',
  )
  t.equal(answer(paths['/v1/households/{id}']?.get, '200').$ref, ref('Household'), 'GET household → Household')
  t.equal(answer(paths['/v1/households']?.post, '201').$ref, ref('Household'), 'register → Household')
  t.equal(itemsOf(answer(paths['/v1/households']?.get, '200')).$ref, ref('Household'), 'list households → Household')
  t.equal(
    answer(paths['/v1/support-payments/{id}']?.get, '200').$ref,
    ref('SupportPayment'),
    'GET support payment → SupportPayment',
  )
  t.equal(
    itemsOf(answer(paths['/v1/support-payments']?.get, '200')).$ref,
    ref('SupportPaymentListItem'),
    'list support payments → SupportPaymentListItem',
  )
  t.equal(
    answer(paths['/v1/collection-sessions/{id}']?.get, '200').$ref,
    ref('CollectionSession'),
    'GET session → CollectionSession',
  )
  t.equal(
    itemsOf(answer(paths['/v1/collection-sessions']?.get, '200')).$ref,
    ref('CollectionSessionSummary'),
    'list sessions → CollectionSessionSummary',
  )
  t.equal(
    answer(paths['/v1/reconciliations/{id}']?.get, '200').$ref,
    ref('Reconciliation'),
    'GET reconciliation → Reconciliation',
  )
  t.equal(
    itemsOf(answer(paths['/v1/reconciliations']?.get, '200')).$ref,
    ref('ReconciliationSummary'),
    'list reconciliations → ReconciliationSummary',
  )
  for (const { name, op } of operations(paths)) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) >= 400)
        t.equal(response.content?.['application/json']?.schema.$ref, ref('Problem'), `${name} ${status} → Problem`)
    }
  }
})

test('when a component exists, then no operation carries an inline copy of it', async (t) => {
  const doc = await openapiDocument(t)
  const keysOf = (schema: Json) =>
    Object.keys(schema.properties as Json)
      .sort()
      .join(',')
  const named = new Map<string, string>()
  for (const [name, schema] of Object.entries(doc.components.schemas))
    if (schema.properties) named.set(keysOf(schema), name)
  const copies: string[] = []
  for (const { name, op } of operations(doc.paths)) {
    for (const schema of objectSchemas(op.responses)) {
      const component = named.get(keysOf(schema))
      if (component) copies.push(`${name}: inline ${component}`)
    }
  }
  t.same(copies, [], 'every use of a named shape is a $ref')
})

test('when an operation can fail, then its codes are published: x-error-codes and the response descriptions', async (t) => {
  const doc = await openapiDocument(t)
  t.same(doc['x-common-error-codes'], [...COMMON_ERROR_CODES], 'the codes any operation may answer are listed once')
  let checked = 0
  for (const { name, op } of operations(doc.paths)) {
    if (!op['x-error-codes']) continue
    checked++
    for (const code of op['x-error-codes']) {
      t.ok(isErrorCode(code), `${name}: ${code} is in the registry`)
      if (!isErrorCode(code) || code.startsWith('IDEMPOTENCY_')) continue
      const response = op.responses[String(ERROR_CODES[code].status)]
      t.ok(
        response?.description.split(':')[0]!.split(', ').includes(code),
        `${name}: the ${ERROR_CODES[code].status} response names ${code}`,
      )
    }
    // The "Errors: …" sentence of a description may only name codes the operation declares.
    const sentence = /Errors?:([^.]*)/.exec(op.description ?? '')?.[1] ?? ''
    for (const word of sentence.match(/\b[A-Z][A-Z_]{2,}\b/g) ?? []) {
      if (isErrorCode(word) && !(COMMON_ERROR_CODES as readonly string[]).includes(word)) {
        t.ok(op['x-error-codes'].includes(word), `${name}: ${word}, named in its description, is declared`)
      }
    }
  }
  t.ok(checked > 100, `every API operation declares its codes (${checked})`)
  const repayment = doc.paths['/v1/loans/{id}/repayments']?.post
  t.ok(repayment?.['x-error-codes']?.includes('OVERPAYMENT'), 'a repayment may answer OVERPAYMENT')
  t.ok(
    repayment?.['x-error-codes']?.includes('IDEMPOTENCY_KEY_REQUIRED'),
    'an operation with an Idempotency-Key lists the idempotency codes',
  )
  t.match(repayment?.responses['422']?.description, /OVERPAYMENT/, 'the 422 response names its codes')
})
