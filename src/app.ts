/**
 * buildApp(): platform plugins first (database, auth, commands, OpenAPI), then
 * one plugin per capability. The same wiring serves the server, the CLI and tests.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { randomUUID } from 'node:crypto'
import databasePlugin from './platform/db-plugin.js'
import authPlugin from './platform/auth.js'
import commandsPlugin from './platform/commands.js'
import openapiPlugin from './platform/openapi.js'
import consolePlugin from './platform/console.js'
import securityPlugin from './platform/security.js'
import { clientErrorHandler, frameworkErrors, registerErrorHandlers } from './platform/errors.js'
import { registerValidation, sharedSerializerFactory } from './platform/validation.js'
import { registerErrorCodeCheck } from './platform/error-code-check.js'
import { startRemoteExecutor } from './platform/remote.js'
import { WRITER_AUTOCHECKPOINT_PAGES, signalCommit } from './platform/checkpointer.js'
import { ensureBusinessDate } from './platform/business-date.js'
import { seedProgrammes as seedReferenceData } from './modules/programmes/service.js'
import { buildHooks } from './modules/hooks.js'
import { COMPONENTS } from './modules/components.js'
import operationsRoutes from './modules/operations/routes.js'
import organisationRoutes from './modules/organisation/routes.js'
import treeRoutes from './modules/organisation/tree-routes.js'
import usersRoutes from './modules/users/routes.js'
import sessionRoutes from './modules/session/routes.js'
import programmesRoutes from './modules/programmes/routes.js'
import householdsRoutes from './modules/households/routes.js'
import applicationsRoutes from './modules/applications/routes.js'
import loansRoutes from './modules/loans/routes.js'
import repaymentsRoutes from './modules/repayments/routes.js'
import riskRoutes from './modules/risk/routes.js'
import collectionsRoutes from './modules/collections/routes.js'
import closeRoutes from './modules/close/routes.js'
import autoClosePlugin from './modules/close/auto-close.js'
import supportRoutes from './modules/support/routes.js'
import reconciliationRoutes from './modules/reconciliation/routes.js'
import feesRoutes from './modules/fees/routes.js'
import savingsRoutes from './modules/savings/routes.js'
import ledgerRoutes from './modules/ledger/routes.js'
import reportsRoutes from './modules/reports/routes.js'
import fundingRoutes from './modules/funding/routes.js'
import priorityRoutes from './modules/priority/routes.js'
import purposesRoutes from './modules/purposes/routes.js'
import inspectionsRoutes from './modules/inspections/routes.js'
import povertyReviewsRoutes from './modules/poverty-reviews/routes.js'
import reliefRoutes from './modules/relief/routes.js'
import supervisionRoutes from './modules/supervision/routes.js'
import contractRoutes from './modules/fees/contract-routes.js'
import type { Config } from './config.js'

export interface AppOptions extends Partial<Config> {
  databaseFile: string
  logger?: boolean | object
  /** Checkpoint the WAL from a worker thread (the server); tests and the CLI keep SQLite's own. */
  backgroundCheckpoint?: boolean
  /** Run the hot write commands (repayments, collection sessions) on a writer thread (the server). */
  writerThread?: boolean
  /** AUTO_CLOSE=1: close each day shortly after midnight Vietnam time (the server). */
  autoClose?: boolean
  /** How often the auto-close checks (default one minute). */
  autoCloseIntervalMs?: number
  /** The wall clock for the calendar checks of the close (tests inject one). */
  now?: () => Date
  /** Tests: fail the app's close when a route answered an error code its operation does not declare. */
  checkErrorCodes?: boolean
}

/**
 * The app of one CLI command (src/cli.ts): never a writer thread, a background checkpointer or the
 * auto-close timer, whatever the environment says (WRITER_THREAD is the server's setting). A command
 * runs on the main connection and exits; a thread would only add start-up and shutdown.
 */
