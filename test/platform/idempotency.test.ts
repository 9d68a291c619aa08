/**
 * Idempotency-Key semantics (docs/api.md) and the group-commit
 * command bus: replay, reuse with another body, concurrent duplicates, per-user
 * scope, failed commands store nothing, and batches that fail command by command.
 */
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, nationalId, rowCounts } from '../helpers/app.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

let seq = 0
/** A branch body with a code no other test uses. */
const newBranch = (name = 'Branch') => ({ code: `BR-I${++seq}`, name, province: 'Quảng Nam' })
const countBranches = (a: FastifyInstance, code?: string) =>
  (code
    ? a.sqlite.prepare('SELECT COUNT(*) FROM branches WHERE code = ?').pluck().get(code)
    : a.sqlite.prepare('SELECT COUNT(*) FROM branches').pluck().get()) as number
const idem = (key: string) => ({ 'idempotency-key': key })

t.test('same key + same body: the first response again, with Idempotency-Replayed: true, and one effect', async (t) => {
  const body = newBranch()
  const before = rowCounts(app)
  const first = await as('admin', { method: 'POST', url: '/v1/branches', headers: idem('replay-1'), payload: body })
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotency-replayed'], 'the first response is not a replay')
  const afterFirst = rowCounts(app)
  t.equal(afterFirst.branches, before.branches! + 1, 'one branch')
  t.equal(afterFirst.audit_log, before.audit_log! + 1, 'one audit row')
  t.equal(afterFirst.idempotency_keys, before.idempotency_keys! + 1, 'the key is stored with the command')

  const second = await as('admin', { method: 'POST', url: '/v1/branches', headers: idem('replay-1'), payload: body })
  t.equal(second.statusCode, 201, 'same status')
  t.equal(second.headers['idempotency-replayed'], 'true', 'marked as replayed')
  t.match(second.headers['content-type'], /^application\/json/)
  t.same(second.json(), first.json(), 'same body, same id')
  // Key order in the JSON does not make it another request.
  const reordered = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    headers: idem('replay-1'),
    payload: { province: body.province, name: body.name, code: body.code },
  })
  t.equal(reordered.headers['idempotency-replayed'], 'true', 'the same body with keys reordered is replayed')
  t.same(reordered.json(), first.json())
  t.same(rowCounts(app), afterFirst, 'replays write nothing (no row, no audit, no key)')
  t.equal(countBranches(app, body.code), 1)
})

t.test('same key + different body: 422 IDEMPOTENCY_KEY_REUSED and nothing written', async (t) => {
  const first = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    headers: idem('reuse-1'),
    payload: newBranch(),
  })
  t.equal(first.statusCode, 201)
  const before = rowCounts(app)
  const other = newBranch()
  const res = await as('admin', { method: 'POST', url: '/v1/branches', headers: idem('reuse-1'), payload: other })
  t.equal(res.statusCode, 422)
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.equal(res.json().code, 'IDEMPOTENCY_KEY_REUSED')
  t.notOk(res.headers['idempotency-replayed'])
  // The same key on another route is another request too.
  const elsewhere = await as('admin', {
    method: 'POST',
    url: '/v1/partners',
    headers: idem('reuse-1'),
    payload: { code: 'P-REUSE', name: 'n', kind: 'youth_union', branchId: world.branchA },
  })
  t.equal(elsewhere.statusCode, 422, 'same key on another path')
  t.equal(elsewhere.json().code, 'IDEMPOTENCY_KEY_REUSED')
  t.same(rowCounts(app), before, 'database unchanged')
  t.equal(countBranches(app, other.code), 0, 'the second body had no effect')
})

t.test(
  'concurrent duplicates (20 at once, one key): exactly one effect, the others replayed or 409 ' +
    'IDEMPOTENCY_IN_FLIGHT',
  async (t) => {
    const body = newBranch('Concurrent')
    const before = rowCounts(app)
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        as('admin', { method: 'POST', url: '/v1/branches', headers: idem('concurrent-1'), payload: body }),
      ),
    )
    const originals = responses.filter((r) => r.statusCode === 201 && !r.headers['idempotency-replayed'])
    const replays = responses.filter((r) => r.statusCode === 201 && r.headers['idempotency-replayed'] === 'true')
    const inFlight = responses.filter((r) => r.statusCode === 409)
    t.equal(originals.length, 1, 'exactly one request ran the command')
    t.equal(originals.length + replays.length + inFlight.length, 20, 'every other answer is a replay or in-flight')
    for (const r of inFlight) t.equal(r.json().code, 'IDEMPOTENCY_IN_FLIGHT')
    for (const r of replays) t.same(r.json(), originals[0]!.json(), 'a replay carries the original body')
    t.comment(`originals ${originals.length}, replays ${replays.length}, in flight ${inFlight.length}`)
    const after = rowCounts(app)
    t.equal(after.branches, before.branches! + 1, 'one branch row')
    t.equal(after.audit_log, before.audit_log! + 1, 'one audit row')
    t.equal(after.idempotency_keys, before.idempotency_keys! + 1, 'one idempotency record')
    t.equal(countBranches(app, body.code), 1)

    // Once the first has finished, the key replays.
    const late = await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      headers: idem('concurrent-1'),
      payload: body,
    })
    t.equal(late.headers['idempotency-replayed'], 'true', 'after completion: replayed')
  },
)

