/**
 * The staff console: the single-page app built by Vite into dist/console (npm run build), served
 * by the service itself. `index.html` is revalidated on every load (no-cache) so a new release is
 * picked up at once; files under /assets carry a content hash in their names, so they are cached
 * for a year (immutable). The routes are public (the app signs in through /v1/session) and hidden
 * from the OpenAPI document. Without a build (tests that never built), `/` says how to build it.
 * CONSOLE_DIR overrides where the build is (tests build into a temporary folder).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

// src/platform and dist/platform are both two levels below the repository root.
const DEFAULT_ROOT = fileURLToPath(new URL('../../dist/console', import.meta.url))

// The console loads only its own files and talks only to this origin.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const HIDDEN = { hide: true } as const

export default async function consolePlugin(app: FastifyInstance, opts: { root?: string } = {}) {
  const root = opts.root ?? process.env.CONSOLE_DIR ?? DEFAULT_ROOT
  const built = existsSync(join(root, 'index.html'))

  if (!built) {
    app.get('/', { config: { auth: 'public' }, schema: HIDDEN }, async (_request, reply) =>
      reply
        .code(503)
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send(
          'The staff console is not built: run npm run build (it writes dist/console).\nBảng điều khiển ' +
            'chưa được dựng: chạy npm run build.\n',
        ),
    )
    return
  }

  // Only the reply decorator: the two routes below decide what is served and with which headers.
  await app.register(fastifyStatic, { root, serve: false })

  app.get('/', { config: { auth: 'public' }, schema: HIDDEN }, async (_request, reply) =>
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false }),
  )

  app.get('/assets/*', { config: { auth: 'public' }, schema: HIDDEN }, async (request, reply) => {
    const file = (request.params as { '*': string })['*']
    return reply.sendFile(`assets/${file}`, { maxAge: '365d', immutable: true })
  })
}
