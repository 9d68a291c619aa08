/**
 * The staff console is served by the service itself: index.html revalidated on every load,
 * hashed assets cached for a year, public and outside the OpenAPI document, the /v1 API unaffected,
 * and a missing build answered with how to build it. The console is built here into a temporary
 * folder (a few seconds) and pointed at with CONSOLE_DIR.
 */
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import { buildTestApp } from '../helpers/app.js'
import { BUDGET_BYTES, firstScreenScripts } from '../../src/console/budget.js'

const outDir = mkdtempSync(join(tmpdir(), 'pc-console-'))
const emptyDir = mkdtempSync(join(tmpdir(), 'pc-console-none-'))
t.teardown(() => {
  rmSync(outDir, { recursive: true, force: true })
  rmSync(emptyDir, { recursive: true, force: true })
})

function withConsoleDir(dir: string) {
  const before = process.env.CONSOLE_DIR
  process.env.CONSOLE_DIR = dir
  t.teardown(() => {
    if (before === undefined) delete process.env.CONSOLE_DIR
    else process.env.CONSOLE_DIR = before
  })
}

t.test('the built console', async (t) => {
  await build({
    configFile: fileURLToPath(new URL('../../src/console/vite.config.ts', import.meta.url)),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  })
  withConsoleDir(outDir)
  const ta = await buildTestApp(t)

  t.test('when / is requested without credentials, then the HTML is served with no-cache and a CSP', async (t) => {
    const res = await ta.as(null, { method: 'GET', url: '/' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.equal(res.headers['cache-control'], 'no-cache')
    t.match(res.headers['content-security-policy'], /default-src 'self'/)
    t.match(res.body, /<div id="app"><\/div>/)
    t.match(res.body, /<html lang="vi">/)
  })

  t.test('when a hashed asset is requested, then it is cached for a year as immutable', async (t) => {
    const html = (await ta.as(null, { method: 'GET', url: '/' })).body
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1]
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1]
    t.ok(script, 'index.html loads a hashed script')
    t.ok(style, 'index.html loads a hashed stylesheet')
    for (const url of [script!, style!]) {
      const res = await ta.as(null, { method: 'GET', url })
      t.equal(res.statusCode, 200, url)
      t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable', url)
    }
    t.match((await ta.as(null, { method: 'GET', url: script! })).headers['content-type'], /javascript/)
  })

  t.test('when an asset does not exist or the path climbs out of the folder, then nothing is served', async (t) => {
    t.equal((await ta.as(null, { method: 'GET', url: '/assets/missing-0000.js' })).statusCode, 404)
    const climbing = await ta.as(null, { method: 'GET', url: '/assets/..%2f..%2fpackage.json' })
    t.not(climbing.statusCode, 200)
    t.notMatch(climbing.body, /"scripts"/, 'package.json is not sent')
  })

  t.test('when the console is served, then the /v1 API and its OpenAPI document are unaffected', async (t) => {
    const unauthenticated = await ta.as(null, {
      method: 'GET',
      url: '/v1/session',
      headers: { 'accept-language': 'vi' },
    })
    t.equal(unauthenticated.statusCode, 401)
    t.match(unauthenticated.headers['content-type'], /application\/problem\+json/)
    t.equal(unauthenticated.json().title, 'Chưa xác thực')
    t.equal((await ta.as('officerA', { method: 'GET', url: '/v1/transaction-points' })).statusCode, 200)
    t.equal((await ta.as(null, { method: 'GET', url: '/v1/no-such-route' })).statusCode, 404)
    const doc = (await ta.as(null, { method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>
    }
    t.notOk(doc.paths['/'], 'the console page is not in the API contract')
    t.notOk(
      Object.keys(doc.paths).some((p) => p.startsWith('/assets')),
      'nor its assets',
    )
  })

  t.test('when the console is built, then its first-screen JavaScript stays within 200 kB gzipped', async (t) => {
    const scripts = firstScreenScripts(outDir)
    t.ok(scripts.length >= 1)
    const total = scripts.reduce((sum, s) => sum + s.gzipBytes, 0)
    t.ok(total <= BUDGET_BYTES, `${total} bytes gzipped`)
  })
})

t.test('when the console was never built, then / says to run npm run build and the API still works', async (t) => {
  withConsoleDir(emptyDir)
  const ta = await buildTestApp(t)
  const res = await ta.as(null, { method: 'GET', url: '/' })
  t.equal(res.statusCode, 503)
  t.match(res.headers['content-type'], /^text\/plain/)
  t.match(res.body, /run npm run build/)
  t.equal((await ta.as('officerA', { method: 'GET', url: '/v1/transaction-points' })).statusCode, 200)
})
