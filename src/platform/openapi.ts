/** OpenAPI document generated from the route schemas; Swagger UI at /docs. */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema } from 'fastify'
import type { TSchema } from 'typebox'
import { COMMON_ERROR_CODES, IDEMPOTENCY_ERROR_CODES, X_ERROR_CODES } from './http-schemas.js'

export const TAGS = [
  { name: 'Operations', description: 'Health, readiness, business date and daily close' },
  { name: 'Organisation', description: 'Branches, transaction points, partners and savings-and-loan groups' },
  { name: 'Users', description: 'Users, roles, scopes and API keys' },
  { name: 'Programmes', description: 'Loan programmes, rate versions and local policies' },
  { name: 'Households', description: 'Borrower households and their poverty-status timeline' },
  { name: 'Origination', description: 'Applications, eligibility, certification, approval and schedule previews' },
  { name: 'Loans', description: 'Loans, schedules, disbursements, repayments, reversals and risk handling' },
  { name: 'Collections', description: 'Collection sessions at commune transaction points' },
  {
    name: 'Savings',
    description:
      "Members' savings accounts: deposits, withdrawals (a second person approves above a threshold), statements",
  },
  { name: 'Support payments', description: 'The on-time repayment + poverty exit support payment' },
  { name: 'Finance', description: 'Ledger, reconciliation and reports' },
  { name: 'Audit', description: 'Audit trail of state-changing commands' },
  { name: 'Supervision', description: 'Supervision findings of the Fatherland Front and mass organisations' },
]

/** `components`: the named shapes (each with its `$id`), registered once and referenced by the routes. */
export default fp(
  async function openapiPlugin(app: FastifyInstance, options: { components: readonly TSchema[] }) {
    for (const schema of options.components) app.addSchema(schema)
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Policy Credit API',
          version: '1.0.0',
          description:
            'Preferential-loan lifecycle for social-policy banking: applications, eligibility, approval, ' +
            'disbursement, schedules, repayments, collection sessions, overdue handling, support payments, ' +
            'ledger and reports. Money is integer VND; dates are YYYY-MM-DD.',
          license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
        },
        // Relative: Swagger UI's "Try it out" then calls the host and port the page was served from.
        servers: [{ url: '/', description: 'This service' }],
        tags: TAGS,
        // Codes any operation may answer; each operation's own codes are in its `x-error-codes` (docs/api.md).
        ...({ 'x-common-error-codes': [...COMMON_ERROR_CODES] } as object),
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer pc_<id>_<secret>' },
          },
        },
        security: [{ apiKey: [] }],
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    })
    // The documentation is public: mark Swagger UI's own routes so the default-deny auth lets them through.
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), auth: 'public' }
      if (route.schema) route.schema = liftErrorCodes(route.schema)
      // A stable operationId from method and path (GET /v1/loans/:id → getLoansById) for client generators.
      if (route.schema && !route.schema.operationId && typeof route.method === 'string' && route.method !== 'HEAD') {
        const words = route.url
          .replace(/^\/v1\//, '/')
          .split('/')
          .filter(Boolean)
          .map((w) => (w.startsWith(':') ? `By-${w.slice(1)}` : w))
          .flatMap((w) => w.split(/[-_]/))
          .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        route.schema = { ...route.schema, operationId: route.method.toLowerCase() + words.join('') }
      }
    })
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
  },
  { name: 'openapi' },
)

/**
 * The operation's own error codes, from its problem responses (errorResponses), lifted into the
 * operation's `x-error-codes` (sorted), with the idempotency codes when it takes an Idempotency-Key;
 * the responses themselves keep only their description.
 */
function liftErrorCodes(schema: FastifySchema): FastifySchema {
  const response = schema.response as Record<string, Record<string, unknown>> | undefined
  if (!response) return schema
  const codes = new Set<string>()
  const cleaned: Record<string, unknown> = {}
  for (const [status, entry] of Object.entries(response)) {
    if (entry && typeof entry === 'object' && X_ERROR_CODES in entry) {
      const { [X_ERROR_CODES]: own, ...rest } = entry
      for (const code of own as string[]) codes.add(code)
      cleaned[status] = rest
    } else cleaned[status] = entry
  }
  const headers = schema.headers as { properties?: Record<string, unknown> } | undefined
  if (headers?.properties?.['idempotency-key']) for (const code of IDEMPOTENCY_ERROR_CODES) codes.add(code)
  return { ...schema, response: cleaned, [X_ERROR_CODES]: [...codes].sort() } as FastifySchema
}
