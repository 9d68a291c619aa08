/**
 * Organisation reference data (docs/api.md): branches, commune transaction points
 * (session day 1–28), partners (4 kinds) and savings-and-loan groups — created
 * by admin, listed per scope, paginated with limit and cursor.
 */
import t from 'tap'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, rowCounts, type KeyName } from '../helpers/app.js'

const { app, as, world } = await buildTestApp(t)

/** Ids listed for a caller, following every page. */
async function listAll(who: KeyName, url: string): Promise<number[]> {
  const ids: number[] = []
  let cursor: string | null = null
  do {
    const sep = url.includes('?') ? '&' : '?'
    const res = await as(who, { method: 'GET', url: `${url}${sep}limit=500${cursor ? `&cursor=${cursor}` : ''}` })
    if (res.statusCode !== 200) throw new Error(`${who} GET ${url}: ${res.statusCode} ${res.body}`)
    const page = res.json()
    ids.push(...page.items.map((i: { id: number }) => i.id))
    cursor = page.nextCursor
  } while (cursor)
  return ids
}
const idsWhere = (sql: string, ...args: unknown[]) =>
  app.sqlite
    .prepare(sql)
    .pluck()
    .all(...args) as number[]

t.test('admin creates a branch and it is listed', async (t) => {
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/branches',
    payload: { code: 'BR-DN2', name: 'Chi nhánh Hòa Vang', province: 'Đà Nẵng' },
  })
  t.equal(res.statusCode, 201)
  const branch = res.json()
  t.match(branch, { id: Number, code: 'BR-DN2', name: 'Chi nhánh Hòa Vang', province: 'Đà Nẵng', createdAt: String })
  const list = await as('admin', { method: 'GET', url: '/v1/branches' })
  t.equal(list.statusCode, 200)
  t.same(
    list.json().items.find((b: { id: number }) => b.id === branch.id),
    branch,
    'listed as created',
  )
})

t.test('admin creates a transaction point with a session day and it is listed', async (t) => {
  for (const sessionDay of [1, 28]) {
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: {
        code: `TP-D${sessionDay}`,
        name: 'Điểm giao dịch',
        branchId: world.branchA,
        commune: 'Hòa Phong',
        sessionDay,
      },
    })
    t.equal(res.statusCode, 201, `session day ${sessionDay} is accepted`)
    t.match(res.json(), { code: `TP-D${sessionDay}`, branchId: world.branchA, commune: 'Hòa Phong', sessionDay })
    const list = await as('admin', { method: 'GET', url: `/v1/transaction-points?branchId=${world.branchA}` })
    t.same(
      list.json().items.find((p: { id: number }) => p.id === res.json().id),
      res.json(),
    )
  }
})

t.test('a session day outside 1–28 is 400 with field body.sessionDay and nothing is written', async (t) => {
  for (const sessionDay of [31, 29, 0, -1]) {
    const before = rowCounts(app)
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: { code: `TP-BAD${sessionDay}`, name: 'Bad', branchId: world.branchA, commune: 'c', sessionDay },
    })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', 'body.sessionDay')
    t.same(rowCounts(app), before, `session day ${sessionDay}: database unchanged`)
  }
})

t.test('admin creates a partner of each of the four kinds and they are listed', async (t) => {
  const kinds = ['womens_union', 'farmers_association', 'veterans_association', 'youth_union']
  for (const kind of kinds) {
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/partners',
      payload: { code: `P-${kind}`, name: kind, kind, branchId: world.branchB },
    })
    t.equal(res.statusCode, 201, kind)
    t.match(res.json(), { kind, branchId: world.branchB })
  }
  const list = await as('admin', { method: 'GET', url: `/v1/partners?branchId=${world.branchB}` })
  const listedKinds = list
    .json()
    .items.filter((p: { code: string }) => p.code.startsWith('P-') && kinds.includes(p.code.slice(2)))
    .map((p: { kind: string }) => p.kind)
  t.same(listedKinds.sort(), [...kinds].sort())
  t.ok(
    list.json().items.every((p: { branchId: number }) => p.branchId === world.branchB),
    'branchId filter applies',
  )
})

t.test('an unknown partner kind is 400 with field body.kind and nothing is written', async (t) => {
  for (const kind of ['trade_union', 'Womens_Union', '']) {
    const before = rowCounts(app)
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/partners',
      payload: { code: 'P-BADKIND', name: 'x', kind, branchId: world.branchA },
    })
    assertRejected(t, res, 400, 'VALIDATION_ERROR', 'body.kind')
    t.same(rowCounts(app), before, `kind "${kind}": database unchanged`)
  }
})

