import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { buildApp } from '../../src/app.js'
import { createUser, createApiKey } from '../../src/modules/users/service.js'

t.test('a database locked by another writer answers 503 with Retry-After, and nothing is half-written', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-busy-'))
  const file = join(dir, 'busy.db')
  const app = await buildApp({ databaseFile: file, initialBusinessDate: '2026-06-30' })
  t.teardown(async () => {
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  const { body: key } = app.commands.runNow(
    (ctx) => ({
      statusCode: 201,
      body: createApiKey(ctx, createUser(ctx, { name: 'Admin', role: 'admin' }).id, 't').key,
    }),
    { userId: 0, name: 'test', role: 'admin', branchId: null, partnerId: null },
  )
  // Another process (here: another connection) holds the write lock past the busy timeout.
  app.sqlite.pragma('busy_timeout = 200')
  const other = new Database(file)
  other.exec('BEGIN IMMEDIATE')
  const res = await app.inject({
    method: 'POST',
    url: '/v1/branches',
    headers: { authorization: `Bearer ${key}` },
    payload: { code: 'BUSY', name: 'Busy branch', province: 'Huế' },
  })
  other.exec('ROLLBACK')
  other.close()
  t.equal(res.statusCode, 503, '503 while the database is locked')
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, 'SERVICE_BUSY')
  t.equal(res.headers['retry-after'], '1', 'Retry-After tells the client when to retry')
  t.equal(app.sqlite.prepare("SELECT COUNT(*) FROM branches WHERE code = 'BUSY'").pluck().get(), 0, 'nothing written')
  const retry = await app.inject({
    method: 'POST',
    url: '/v1/branches',
    headers: { authorization: `Bearer ${key}` },
    payload: { code: 'BUSY', name: 'Busy branch', province: 'Huế' },
  })
  t.equal(retry.statusCode, 201, 'the retry after the lock is released succeeds')
})