t.test('keys are scoped per user: two users with the same key get two effects', async (t) => {
  const register = (who: 'partnerA' | 'officerA', id: string) =>
    as(who, {
      method: 'POST',
      url: '/v1/households',
      headers: idem('shared-key'),
      payload: { nationalId: id, headName: `Head ${who}`, groupId: world.groupA, area: 'rural', address: 'Thôn 1' },
    })
  const before = rowCounts(app)
  const a = await register('partnerA', nationalId())
  const b = await register('officerA', nationalId())
  t.equal(a.statusCode, 201, 'partner officer A')
  t.equal(b.statusCode, 201, 'branch officer A, same key, another body: not IDEMPOTENCY_KEY_REUSED')
  t.notOk(b.headers['idempotency-replayed'], 'not replayed from the other user')
  t.not(a.json().id, b.json().id, 'two households')
  const after = rowCounts(app)
  t.equal(after.households, before.households! + 2)
  t.equal(after.idempotency_keys, before.idempotency_keys! + 2, 'one key record per user')

  // Same key, same body, other user: still that user's own first request (here a duplicate citizen ID).
  const sameBody = {
    nationalId: a.json().nationalId,
    headName: 'Head partnerA',
    groupId: world.groupA,
    area: 'rural',
    address: 'Thôn 1',
  }
  const c = await as('managerA', {
    method: 'POST',
    url: '/v1/households',
    headers: idem('shared-key'),
    payload: sameBody,
  })
  t.equal(c.statusCode, 409, "runs as a new command, not a replay of partner officer A's response")
  t.equal(c.json().code, 'DUPLICATE')
})