t.test('admin creates a group whose partner and point share a branch and it is listed', async (t) => {
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/groups',
    payload: {
      code: 'G-NEW',
      name: 'Tổ TK&VV thôn 4',
      partnerId: world.partnerA2,
      transactionPointId: world.pointA,
      village: 'Thôn 4',
      leaderName: 'Lê Văn C',
    },
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), {
    code: 'G-NEW',
    partnerId: world.partnerA2,
    transactionPointId: world.pointA,
    village: 'Thôn 4',
    leaderName: 'Lê Văn C',
  })
  const noLeader = await as('admin', {
    method: 'POST',
    url: '/v1/groups',
    payload: {
      code: 'G-NEW2',
      name: 'Tổ 5',
      partnerId: world.partnerA2,
      transactionPointId: world.pointA,
      village: 'Thôn 5',
    },
  })
  t.equal(noLeader.json().leaderName, null, 'leader name is optional')
  const list = await as('admin', { method: 'GET', url: `/v1/groups?partnerId=${world.partnerA2}` })
  const ids = list.json().items.map((g: { id: number }) => g.id)
  t.same(ids, idsWhere('SELECT id FROM groups WHERE partner_id = ? ORDER BY id', world.partnerA2), 'partnerId filter')
  t.ok(ids.includes(res.json().id))
})

t.test('duplicate codes are 409 DUPLICATE and nothing is written', async (t) => {
  const cases: [string, object][] = [
    ['/v1/branches', { code: 'BR-A', name: 'again', province: 'Huế' }],
    ['/v1/transaction-points', { code: 'TP-A', name: 'again', branchId: world.branchA, commune: 'c', sessionDay: 3 }],
    ['/v1/partners', { code: 'P-A', name: 'again', kind: 'youth_union', branchId: world.branchA }],
    [
      '/v1/groups',
      { code: 'G-A', name: 'again', partnerId: world.partnerA, transactionPointId: world.pointA, village: 'v' },
    ],
  ]
  for (const [url, payload] of cases) {
    const before = rowCounts(app)
    assertRejected(t, await as('admin', { method: 'POST', url, payload }), 409, 'DUPLICATE')
    t.same(rowCounts(app), before, `${url}: database unchanged`)
  }
})

t.test(
  'an unknown branch, partner or transaction point is 422 REFERENCE_NOT_FOUND and nothing is written',
  async (t) => {
    const cases: [string, object][] = [
      ['/v1/transaction-points', { code: 'TP-NOBR', name: 'x', branchId: 999999, commune: 'c', sessionDay: 3 }],
      ['/v1/partners', { code: 'P-NOBR', name: 'x', kind: 'youth_union', branchId: 999999 }],
      ['/v1/groups', { code: 'G-NOP', name: 'x', partnerId: 999999, transactionPointId: world.pointA, village: 'v' }],
      [
        '/v1/groups',
        { code: 'G-NOTP', name: 'x', partnerId: world.partnerA, transactionPointId: 999999, village: 'v' },
      ],
    ]
    for (const [url, payload] of cases) {
      const before = rowCounts(app)
      assertRejected(t, await as('admin', { method: 'POST', url, payload }), 422, 'REFERENCE_NOT_FOUND')
      t.same(rowCounts(app), before, `${url}: database unchanged`)
    }
  },
)

t.test('a group whose partner and transaction point are in different branches is 409 INVALID_STATE', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/groups',
    payload: { code: 'G-CROSS', name: 'x', partnerId: world.partnerA, transactionPointId: world.pointB, village: 'v' },
  })
  assertRejected(t, res, 409, 'INVALID_STATE')
  t.same(rowCounts(app), before, 'database unchanged')
})

t.test('only admin creates reference data', async (t) => {
  for (const who of ['officerA', 'managerA', 'partnerA', 'finance', 'auditor'] as const) {
    const before = rowCounts(app)
    assertRejected(
      t,
      await as(who, {
        method: 'POST',
        url: '/v1/groups',
        payload: {
          code: `G-${who}`,
          name: 'x',
          partnerId: world.partnerA,
          transactionPointId: world.pointA,
          village: 'v',
        },
      }),
      403,
      'FORBIDDEN',
    )
    t.same(rowCounts(app), before, `${who}: database unchanged`)
  }
})

