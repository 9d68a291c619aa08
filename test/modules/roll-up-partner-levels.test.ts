/**
 * Where a partner's entrustment fee is recorded in a roll-up (docs/rules.md §24 "A partner's node", §21): each
 * partner at the node of its own level — a province union at its province office, a district association at its
 * branch's district office, a commune chapter at its commune.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { partnerNodes } from '../../src/modules/reports/rollup.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta
const one = <T>(sql: string, ...args: unknown[]) => app.sqlite.prepare(sql).get(...args) as T
const post = async (url: string, payload: object, what: string) =>
  expectStatus(await as('admin', { method: 'POST', url, payload }), 201, what).json()

const districtA = one<{ officeId: number }>('SELECT office_id AS officeId FROM branches WHERE id = ?', world.branchA)
const provinceA = one<{ parentId: number }>(
  'SELECT parent_id AS parentId FROM offices WHERE id = ?',
  districtA.officeId,
)
const communeA = one<{ placeId: number }>(
  'SELECT place_id AS placeId FROM transaction_points WHERE id = ?',
  world.pointA,
)

t.test('§21/§24 each partner sits at the node of its own level', async (t) => {
  const union = await post(
    '/v1/partners',
    { code: 'WU-P', name: 'Hội LHPN tỉnh', kind: 'womens_union', level: 'province', officeId: provinceA.parentId },
    'province union',
  )
  const chapter = await post(
    '/v1/partners',
    {
      code: 'WU-C',
      name: 'Chi hội phụ nữ xã Hòa Bắc',
      kind: 'womens_union',
      level: 'commune',
      branchId: world.branchA,
      placeId: communeA.placeId,
      parentId: world.partnerA,
    },
    'commune chapter',
  )
  const nodes = partnerNodes(app.sqlite)
  t.same(nodes.get(union.id), { kind: 'office', id: provinceA.parentId }, 'the province union: its province office')
  t.same(
    nodes.get(world.partnerA),
    { kind: 'office', id: districtA.officeId },
    "a district association: its branch's office",
  )
  t.same(nodes.get(chapter.id), { kind: 'place', id: communeA.placeId }, 'a commune chapter: its commune')
})
