/**
 * The scope rule at every level (docs/rules.md §21), below HTTP: scope.ts's renderings with several ids (in memory,
 * raw SQL, drizzle — the three must agree), and scopeResolver against a small tree in a real database.
 */
import t from 'tap'
import { and, eq } from 'drizzle-orm'
import { partners } from '../../src/db/schema.js'
import { openDatabase } from '../../src/platform/database.js'
import { scopeResolver, type Actor } from '../../src/platform/auth.js'
import { inScope, scopeBranchIds, scopeCondition, scopeOf, scopeSql } from '../../src/platform/scope.js'

const actor = (over: Partial<Actor>): Actor => ({
  userId: 1,
  name: 'x',
  role: 'branch_officer',
  branchId: null,
  partnerId: null,
  ...over,
})

t.test('scopeOf: a branch, an office (several branches), a partner tree, read-all roles, no node', async (t) => {
  t.same(scopeOf(actor({ branchId: 7 })), { kind: 'branch', ids: [7] }, 'a branch user: its branch')
  t.same(
    scopeOf(actor({ role: 'branch_manager', officeId: 2, branchIds: [3, 5], officeIds: [2, 4, 6] })),
    { kind: 'branch', ids: [3, 5], officeIds: [2, 4, 6] },
    'an office user: the branches and offices under its office',
  )
  t.same(
    scopeOf(actor({ role: 'supervisor', officeId: 2, branchIds: [], officeIds: [2] })),
    { kind: 'branch', ids: [], officeIds: [2] },
    'a province office without districts yet still has its own node',
  )
  t.same(
    scopeOf(actor({ role: 'partner_officer', partnerId: 10, partnerIds: [10, 11, 12] })),
    { kind: 'partner', ids: [10, 11, 12] },
    'a partner officer: its partner and those under it',
  )
  t.same(scopeOf(actor({ role: 'partner_officer', partnerId: 10 })), { kind: 'partner', ids: [10] }, 'unresolved')
  t.same(scopeOf(actor({ role: 'supervisor' })), { kind: 'none' }, 'a supervisor without a node sees nothing')
  t.same(scopeOf(actor({ role: 'auditor', branchIds: [1] })), { kind: 'all' }, 'read-all roles ignore any ids')
  t.same(scopeBranchIds(actor({ branchIds: [3, 5], officeId: 2 })), [3, 5], 'scopeBranchIds: the branches')
  t.same(scopeBranchIds(actor({ role: 'partner_officer', partnerIds: [1] })), [], 'a partner: no branch as such')
  t.equal(scopeBranchIds(actor({ role: 'finance' })), null, 'finance: every branch')
})

t.test('inScope with several ids: a member matches, a neighbour does not', async (t) => {
  const province = actor({ role: 'branch_manager', officeId: 2, branchIds: [3, 5], officeIds: [2, 4, 6] })
  t.ok(inScope(province, { branchId: 3 }), 'district 3 of the province')
  t.ok(inScope(province, { branchId: 5, partnerId: 99 }), 'district 5, whatever the partner')
  t.notOk(inScope(province, { branchId: 4 }), 'branch 4 (another province) — an office id is not a branch id')
  const union = actor({ role: 'partner_officer', partnerId: 10, partnerIds: [10, 11, 12] })
  t.ok(inScope(union, { branchId: 1, partnerId: 12 }), 'a chapter under the union')
  t.notOk(inScope(union, { branchId: 1, partnerId: 13 }), 'another partner')
  t.notOk(inScope(union, { branchId: 1 }), 'a thing with no partner')
})

// A table standing for any scoped thing; each rendering must select exactly what inScope admits.
const { sqlite, db } = openDatabase(':memory:')
t.teardown(() => sqlite.close())

