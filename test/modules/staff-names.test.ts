/**
 * GET /v1/users/names: who acted on a file, by name (the console's four-eyes panels). Any role may
 * ask; only id, name and role come back; unknown ids are left out; the ids are validated.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'

const ta = await buildTestApp(t)
const { as, world } = ta

t.test(
  'when a partner officer asks for the names of the officer and the manager, then each comes back with its ' +
    'role and nothing more',
  async (t) => {
    const ids = [world.userIds.managerA, world.userIds.officerA]
    const res = await as('partnerA', { method: 'GET', url: `/v1/users/names?ids=${ids.join(',')}` })
    t.equal(res.statusCode, 200)
    const items = res.json().items as { id: number; name: string; role: string }[]
    t.same(
      items.map((i) => [i.id, i.role]),
      [...ids]
        .sort((a, b) => a - b)
        .map((id) => [id, id === world.userIds.managerA ? 'branch_manager' : 'branch_officer']),
      'ordered by id, with the role',
    )
    t.ok(
      items.every((i) => Object.keys(i).sort().join() === 'id,name,role' && i.name.length > 0),
      'only id, name and role',
    )
    const listed = (await as('admin', { method: 'GET', url: '/v1/users?limit=100' })).json().items as {
      id: number
      name: string
    }[]
    t.same(
      items.map((i) => i.name),
      items.map((i) => listed.find((u) => u.id === i.id)!.name),
      "the same names as the admin's user list",
    )
  },
)

t.test('when an id does not exist or is repeated, then it is left out or given once', async (t) => {
  const res = await as('officerA', {
    method: 'GET',
    url: `/v1/users/names?ids=999999,${world.userIds.finance},${world.userIds.finance}`,
  })
  t.equal(res.statusCode, 200)
  t.same(
    res.json().items.map((i: { id: number }) => i.id),
    [world.userIds.finance],
  )
})

t.test('when the ids are not a comma-separated list of 1 to 100 numbers, then 400 VALIDATION_ERROR', async (t) => {
  for (const q of [
    'ids=',
    'ids=1,,2',
    'ids=-1',
    'ids=1;2',
    'ids=a',
    `ids=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`,
    '',
  ]) {
    const res = await as('auditor', { method: 'GET', url: `/v1/users/names?${q}` })
    t.equal(res.statusCode, 400, `${q || '(no ids)'} → 400`)
    t.equal(res.json().code, 'VALIDATION_ERROR')
  }
  t.equal(
    (
      await as('auditor', {
        method: 'GET',
        url: `/v1/users/names?ids=${Array.from({ length: 100 }, (_, i) => i + 1).join(',')}`,
      })
    ).statusCode,
    200,
    '100 ids are fine',
  )
})

t.test('when nobody is signed in, then 401', async (t) => {
  const res = await ta.app.inject({ method: 'GET', url: `/v1/users/names?ids=${world.userIds.admin}` })
  t.equal(res.statusCode, 401)
})
