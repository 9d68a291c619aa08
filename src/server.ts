/** Reads the configuration, builds the app, listens, and shuts down gracefully. */
import { buildApp } from './app.js'
import { autoCloseFromEnv, loadConfig } from './config.js'

const config = loadConfig()
const app = await buildApp({
  ...config,
  backgroundCheckpoint: true,
  writerThread: config.writerThread,
  autoClose: autoCloseFromEnv(),
  logger: {
    level: config.logLevel,
    // API keys never reach the logs.
    redact: { paths: ['req.headers.authorization', 'req.headers["idempotency-key"]'], censor: '[redacted]' },
  },
})

let closing = false
async function shutdown(signal: string) {
  if (closing) return
  closing = true
  app.log.info({ signal }, 'shutting down: finishing in-flight requests')
  const timer = setTimeout(() => process.exit(1), 10_000)
  timer.unref()
  try {
    await app.close()
    process.exit(0)
  } catch (err) {
    app.log.error({ err }, 'error during shutdown')
    process.exit(1)
  }
}
process.on('SIGINT', () => void shutdown('SIGINT'))
process.on('SIGTERM', () => void shutdown('SIGTERM'))

try {
  await app.listen({ port: config.port, host: config.host })
} catch (err) {
  app.log.error({ err }, 'could not start')
  process.exit(1)
}