t.test(
  'scopeSql and scopeCondition select exactly what inScope admits (one id, several, none, office column)',
  async (t) => {
    sqlite.exec(
      `CREATE TABLE things (id INTEGER PRIMARY KEY, branch_id INTEGER, partner_id INTEGER, office_id INTEGER)`,
    )
    const things: { id: number; branchId: number; partnerId: number; officeId: number }[] = []
    for (let b = 1; b <= 6; b++)
      for (let p = 10; p <= 13; p++)
        things.push({ id: things.length + 1, branchId: b, partnerId: p, officeId: b + 100 })
    const insert = sqlite.prepare('INSERT INTO things VALUES (?, ?, ?, ?)')
    for (const x of things) insert.run(x.id, x.branchId, x.partnerId, x.officeId)
    const actors: [string, Actor][] = [
      ['one branch', actor({ branchId: 3 })],
      ['an office with two branches', actor({ officeId: 2, branchIds: [3, 5], officeIds: [2] })],
      ['a partner tree', actor({ role: 'partner_officer', partnerId: 10, partnerIds: [10, 12] })],
      ['one partner', actor({ role: 'partner_officer', partnerId: 11 })],
      ['no node', actor({ role: 'supervisor' })],
      ['admin', actor({ role: 'admin' })],
    ]
    for (const [what, a] of actors) {
      const expected = things.filter((x) => inScope(a, x)).map((x) => x.id)
      const s = scopeSql(a, { branch: 'branch_id', partner: 'partner_id' })
      const bySql = sqlite.prepare(`SELECT id FROM things WHERE ${s.sql} ORDER BY id`).pluck().all(s.params) as number[]
      t.same(bySql, expected, `${what}: scopeSql selects what inScope admits (${expected.length} of ${things.length})`)
    }
    // Hand-counted: branches 3 and 5 × four partners = 8; partners 10 and 12 × six branches = 12.
    const office = actor({ officeId: 2, branchIds: [3, 5], officeIds: [2] })
    const s = scopeSql(office, { branch: 'branch_id' })
    t.equal(s.sql, 'branch_id IN (SELECT value FROM json_each(@scope))', 'several ids: one JSON parameter')
    t.same(s.params, { scope: '[3,5]' }, 'the ids as a JSON array')
    t.equal(sqlite.prepare(`SELECT COUNT(*) FROM things WHERE ${s.sql}`).pluck().get(s.params), 8, '8 things')
    const tree = scopeSql(actor({ role: 'partner_officer', partnerIds: [10, 12] }), { partner: 'partner_id' }, 'p')
    t.equal(sqlite.prepare(`SELECT COUNT(*) FROM things WHERE ${tree.sql}`).pluck().get(tree.params), 12, '12 things')
    t.same(scopeSql(actor({ branchId: 3 }), { branch: 'branch_id' }), {
      sql: 'branch_id = @scope',
      params: { scope: 3 },
    })
    t.same(scopeSql(office, { partner: 'partner_id' }), { sql: '0 = 1', params: {} }, 'a scope the thing lacks: none')
    // With an office column, an office user also sees what stands beside an office under its own (office 103, 105 and
    // the branch-less office 2 here) — a branch user never does.
    const withOffice = scopeSql(actor({ officeId: 2, branchIds: [3], officeIds: [2, 105] }), {
      branch: 'branch_id',
      office: 'office_id',
    })
    t.equal(withOffice.sql, '(branch_id = @scope OR office_id IN (SELECT value FROM json_each(@scopeOffices)))')
    t.equal(
      sqlite.prepare(`SELECT COUNT(*) FROM things WHERE ${withOffice.sql}`).pluck().get(withOffice.params),
      8,
      'branch 3 (4 things) or office 105 (the 4 of branch 5)',
    )
    t.same(scopeSql(actor({ branchId: 3 }), { branch: 'branch_id', office: 'office_id' }).sql, 'branch_id = @scope')
  },
)

