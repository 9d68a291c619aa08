/** OpenAPI document generated from the route schemas; Swagger UI at /docs. */
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { ProblemSchema } from './http-schemas.js'

export const TAGS = [
  { name: 'Operations', description: 'Health, readiness, business date and daily close' },
  { name: 'Organisation', description: 'Branches, transaction points, partners and savings-and-loan groups' },
  { name: 'Users', description: 'Users, roles, scopes and API keys' },
  { name: 'Programmes', description: 'Loan programmes, rate versions and local policies' },
  { name: 'Households', description: 'Borrower households and their poverty-status timeline' },
  { name: 'Origination', description: 'Applications, eligibility, certification, approval and schedule previews' },
  { name: 'Loans', description: 'Loans, schedules, disbursements, repayments, reversals and risk handling' },
  { name: 'Collections', description: 'Collection sessions at commune transaction points' },
  { name: 'Savings', description: 'Members\' savings accounts: deposits, withdrawals (a second person approves above a threshold), statements' },
  { name: 'Support payments', description: 'The on-time repayment + poverty exit support payment' },
  { name: 'Finance', description: 'Ledger, reconciliation and reports' },
  { name: 'Audit', description: 'Audit trail of state-changing commands' },
]

export default fp(async function openapiPlugin(app: FastifyInstance) {
  app.addSchema(ProblemSchema)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Policy Credit API',
        version: '1.0.0',
        description: 'Preferential-loan lifecycle for social-policy banking: applications, eligibility, approval, disbursement, schedules, repayments, collection sessions, overdue handling, support payments, ledger and reports. Money is integer VND; dates are YYYY-MM-DD.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      // Relative: Swagger UI's "Try it out" then calls the host and port the page was served from.
      servers: [{ url: '/', description: 'This service' }],
      tags: TAGS,
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer pc_<id>_<secret>' } },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  })
  // The documentation is public: mark Swagger UI's own routes so the default-deny auth lets them through.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), auth: 'public' }
    // A stable operationId from method and path (GET /v1/loans/:id → getLoansById) for client generators.
    if (route.schema && !route.schema.operationId && typeof route.method === 'string' && route.method !== 'HEAD') {
      const words = route.url.replace(/^\/v1\//, '/').split('/').filter(Boolean)
        .map((w) => (w.startsWith(':') ? `By-${w.slice(1)}` : w))
        .flatMap((w) => w.split(/[-_]/)).map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      route.schema = { ...route.schema, operationId: route.method.toLowerCase() + words.join('') }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } })
}, { name: 'openapi' })