t.test('a failed command stores nothing: a retry with the same key after the state is fixed runs', async (t) => {
  const nextBranchId =
    (app.sqlite.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'branches'").pluck().get() as number) + 1
  const body = { code: `P-RETRY${++seq}`, name: 'Youth Union', kind: 'youth_union', branchId: nextBranchId }
  const before = rowCounts(app)
  const failed = await as('admin', { method: 'POST', url: '/v1/partners', headers: idem('retry-1'), payload: body })
  t.equal(failed.statusCode, 422)
  t.equal(failed.json().code, 'REFERENCE_NOT_FOUND')
  t.same(rowCounts(app), before, 'nothing written, not even the idempotency record')

  const again = await as('admin', { method: 'POST', url: '/v1/partners', headers: idem('retry-1'), payload: body })
  t.equal(again.statusCode, 422, 'a retry before the fix fails the same way (not a replay of the failure)')
  t.notOk(again.headers['idempotency-replayed'])

  const branch = await as('admin', { method: 'POST', url: '/v1/branches', payload: newBranch() })
  t.equal(branch.json().id, nextBranchId, 'the missing branch now exists')
  const retried = await as('admin', { method: 'POST', url: '/v1/partners', headers: idem('retry-1'), payload: body })
  t.equal(retried.statusCode, 201, 'the retry with the same key succeeds')
  t.notOk(retried.headers['idempotency-replayed'], 'it ran, it was not replayed')
  t.equal(retried.json().branchId, nextBranchId)
  const replay = await as('admin', { method: 'POST', url: '/v1/partners', headers: idem('retry-1'), payload: body })
  t.equal(replay.headers['idempotency-replayed'], 'true', 'from now on the key replays')
  t.same(replay.json(), retried.json())
})

t.test('an Idempotency-Key longer than 200 characters is 400 and nothing is written', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    headers: idem('k'.repeat(201)),
    payload: newBranch(),
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'VALIDATION_ERROR')
  t.match(JSON.stringify(res.json().errors), /idempotency-key/)
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('group commit: 50 concurrent creates with distinct keys all succeed in fewer than 50 batches', async (t) => {
  const before = rowCounts(app)
  const stats = { ...app.commands.stats }
  const bodies = Array.from({ length: 50 }, () => newBranch('Batched'))
  const responses = await Promise.all(
    bodies.map((body, i) =>
      as('admin', { method: 'POST', url: '/v1/branches', headers: idem(`batch-${i}`), payload: body }),
    ),
  )
  t.same(
    responses.map((r) => r.statusCode),
    Array(50).fill(201),
    'all 50 are created',
  )
  t.same(
    responses.map((r) => r.json().code),
    bodies.map((b) => b.code),
    'each caller gets its own branch',
  )
  t.equal(new Set(responses.map((r) => r.json().id)).size, 50, '50 distinct ids')
  const after = rowCounts(app)
  t.equal(after.branches, before.branches! + 50)
  t.equal(after.audit_log, before.audit_log! + 50)
  t.equal(after.idempotency_keys, before.idempotency_keys! + 50)
  const batches = app.commands.stats.batches - stats.batches
  t.equal(app.commands.stats.commands - stats.commands, 50, '50 commands executed')
  t.ok(batches < 50, `commands were batched (${batches} batches for 50 commands)`)
  t.ok(batches >= 1)
})

t.test('group commit: a failing command in a batch does not roll back the others', async (t) => {
  const before = rowCounts(app)
  const stats = { ...app.commands.stats }
  const bodies = Array.from({ length: 12 }, (_, i) =>
    i % 4 === 1 ? { code: 'BR-A', name: 'Duplicate', province: 'Huế' } : newBranch('Mixed batch'),
  )
  const responses = await Promise.all(
    bodies.map((body, i) =>
      as('admin', { method: 'POST', url: '/v1/branches', headers: idem(`mixed-${i}`), payload: body }),
    ),
  )
  const expected = bodies.map((b) => (b.code === 'BR-A' ? 409 : 201))
  t.same(
    responses.map((r) => r.statusCode),
    expected,
    'the duplicates fail, the rest succeed',
  )
  for (const r of responses.filter((x) => x.statusCode === 409)) t.equal(r.json().code, 'DUPLICATE')
  const batches = app.commands.stats.batches - stats.batches
  t.ok(batches < 12, `they shared batches (${batches} batches for 12 commands)`)
  const after = rowCounts(app)
  t.equal(after.branches, before.branches! + 9, 'the 9 good branches are committed')
  t.equal(after.audit_log, before.audit_log! + 9, 'only the good commands are audited')
  t.equal(after.idempotency_keys, before.idempotency_keys! + 9, 'failed commands store no idempotency record')
  for (const b of bodies.filter((x) => x.code !== 'BR-A')) t.equal(countBranches(app, b.code), 1, `${b.code} exists`)
  t.equal(countBranches(app, 'BR-A'), 1, 'still one BR-A')
})

t.test(
  'group commit: two commands racing for the same new code in one batch, one wins and one is DUPLICATE',
  async (t) => {
    const body = newBranch('Race')
    const before = rowCounts(app)
    const [a, b] = await Promise.all([
      as('admin', { method: 'POST', url: '/v1/branches', headers: idem('race-a'), payload: body }),
      as('admin', { method: 'POST', url: '/v1/branches', headers: idem('race-b'), payload: body }),
    ])
    t.same([a!.statusCode, b!.statusCode].sort(), [201, 409])
    t.equal(rowCounts(app).branches, before.branches! + 1)
    t.equal(countBranches(app, body.code), 1)
  },
)

t.test(
  'when any command is re-sent with its key, then the replay is byte-identical to the first answer (the ' +
    "stored bytes are the route serializer's)",
  async (t) => {
    const { memberHousehold, openSavings, move } = await import('../helpers/savings.js')
    const accountId = await openSavings(ta, await memberHousehold(ta))
    const dep = await move(ta, 'officerA', accountId, 'deposits', { amount: 500_000, valueDate: '2026-06-30' })
    t.equal(dep.statusCode, 201)
    const key = 'byte-identical-withdrawal'
    const first = await move(
      ta,
      'officerA',
      accountId,
      'withdrawals',
      { amount: 100_000, valueDate: '2026-06-30', reference: 'R1' },
      key,
    )
    const again = await move(
      ta,
      'officerA',
      accountId,
      'withdrawals',
      { amount: 100_000, valueDate: '2026-06-30', reference: 'R1' },
      key,
    )
    t.equal(first.statusCode, 201)
    t.equal(again.headers['idempotency-replayed'], 'true')
    t.equal(again.body, first.body, 'same bytes, same field order')
  },
)