export function buildCliApp(config: Config): Promise<FastifyInstance> {
  return buildApp({ ...config, writerThread: false, backgroundCheckpoint: false, autoClose: false })
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    bodyLimit: 1_048_576,
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: sharedSerializerFactory } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  registerValidation(app)
  registerErrorHandlers(app)
  if (options.checkErrorCodes) registerErrorCodeCheck(app)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  // With a writer thread the main connection mostly reads: a small page cache keeps the process's memory down.
  await app.register(databasePlugin, {
    databaseFile: options.databaseFile,
    backgroundCheckpoint: options.backgroundCheckpoint,
    checkpointIntervalMs: options.checkpointIntervalMs,
    cacheMiB: options.writerThread ? 8 : undefined,
  })
  ensureBusinessDate(app.sqlite, options.initialBusinessDate)
  // Programmes and local policies are reference data every deployment needs.
  seedReferenceData(app.sqlite)
  await app.register(securityPlugin, { authFailuresPerMinute: options.authFailuresPerMinute ?? 30, now: options.now })
  await app.register(authPlugin, { now: options.now })
  // The reactions between modules (support rule, closed-day guard): one set, carried by every command context.
  await app.register(commandsPlugin, { groupCommitMax: options.groupCommitMax ?? 256, hooks: buildHooks() })
  if (app.checkpointer) app.commands.onCommit = signalCommit(app.checkpointer.commitSignal)
  if (options.writerThread && options.databaseFile !== ':memory:') {
    const writer = await startRemoteExecutor(
      import.meta.url,
      './modules/writer/worker',
      {
        file: options.databaseFile,
        groupCommitMax: options.groupCommitMax ?? 256,
        walAutocheckpoint: app.checkpointer ? WRITER_AUTOCHECKPOINT_PAGES : 1000,
        commitSignal: app.checkpointer?.commitSignal,
      },
      (err) => app.log.error({ err }, 'writer thread failed; write commands now run on the main thread'),
    )
    app.commands.remote = writer
    app.addHook('onClose', async () => {
      app.commands.remote = null
      await writer.stop()
    })
  }
  await app.register(openapiPlugin, { components: COMPONENTS })

  await app.register(operationsRoutes)
  await app.register(consolePlugin)
  await app.register(organisationRoutes, { prefix: '/v1' })
  await app.register(treeRoutes, { prefix: '/v1' })
  await app.register(usersRoutes, { prefix: '/v1' })
  await app.register(sessionRoutes, { prefix: '/v1', now: options.now })
  await app.register(programmesRoutes, { prefix: '/v1' })
  await app.register(householdsRoutes, { prefix: '/v1' })
  await app.register(applicationsRoutes, { prefix: '/v1' })
  await app.register(loansRoutes, { prefix: '/v1' })
  await app.register(repaymentsRoutes, { prefix: '/v1' })
  await app.register(riskRoutes, { prefix: '/v1' })
  await app.register(collectionsRoutes, { prefix: '/v1' })
  await app.register(closeRoutes, { prefix: '/v1', allowCloseAhead: options.allowCloseAhead, now: options.now })
  if (options.autoClose)
    await app.register(autoClosePlugin, { now: options.now, intervalMs: options.autoCloseIntervalMs })
  await app.register(supportRoutes, { prefix: '/v1' })
  await app.register(ledgerRoutes, { prefix: '/v1' })
  await app.register(reportsRoutes, { prefix: '/v1' })
  await app.register(reconciliationRoutes, { prefix: '/v1' })
  await app.register(feesRoutes, { prefix: '/v1' })
  await app.register(savingsRoutes, { prefix: '/v1' })
  await app.register(fundingRoutes, { prefix: '/v1' })
  await app.register(priorityRoutes, { prefix: '/v1' })
  await app.register(purposesRoutes, { prefix: '/v1' })
  await app.register(inspectionsRoutes, { prefix: '/v1' })
  await app.register(povertyReviewsRoutes, { prefix: '/v1' })
  await app.register(reliefRoutes, { prefix: '/v1' })
  await app.register(supervisionRoutes, { prefix: '/v1' })
  await app.register(contractRoutes, { prefix: '/v1' })
  return app
}