t.test('a partner officer sees only their own partner, branch, points and groups', async (t) => {
  t.same(await listAll('partnerA', '/v1/partners'), [world.partnerA], 'own partner only')
  t.same(
    await listAll('partnerA', '/v1/groups'),
    idsWhere('SELECT id FROM groups WHERE partner_id = ? ORDER BY id', world.partnerA),
    'own groups only',
  )
  t.notOk(
    (await listAll('partnerA', '/v1/groups')).includes(world.groupA2),
    "not the other partner's group at the same point",
  )
  t.same(await listAll('partnerA', '/v1/branches'), [world.branchA], 'own branch only')
  t.same(await listAll('partnerB', '/v1/partners'), [world.partnerB])
  t.same(
    await listAll('partnerB', '/v1/transaction-points'),
    idsWhere('SELECT id FROM transaction_points WHERE branch_id = ? ORDER BY id', world.branchB),
    "points of the partner's branch",
  )
  // A filter cannot widen the scope.
  t.same(
    await listAll('partnerA', `/v1/groups?partnerId=${world.partnerB}`),
    [],
    'filtering on another partner shows nothing',
  )
  t.same(
    await listAll('partnerA', `/v1/partners?branchId=${world.branchB}`),
    [],
    'filtering on another branch shows nothing',
  )
})

t.test("a branch officer sees only their own branch's points, partners and groups", async (t) => {
  const pointsB = await listAll('officerB', '/v1/transaction-points')
  t.same(pointsB, idsWhere('SELECT id FROM transaction_points WHERE branch_id = ? ORDER BY id', world.branchB))
  t.notOk(pointsB.includes(world.pointA), "branch B does not see branch A's point")
  t.same(
    await listAll('officerB', `/v1/transaction-points?branchId=${world.branchA}`),
    [],
    'filtering on branch A shows nothing',
  )
  t.same(await listAll('officerB', '/v1/branches'), [world.branchB])
  t.same(
    await listAll('managerA', '/v1/partners'),
    idsWhere('SELECT id FROM partners WHERE branch_id = ? ORDER BY id', world.branchA),
  )
  const groupsA = await listAll('officerA', '/v1/groups')
  t.same(
    groupsA,
    idsWhere(
      'SELECT g.id FROM groups g JOIN transaction_points p ON p.id = g.transaction_point_id WHERE ' +
        'p.branch_id = ? ORDER BY g.id',
      world.branchA,
    ),
  )
  t.notOk(groupsA.includes(world.groupB))
})

t.test('admin, finance and auditor see every branch', async (t) => {
  const all = idsWhere('SELECT id FROM branches ORDER BY id')
  for (const who of ['admin', 'finance', 'auditor'] as const) t.same(await listAll(who, '/v1/branches'), all, who)
  const allGroups = idsWhere('SELECT id FROM groups ORDER BY id')
  t.same(await listAll('auditor', '/v1/groups'), allGroups, 'auditor sees every group')
})

t.test('lists page with limit and cursor: every item once, in order, then nextCursor null', async (t) => {
  for (let i = 0; i < 5; i++) {
    t.equal(
      (
        await as('admin', {
          method: 'POST',
          url: '/v1/branches',
          payload: { code: `BR-PAGE${i}`, name: `Page ${i}`, province: 'Huế' },
        })
      ).statusCode,
      201,
    )
  }
  const all = idsWhere('SELECT id FROM branches ORDER BY id')
  t.ok(all.length >= 7)
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await as('admin', { method: 'GET', url: `/v1/branches?limit=2${cursor ? `&cursor=${cursor}` : ''}` })
    t.equal(res.statusCode, 200)
    const page = res.json()
    t.ok(page.items.length <= 2, 'at most limit items')
    seen.push(...page.items.map((b: { id: number }) => b.id))
    cursor = page.nextCursor
    if (cursor !== null) t.equal(page.items.length, 2, 'a full page before the last')
    pages++
  } while (cursor && pages < 100)
  t.same(seen, all, 'every branch once, in id order')
  t.equal(pages, Math.ceil(all.length / 2))

  const exact = await as('admin', { method: 'GET', url: `/v1/branches?limit=${all.length}` })
  t.equal(exact.json().items.length, all.length)
  t.equal(exact.json().nextCursor, null, 'no next page when the page holds the rest exactly')
  const past = await as('admin', { method: 'GET', url: `/v1/branches?cursor=${all[all.length - 1]}` })
  t.same(past.json(), { items: [], nextCursor: null }, 'a cursor at the end gives an empty page')
})

t.test('an invalid limit or cursor is 400', async (t) => {
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: '/v1/branches?limit=0' }),
    400,
    'VALIDATION_ERROR',
    'querystring.limit',
  )
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: '/v1/groups?cursor=abc' }),
    400,
    'VALIDATION_ERROR',
    'querystring.cursor',
  )
})
