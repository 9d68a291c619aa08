/**
 * Users are deactivated and API keys revoked through the API and the CLI; either applies to the
 * very next request, and nothing is deleted (the user, the key and the audit trail stay).
 */
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, rowCounts, SYSTEM } from '../helpers/app.js'
import { buildApp } from '../../src/app.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'

const ta = await buildTestApp(t)
const { app, world } = ta

async function newUserWithKey(role: 'auditor' | 'admin' = 'auditor') {
  const res = await ta.as('admin', { method: 'POST', url: '/v1/users', payload: { name: `Người dùng ${role}`, role } })
  t.equal(res.statusCode, 201)
  const userId = res.json().id as number
  const key = await ta.as('admin', {
    method: 'POST',
    url: `/v1/users/${userId}/api-keys`,
    payload: { label: 'laptop' },
  })
  return { userId, key: key.json().key as string, keyId: key.json().id as string }
}
const asKey = (key: string, url = '/v1/business-date') =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })

t.test(
  "when an admin deactivates a user, then the user's keys are refused on the next request, and reactivation " +
    'restores them',
  async (t) => {
    const u = await newUserWithKey()
    t.equal((await asKey(u.key)).statusCode, 200, 'the key works')
    const res = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${u.userId}/deactivate`,
      payload: { reason: 'Chuyển công tác' },
    })
    t.equal(res.statusCode, 200)
    t.match(res.json(), { id: u.userId, active: false, deactivationReason: 'Chuyển công tác' })
    t.ok(res.json().deactivatedAt)
    const refused = await asKey(u.key)
    t.equal(refused.statusCode, 401, 'refused at once')
    t.equal(refused.json().code, 'UNAUTHORIZED')
    const again = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${u.userId}/deactivate`,
      payload: { reason: 'again' },
    })
    t.equal(again.statusCode, 409)
    t.equal(again.json().code, 'INVALID_STATE')
    const noKey = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.userId}/api-keys`, payload: {} })
    t.equal(noKey.statusCode, 409, 'no new key for a deactivated user')
    const back = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.userId}/reactivate` })
    t.equal(back.statusCode, 200)
    t.equal(back.json().active, true)
    t.equal((await asKey(u.key)).statusCode, 200, 'the key that was not revoked works again')
    const trail = (
      await ta.as('auditor', { method: 'GET', url: `/v1/audit?entity=user&id=${u.userId}&limit=50` })
    ).json().items as { action: string }[]
    t.same(
      trail
        .map((e) => e.action)
        .filter((a) => a.startsWith('user.'))
        .reverse(),
      ['user.create', 'user.deactivate', 'user.reactivate'],
      'audited, newest first',
    )
  },
)

t.test("when an admin revokes one key, then that key is refused and the user's other keys still work", async (t) => {
  const u = await newUserWithKey()
  const second = (
    await ta.as('admin', { method: 'POST', url: `/v1/users/${u.userId}/api-keys`, payload: { label: 'phone' } })
  ).json()
  const res = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.userId}/api-keys/${u.keyId}/revoke` })
  t.equal(res.statusCode, 200)
  t.match(res.json(), { id: u.keyId, userId: u.userId, active: false })
  t.equal((await asKey(u.key)).statusCode, 401, 'the revoked key is refused')
  t.equal((await asKey(second.key as string)).statusCode, 200, 'the other key works')
  const keys = (await ta.as('auditor', { method: 'GET', url: `/v1/users/${u.userId}/api-keys` })).json()
  t.same(
    keys.items.map((k: { id: string; active: boolean }) => [k.id, k.active]),
    [
      [u.keyId, false],
      [second.id, true],
    ],
    'both listed, no secret',
  )
  t.notOk(JSON.stringify(keys).includes(u.key.split('_')[2]!), 'the secret is never shown again')
  const twice = await ta.as('admin', { method: 'POST', url: `/v1/users/${u.userId}/api-keys/${u.keyId}/revoke` })
  t.equal(twice.statusCode, 409)
  const wrongUser = await ta.as('admin', {
    method: 'POST',
    url: `/v1/users/${world.userIds.auditor}/api-keys/${second.id}/revoke`,
  })
  t.equal(wrongUser.statusCode, 404, 'a key is revoked under its own user only')
})

t.test(
  'when the last active admin would be deactivated, or an admin deactivates themselves, then it is refused ' +
    'and nothing changes',
  async (t) => {
    const before = rowCounts(app)
    const self = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${world.userIds.admin}/deactivate`,
      payload: { reason: 'x' },
    })
    t.equal(self.statusCode, 422)
    t.equal(self.json().code, 'SELF_DEACTIVATION')
    const missing = await ta.as('admin', {
      method: 'POST',
      url: '/v1/users/999999/deactivate',
      payload: { reason: 'x' },
    })
    t.equal(missing.statusCode, 404)
    const noReason = await ta.as('admin', {
      method: 'POST',
      url: `/v1/users/${world.userIds.auditor}/deactivate`,
      payload: {},
    })
    t.equal(noReason.statusCode, 400, 'a reason is required')
    t.same(rowCounts(app), before)
    const other = await newUserWithKey('admin')
    // The second admin deactivates the first: allowed while another admin stays active.
    const first = await app.inject({
      method: 'POST',
      url: `/v1/users/${world.userIds.admin}/deactivate`,
      payload: { reason: 'rotation' },
      headers: { authorization: `Bearer ${other.key}` },
    })
    t.equal(first.statusCode, 200)
    const lastAdmin = await app.inject({
      method: 'POST',
      url: `/v1/users/${other.userId}/deactivate`,
      payload: { reason: 'x' },
      headers: { authorization: `Bearer ${other.key}` },
    })
    t.equal(lastAdmin.statusCode, 422, 'self, and the last admin')
    await app.inject({
      method: 'POST',
      url: `/v1/users/${world.userIds.admin}/reactivate`,
      headers: { authorization: `Bearer ${other.key}` },
    })
  },
)

t.test("the CLI deactivates a user and revokes a key in a running service's database", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-cli-users-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'cli.db')
  const server = await buildApp({ databaseFile: file, initialBusinessDate: '2026-06-30' })
  t.teardown(() => server.close())
  const made = server.commands.runNow((ctx) => {
    const a = createUser(ctx, { name: 'Kế toán', role: 'finance' })
    const b = createUser(ctx, { name: 'Kiểm soát', role: 'auditor' })
    return {
      statusCode: 201,
      body: { a: a.id, keyA: createApiKey(ctx, a.id, 'x'), keyB: createApiKey(ctx, b.id, 'y') },
    }
  }, SYSTEM).body
  const call = (key: string) =>
    server.inject({ method: 'GET', url: '/v1/business-date', headers: { authorization: `Bearer ${key}` } })
  t.equal((await call(made.keyA.key)).statusCode, 200)
  t.equal((await call(made.keyB.key)).statusCode, 200)
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      env: { ...process.env, DATABASE_FILE: file },
      encoding: 'utf8',
    })
  t.match(cli('deactivate-user', String(made.a), 'Nghỉ', 'việc'), /"active":false/)
  t.match(cli('revoke-key', made.keyB.id), /"active":false/)
  t.equal((await call(made.keyA.key)).statusCode, 401, 'the running service refuses the deactivated user at once')
  t.equal((await call(made.keyB.key)).statusCode, 401, 'and the revoked key')
  t.match(cli('users'), /DEACTIVATED\tKế toán/)
})