t.test(
  'scopeResolver: the branches under an office, the partners under a partner, a new district at once',
  async (t) => {
    const HO = sqlite.prepare("SELECT id FROM offices WHERE level = 'head_office'").pluck().get() as number
    const office = (code: string, level: 'province' | 'district', parent: number) => {
      const id = Number(
        sqlite
          .prepare('INSERT INTO offices (code, name, level, parent_id) VALUES (?, ?, ?, ?)')
          .run(code, code, level, parent).lastInsertRowid,
      )
      sqlite
        .prepare(
          `INSERT INTO office_paths (ancestor_id, descendant_id, depth)
          SELECT ancestor_id, ?, depth + 1 FROM office_paths WHERE descendant_id = ? UNION ALL SELECT ?, ?, 0`,
        )
        .run(id, parent, id, id)
      return id
    }
    const branch = (code: string, officeId: number) =>
      Number(
        sqlite
          .prepare("INSERT INTO branches (code, name, province, office_id) VALUES (?, ?, 'P', ?)")
          .run(code, code, officeId).lastInsertRowid,
      )
    const P = office('P', 'province', HO)
    const Q = office('Q', 'province', HO)
    const dA = office('DA', 'district', P)
    const dA2 = office('DA2', 'district', P)
    const dB = office('DB', 'district', Q)
    const [A, A2, B] = [branch('A', dA), branch('A2', dA2), branch('B', dB)]
    const commune = Number(
      sqlite.prepare("INSERT INTO places (code, name, kind, office_id) VALUES ('C1', 'C1', 'commune', ?)").run(dA)
        .lastInsertRowid,
    )
    const partner = (code: string, level: string, branchId: number | null, officeId: number, parentId: number | null) =>
      Number(
        sqlite
          .prepare(
            `INSERT INTO partners (code, name, kind, level, branch_id, office_id, parent_id, place_id)
            VALUES (?, ?, 'womens_union', ?, ?, ?, ?, ?)`,
          )
          .run(code, code, level, branchId, officeId, parentId, level === 'commune' ? commune : null).lastInsertRowid,
      )
    const union = partner('U', 'province', null, P, null)
    const assoc = partner('WA', 'district', A, dA, union)
    const chapter = partner('C', 'commune', A, dA, assoc)
    const assoc2 = partner('WA2', 'district', A2, dA2, union)
    const other = partner('WB', 'district', B, dB, null)
    const resolve = scopeResolver(sqlite)

    const ho = resolve(actor({ role: 'branch_manager', officeId: HO }))
    t.same(ho.branchIds, [A, A2, B], 'head office: every branch')
    t.same(
      ho.officeIds,
      [HO, P, Q, dA, dA2, dB].sort((a, b) => a - b),
      'and every office',
    )
    const p = resolve(actor({ role: 'branch_manager', officeId: P }))
    t.same(p.branchIds, [A, A2], 'province P: districts A and A2')
    t.same(p.officeIds, [P, dA, dA2], 'its office and its districts')
    t.same(resolve(actor({ role: 'supervisor', officeId: Q })).branchIds, [B], 'a supervisor of Q: B')
    const district = resolve(actor({ officeId: dA }))
    t.same(district.branchIds, [A], 'an office user over district A: branch A, like a branch user')
    t.same(scopeOf(district).kind === 'branch' && scopeOf(district), { kind: 'branch', ids: [A], officeIds: [dA] })
    const branchUser = actor({ branchId: A })
    t.equal(resolve(branchUser), branchUser, 'a branch user needs no read')
    t.same(resolve(actor({ role: 'finance' })).branchIds, undefined, 'finance: nothing to resolve')
    t.same(
      resolve(actor({ role: 'partner_officer', partnerId: union })).partnerIds,
      [union, assoc, chapter, assoc2],
      'union',
    )
    t.same(resolve(actor({ role: 'partner_officer', partnerId: assoc })).partnerIds, [assoc, chapter], 'association')
    t.same(resolve(actor({ role: 'partner_officer', partnerId: chapter })).partnerIds, [chapter], 'chapter: itself')
    t.same(
      resolve(actor({ role: 'partner_officer', partnerId: other })).partnerIds,
      [other],
      'a partner without a tree',
    )

    // The province union stands beside P: the partners list of P's manager includes it, district A's does not.
    const visible = (a: Actor) =>
      db
        .select({ id: partners.id })
        .from(partners)
        .where(and(scopeCondition(a, { branch: partners.branchId, partner: partners.id, office: partners.officeId })))
        .orderBy(partners.id)
        .all()
        .map((r) => r.id)
    t.same(visible(p), [union, assoc, chapter, assoc2], 'province P: the union and every partner of its districts')
    t.same(visible(district), [assoc, chapter], 'district A (as an office user): its partners, not the union')
    t.same(visible(branchUser), [assoc, chapter], 'district A (as a branch user): the same')
    t.same(visible(resolve(actor({ officeId: Q }))), [other], 'province Q: its own')
    t.same(visible(ho), [union, assoc, chapter, assoc2, other], 'the head office: all')
    t.same(
      db.select({ id: partners.id }).from(partners).where(eq(partners.id, union)).all().length,
      1,
      'the union exists (the lists above are not empty by accident)',
    )

    // A district added under P is in the scope resolved afterwards (the key cache is dropped on the insert).
    const version = () => sqlite.prepare('SELECT version FROM auth_version WHERE id = 1').pluck().get() as number
    const before = version()
    const A3 = branch('A3', office('DA3', 'district', P))
    t.ok(version() > before, 'inserting an office and a branch bumps auth_version (cached keys are dropped)')
    t.same(resolve(actor({ role: 'branch_manager', officeId: P })).branchIds, [A, A2, A3], 'province P now: A, A2, A3')
    const beforePartner = version()
    partner('C2', 'commune', A, dA, assoc)
    t.ok(version() > beforePartner, 'inserting a partner bumps auth_version')
  },
)
