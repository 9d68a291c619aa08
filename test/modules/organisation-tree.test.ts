/**
 * The organisation tree (docs/rules.md §20): migration 0020 moves branches, points and groups into it without
 * changing a loan; offices and places are created by admin at the right level and read by every role; communes and
 * villages are imported from a list (dry run, then apply).
 */
import t from 'tap'
import Database from 'better-sqlite3'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, rowCounts, type KeyName } from '../helpers/app.js'
import { disbursedLoan, expectStatus, paid } from '../helpers/origination.js'
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/platform/database.js'
import { attachToTree } from '../../src/modules/organisation/tree.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

const ta = await buildTestApp(t, { fileDatabase: true })
const { app, as, world } = ta

const one = <T>(sql: string, ...args: unknown[]) => app.sqlite.prepare(sql).get(...args) as T
const officeId = (code: string) => one<{ id: number }>('SELECT id FROM offices WHERE code = ?', code).id
const placeOf = (table: 'transaction_points' | 'groups', id: number) =>
  one<{ placeId: number }>(`SELECT place_id AS placeId FROM ${table} WHERE id = ?`, id).placeId

t.test('§20 migration 0020 moves every branch, point and group into the tree and changes no loan', async (t) => {
  // A loan with money on it, and a third group meeting in the same village as group A (one village place for both).
  const loan = await disbursedLoan(ta, { amount: 20_000_000 })
  await paid(t, ta, loan.loanId, 1_500_000, '2026-06-25')
  expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/groups',
      payload: {
        code: 'G-A3',
        name: 'Group A3',
        partnerId: world.partnerA,
        transactionPointId: world.pointA,
        village: 'Thôn 1',
      },
    }),
    201,
    'group A3',
  )

  // The same data in a database at migration 0019: the tables of 0019, copied column by column.
  const dir = mkdtempSync(join(tmpdir(), 'pc-tree-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const upTo19 = join(dir, 'migrations')
  mkdirSync(join(upTo19, 'meta'), { recursive: true })
  for (const f of readdirSync(MIGRATIONS_FOLDER).filter((f) => /^00(0\d|1\d)_.*\.sql$/.test(f)))
    copyFileSync(join(MIGRATIONS_FOLDER, f), join(upTo19, f))
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8'))
  journal.entries = journal.entries.filter((e: { idx: number }) => e.idx <= 19)
  writeFileSync(join(upTo19, 'meta', '_journal.json'), JSON.stringify(journal))
  const old = new Database(join(dir, 'old.db'))
  t.teardown(() => old.close())
  migrate(drizzle(old), { migrationsFolder: upTo19 })
  t.notOk(old.prepare("SELECT 1 FROM sqlite_master WHERE name = 'offices'").get(), 'no tree at 0019')
  old.pragma('foreign_keys = OFF')
  old.prepare('ATTACH DATABASE ? AS src').run(app.sqlite.name)
  const tables = (
    old
      .prepare(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'",
      )
      .pluck()
      .all() as string[]
  ).sort((a, b) => Number(a === 'journal_entries') - Number(b === 'journal_entries')) // lines before headers
  // The columns at 0019 (the snapshots after 0020 read these only, the new links aside).
  const columns19 = new Map(
    tables.map((table) => [
      table,
      (old.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).map((c) => `"${c}"`),
    ]),
  )
  const columnsOf = (table: string) => columns19.get(table)!
  for (const table of tables) {
    const cols = columnsOf(table).join(', ')
    old.exec(`DELETE FROM main."${table}"`) // the rows the migrations seed (programmes, rates, the business date)
    old.exec(`INSERT INTO main."${table}" (${cols}) SELECT ${cols} FROM src."${table}"`)
  }
  const snapshot = (schema: 'main' | 'src') =>
    Object.fromEntries(
      tables.map((table) => [
        table,
        old.prepare(`SELECT ${columnsOf(table).join(', ')} FROM ${schema}."${table}" ORDER BY rowid`).all(),
      ]),
    )
  const before = snapshot('src')
  t.ok((before.loan_transactions as unknown[]).length >= 2, 'the loan has its disbursement and repayment')

  // Migration 0020 on it.
  old.pragma('foreign_keys = ON')
  runMigrations(old, MIGRATIONS_FOLDER)
  t.same(snapshot('main'), before, 'every row of every table of 0019 is as it was (loans, money, ledger, audit)')
  t.same(old.prepare('PRAGMA main.foreign_key_check').all(), [], 'every reference holds')

  const offices = old
    .prepare('SELECT id, code, name, level, parent_id AS parentId FROM main.offices ORDER BY id')
    .all() as { id: number; code: string; name: string; level: string; parentId: number | null }[]
  t.same(
    offices.map((o) => [o.code, o.name, o.level]),
    [
      ['HO', 'Hội sở chính', 'head_office'],
      ['PROV-01', 'Đà Nẵng', 'province'],
      ['PROV-02', 'Huế', 'province'],
      ['BR-A', 'Branch A (Đà Nẵng)', 'district'],
      ['BR-B', 'Branch B (Huế)', 'district'],
    ],
    'a head office, a province per distinct branch province, a district per branch',
  )
  const id = (code: string) => offices.find((o) => o.code === code)!.id
  t.same(
    offices.map((o) => o.parentId),
    [null, id('HO'), id('HO'), id('PROV-01'), id('PROV-02')],
  )
  t.same(old.prepare('SELECT code, office_id AS officeId FROM main.branches ORDER BY id').all(), [
    { code: 'BR-A', officeId: id('BR-A') },
    { code: 'BR-B', officeId: id('BR-B') },
  ])
  t.equal(
    old.prepare('SELECT COUNT(*) FROM main.office_paths').pluck().get(),
    5 + 4 + 2,
    'closure: 5 selves, 4 parent links, 2 grand-parent links (head office → district)',
  )
  t.same(
    old
      .prepare('SELECT ancestor_id AS a, depth FROM main.office_paths WHERE descendant_id = ? ORDER BY depth')
      .all(id('BR-B')),
    [
      { a: id('BR-B'), depth: 0 },
      { a: id('PROV-02'), depth: 1 },
      { a: id('HO'), depth: 2 },
    ],
  )
  t.same(
    old
      .prepare(
        `SELECT tp.code, p.kind, p.name, p.office_id = b.office_id AS sameOffice FROM main.transaction_points tp
          JOIN main.places p ON p.id = tp.place_id JOIN main.branches b ON b.id = tp.branch_id ORDER BY tp.id`,
      )
      .all(),
    [
      { code: 'TP-A', kind: 'commune', name: 'Hòa Bắc', sameOffice: 1 },
      { code: 'TP-B', kind: 'commune', name: 'Phú Mậu', sameOffice: 1 },
    ],
    "a commune per point, served by the point's branch",
  )
  t.same(
    old
      .prepare(
        `SELECT g.code AS g, v.code, v.name, v.kind, v.parent_id = tp.place_id AS inCommune FROM main.groups g
          JOIN main.places v ON v.id = g.place_id JOIN main.transaction_points tp ON tp.id = g.transaction_point_id
          ORDER BY g.id`,
      )
      .all(),
    [
      { g: 'G-A', code: 'TP-A-01', name: 'Thôn 1', kind: 'village', inCommune: 1 },
      { g: 'G-A2', code: 'TP-A-02', name: 'Thôn 2', kind: 'village', inCommune: 1 },
      { g: 'G-B', code: 'TP-B-01', name: 'Thôn 3', kind: 'village', inCommune: 1 },
      { g: 'G-A3', code: 'TP-A-01', name: 'Thôn 1', kind: 'village', inCommune: 1 },
    ],
    'a village per distinct (point, village): groups A and A3 meet in the same one',
  )
  t.equal(old.prepare('SELECT COUNT(*) FROM main.places').pluck().get(), 2 + 3)
})

t.test('§20 the service links new branches, points and groups as the migration does', async (t) => {
  const districtA = officeId('BR-A')
  t.equal(
    one<{ parentId: number }>('SELECT parent_id AS parentId FROM offices WHERE id = ?', districtA).parentId,
    officeId('PROV-01'),
  )
  const communeA = placeOf('transaction_points', world.pointA)
  t.match(one('SELECT kind, name, office_id AS officeId FROM places WHERE id = ?', communeA), {
    kind: 'commune',
    name: 'Hòa Bắc',
    officeId: districtA,
  })
  const g1 = placeOf('groups', world.groupA)
  t.match(one('SELECT kind, name, parent_id AS parentId FROM places WHERE id = ?', g1), {
    kind: 'village',
    name: 'Thôn 1',
    parentId: communeA,
  })
  t.not(placeOf('groups', world.groupA2), g1, 'Thôn 2 is another village')
})

t.test('§20 a branch is a district office under its province office', async (t) => {
  const res = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-DN-HV', name: 'PGD Hòa Vang', province: 'Đà Nẵng' },
    }),
    201,
    'branch',
  )
  const officeOfBranch = res.json().officeId as number
  t.equal(officeOfBranch, officeId('BR-DN-HV'), 'the district office has the branch code')
  const province = expectStatus(
    await as('officerB', { method: 'GET', url: `/v1/offices/${officeId('PROV-01')}` }),
    200,
    'get',
  )
  t.same(
    province
      .json()
      .children.map((c: { code: string; level: string; branchId: number }) => [c.code, c.level, c.branchId]),
    [
      ['BR-A', 'district', world.branchA],
      ['BR-DN-HV', 'district', res.json().id],
    ],
    "the province's districts: branch A and the new one (same province name)",
  )

  const quangNam = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/offices',
      payload: { code: 'QNA', name: 'Quảng Nam', level: 'province' },
    }),
    201,
    'province',
  ).json()
  t.match(quangNam, { code: 'QNA', level: 'province', parentId: officeId('HO'), branchId: null })
  const tamKy = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-TK', name: 'PGD Tam Kỳ', province: 'Quảng Nam', provinceOfficeId: quangNam.id },
    }),
    201,
    'branch under a given province office',
  ).json()
  t.same(
    app.sqlite
      .prepare(
        'SELECT o.code, p.depth FROM office_paths p JOIN offices o ON o.id = p.ancestor_id WHERE descendant_id = ? ORDER BY depth',
      )
      .all(tamKy.officeId),
    [
      { code: 'BR-TK', depth: 0 },
      { code: 'QNA', depth: 1 },
      { code: 'HO', depth: 2 },
    ],
    'the closure rows of a new district office',
  )
  const newProvince = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-HUE2', name: 'PGD', province: 'Quảng Trị' },
    }),
    201,
    'branch of a province with no office yet',
  ).json()
  t.match(
    one(
      'SELECT p.name, p.level, p.code FROM offices d JOIN offices p ON p.id = d.parent_id WHERE d.id = ?',
      newProvince.officeId,
    ),
    { name: 'Quảng Trị', level: 'province', code: /^PROV-\d\d$/ },
    'a province office named after the branch province, under the head office',
  )

  const under = expectStatus(
    await as('partnerA', { method: 'GET', url: `/v1/offices?underId=${quangNam.id}` }),
    200,
    'subtree',
  ).json()
  t.same(
    under.items.map((o: { code: string }) => o.code),
    ['QNA', 'BR-TK'],
    'a subtree: the office and what is under it',
  )
  const provinces = expectStatus(
    await as('auditor', { method: 'GET', url: '/v1/offices?level=province' }),
    200,
    'l',
  ).json()
  t.same(
    provinces.items.map((o: { name: string }) => o.name),
    ['Đà Nẵng', 'Huế', 'Quảng Nam', 'Quảng Trị'],
  )
})

t.test('§20 an office goes at its level only, and only admin creates one', async (t) => {
  const before = rowCounts(app)
  const post = (who: KeyName, payload: object) => as(who, { method: 'POST', url: '/v1/offices', payload })
  assertRejected(t, await post('admin', { code: 'X1', name: 'X', level: 'district' }), 422, 'TREE_LEVEL_INVALID')
  assertRejected(t, await post('admin', { code: 'X2', name: 'X', level: 'head_office' }), 422, 'TREE_LEVEL_INVALID')
  assertRejected(
    t,
    await post('admin', { code: 'X3', name: 'X', level: 'province', parentId: officeId('BR-A') }),
    422,
    'TREE_LEVEL_INVALID',
  )
  assertRejected(
    t,
    await post('admin', { code: 'X4', name: 'X', level: 'province', parentId: 999_999 }),
    422,
    'REFERENCE_NOT_FOUND',
  )
  assertRejected(t, await post('admin', { code: 'PROV-01', name: 'X', level: 'province' }), 409, 'DUPLICATE')
  assertRejected(t, await post('managerA', { code: 'X5', name: 'X', level: 'province' }), 403, 'FORBIDDEN')
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/branches',
      payload: { code: 'BR-X', name: 'X', province: 'Huế', provinceOfficeId: officeId('HO') },
    }),
    422,
    'TREE_LEVEL_INVALID',
  )
  assertRejected(t, await as('admin', { method: 'GET', url: '/v1/offices/999999' }), 404, 'NOT_FOUND')
  t.same(rowCounts(app), before, 'nothing written')
})

t.test('§20 communes under a district office, villages under a commune', async (t) => {
  const districtA = officeId('BR-A')
  const post = (payload: object) => as('admin', { method: 'POST', url: '/v1/places', payload })
  const commune = expectStatus(
    await post({ code: '20314', name: 'Xã Hòa Ninh', kind: 'commune', officeId: districtA }),
    201,
    'c',
  ).json()
  t.match(commune, { code: '20314', kind: 'commune', parentId: null, officeId: districtA })
  const village = expectStatus(
    await post({ code: '20314-01', name: 'Thôn An Sơn', kind: 'village', parentId: commune.id }),
    201,
    'v',
  ).json()
  t.match(
    village,
    { kind: 'village', parentId: commune.id, officeId: districtA },
    "a village takes its commune's office",
  )

  const before = rowCounts(app)
  assertRejected(
    t,
    await post({ code: 'Y1', name: 'Y', kind: 'commune', officeId: officeId('PROV-01') }),
    422,
    'TREE_LEVEL_INVALID',
  )
  assertRejected(
    t,
    await post({ code: 'Y2', name: 'Y', kind: 'village', parentId: village.id }),
    422,
    'TREE_LEVEL_INVALID',
  )
  assertRejected(
    t,
    await post({ code: 'Y3', name: 'Y', kind: 'village', officeId: districtA }),
    422,
    'TREE_LEVEL_INVALID',
  )
  assertRejected(t, await post({ code: 'Y4', name: 'Y', kind: 'commune' }), 422, 'TREE_LEVEL_INVALID')
  assertRejected(t, await post({ code: '20314', name: 'Y', kind: 'commune', officeId: districtA }), 409, 'DUPLICATE')
  assertRejected(
    t,
    await as('officerA', {
      method: 'POST',
      url: '/v1/places',
      payload: { code: 'Y5', name: 'Y', kind: 'commune', officeId: districtA },
    }),
    403,
    'FORBIDDEN',
  )
  t.same(rowCounts(app), before, 'nothing written')

  // A point created for that commune serves it; a group in its village meets there.
  const point = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: {
        code: 'TP-HN',
        name: 'Điểm GD Hòa Ninh',
        branchId: world.branchA,
        commune: 'Hòa Ninh',
        sessionDay: 9,
        placeId: commune.id,
      },
    }),
    201,
    'point',
  ).json()
  t.equal(point.placeId, commune.id)
  const group = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/groups',
      payload: {
        code: 'G-HN',
        name: 'Tổ An Sơn',
        partnerId: world.partnerA,
        transactionPointId: point.id,
        village: 'Thôn An Sơn',
      },
    }),
    201,
    'group',
  ).json()
  t.equal(group.placeId, village.id, "the commune's village of that name")
  assertRejected(
    t,
    await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: {
        code: 'TP-HUE',
        name: 'P',
        branchId: world.branchB,
        commune: 'Hòa Ninh',
        sessionDay: 9,
        placeId: commune.id,
      },
    }),
    422,
    'TREE_LEVEL_INVALID',
  )

  const district = expectStatus(
    await as('partnerB', { method: 'GET', url: `/v1/offices/${districtA}` }),
    200,
    'get',
  ).json()
  t.same(
    district.communes.map((c: { name: string }) => c.name),
    ['Hòa Bắc', 'Xã Hòa Ninh'],
    "a district office's communes",
  )
  const ofProvince = expectStatus(
    await as('finance', { method: 'GET', url: `/v1/places?officeId=${officeId('PROV-01')}&kind=village` }),
    200,
    'places',
  ).json()
  t.same(
    ofProvince.items.map((p: { name: string }) => p.name),
    ['Thôn 1', 'Thôn 2', 'Thôn An Sơn'],
    "the villages under a province: its districts' communes' villages (G-A and G-A3 share Thôn 1)",
  )
  const villages = expectStatus(
    await as('officerA', { method: 'GET', url: `/v1/places?parentId=${commune.id}` }),
    200,
    'p',
  ).json()
  t.same(
    villages.items.map((p: { id: number }) => p.id),
    [village.id],
  )
})

const importCsv = (csv: string, mode?: 'apply' | 'dry_run', who: KeyName = 'admin') =>
  as(who, {
    method: 'POST',
    url: `/v1/places/import${mode ? `?mode=${mode}` : ''}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })

t.test('§20 importing communes and villages: dry run, then apply', async (t) => {
  // Vietnamese headers, a BOM, a village listed before its commune, a kind column filled on some lines only.
  const csv =
    '\uFEFFMã,Tên,Mã cấp trên,Cấp\r\n' +
    '20320-01,Thôn Phước Thuận,20320,thôn\r\n' +
    '20320,Xã Hòa Liên,BR-A,xã\r\n' +
    '20320-02,Thôn Quan Nam,20320,\r\n' +
    '20314,Xã Hòa Ninh,BR-A,\r\n' // already there (previous test): unchanged
  const before = rowCounts(app)
  const dry = expectStatus(await importCsv(csv), 200, 'dry run').json()
  t.same(rowCounts(app), before, 'a dry run writes nothing')
  t.same(dry.totals, { lines: 4, create: 3, unchanged: 1, conflict: 0 })
  t.same(
    dry.lines.map((l: { line: number; code: string; kind: string; outcome: string }) => [
      l.line,
      l.code,
      l.kind,
      l.outcome,
    ]),
    [
      [2, '20320-01', 'village', 'create'],
      [3, '20320', 'commune', 'create'],
      [4, '20320-02', 'village', 'create'],
      [5, '20314', 'commune', 'unchanged'],
    ],
  )
  t.equal(dry.applied, false)

  const applied = expectStatus(await importCsv(csv, 'apply'), 200, 'apply').json()
  t.equal(applied.applied, true)
  t.equal(applied.totals.create, 3)
  t.equal(rowCounts(app).places, before.places + 3, 'three places')
  const lienId = one<{ id: number }>("SELECT id FROM places WHERE code = '20320'").id
  t.same(
    app.sqlite
      .prepare("SELECT code, name, kind, parent_id AS parentId FROM places WHERE code LIKE '20320-%' ORDER BY code")
      .all(),
    [
      { code: '20320-01', name: 'Thôn Phước Thuận', kind: 'village', parentId: lienId },
      { code: '20320-02', name: 'Thôn Quan Nam', kind: 'village', parentId: lienId },
    ],
    'Vietnamese names kept as sent',
  )
  const again = expectStatus(await importCsv(csv, 'apply'), 200, 'again').json()
  t.same(again.totals, { lines: 4, create: 0, unchanged: 4, conflict: 0 }, 'sending the list again changes nothing')

  const json = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/places/import?mode=apply',
      payload: { lines: [{ code: '20320-03', name: 'Thôn Hội Yên', parentCode: '20320', kind: 'village' }] },
    }),
    200,
    'json',
  ).json()
  t.match(json.lines[0], { line: 1, outcome: 'create', kind: 'village', placeId: Number })
})

t.test('§20 an import with a conflict is applied not at all', async (t) => {
  const csv =
    'code,name,parentCode,kind\n' +
    'A1,Xã A,NO-SUCH,\n' + // unknown parent
    'A2,Thôn dưới thôn,20320-01,\n' + // a village under a village
    'A3,Xã dưới tỉnh,PROV-01,xã\n' + // a commune under a province (a line there is a district)
    'A4,Thôn,20320,commune\n' + // the kind disagrees with the parent
    '20320,Xã khác tên,BR-A,\n' + // code taken by another name
    'A5,Thôn,20320,\n' +
    'A5,Thôn,20320,\n' + // twice
    'A6,,20320,\n' + // no name
    'A7,Thôn,20320,làng bản\n' + // an unknown kind word
    'A8,Xã hợp lệ,BR-A,\n' +
    'A9,Thôn của A1,A1,\n' + // under a line in conflict
    'A10,Thôn hợp lệ,A8,\n' +
    'A11,Thôn dưới thôn mới,A10,\n' // under a village of the list
  const before = rowCounts(app)
  const dry = expectStatus(await importCsv(csv, 'dry_run'), 200, 'dry run').json()
  t.same(
    dry.lines.map(
      (l: { code: string; outcome: string; problem: string | null }) => `${l.code}:${l.problem ?? l.outcome}`,
    ),
    [
      'A1:UNKNOWN_PARENT',
      'A2:LEVEL',
      'A3:LEVEL',
      'A4:LEVEL',
      '20320:CODE_TAKEN',
      'A5:DUPLICATE_IN_LIST',
      'A5:DUPLICATE_IN_LIST',
      'A6:MISSING_VALUE',
      'A7:UNKNOWN_KIND',
      'A8:create',
      'A9:PARENT_IN_CONFLICT',
      'A10:create',
      'A11:LEVEL',
    ],
  )
  t.same(dry.totals, { lines: 13, create: 2, unchanged: 0, conflict: 11 })
  const refused = assertRejected(t, await importCsv(csv, 'apply'), 422, 'PLACE_IMPORT_CONFLICTS')
  t.equal(refused.errors.length, 11, 'each line in conflict named')
  t.same(rowCounts(app), before, 'nothing imported')

  assertRejected(t, await importCsv('code,name\nA,B\n', 'dry_run'), 400, 'VALIDATION_ERROR')
  assertRejected(t, await importCsv('code,name,parentCode\n', 'apply', 'managerA'), 403, 'FORBIDDEN')
  t.same(rowCounts(app), before, 'nothing imported')
})

t.test('§20 rows written without the tree (the demo generator) are linked as the migration links them', async (t) => {
  const db = app.sqlite
  const branch = Number(
    db.prepare("INSERT INTO branches (code, name, province) VALUES ('GEN-B', 'Gen', 'Huế')").run().lastInsertRowid,
  )
  const point = Number(
    db
      .prepare(
        "INSERT INTO transaction_points (code, name, branch_id, commune, session_day) VALUES ('GEN-TP', 'P', ?, 'Xã Gen', 5)",
      )
      .run(branch).lastInsertRowid,
  )
  const group = (code: string, village: string) =>
    Number(
      db
        .prepare('INSERT INTO groups (code, name, partner_id, transaction_point_id, village) VALUES (?, ?, ?, ?, ?)')
        .run(code, code, world.partnerB, point, village).lastInsertRowid,
    )
  const g1 = group('GEN-G1', 'Thôn 5')
  const g2 = group('GEN-G2', 'Thôn 5')
  const g3 = group('GEN-G3', 'Thôn 6')
  t.equal(db.transaction(() => attachToTree(db))(), 5, 'a branch, a point, three groups')
  t.equal(db.transaction(() => attachToTree(db))(), 0, 'then nothing is left to link')
  const district = one<{ officeId: number }>('SELECT office_id AS officeId FROM branches WHERE id = ?', branch).officeId
  t.match(
    one(
      'SELECT o.code, o.level, p.name AS province FROM offices o JOIN offices p ON p.id = o.parent_id WHERE o.id = ?',
      district,
    ),
    {
      code: 'GEN-B',
      level: 'district',
      province: 'Huế',
    },
  )
  t.equal(placeOf('groups', g1), placeOf('groups', g2), 'one village for two groups of Thôn 5')
  t.not(placeOf('groups', g3), placeOf('groups', g1))
  t.match(one('SELECT code, parent_id AS parentId FROM places WHERE id = ?', placeOf('groups', g3)), {
    code: 'GEN-TP-02',
    parentId: placeOf('transaction_points', point),
  })
})

t.test('§20 the verifier names a broken tree (cli verify, and the end of every API test)', async (t) => {
  const db = app.sqlite
  t.same(
    verifyInvariants(db).failures.filter((f) => f.invariant === 'organisation_tree'),
    [],
    'the tree as the tests left it is whole',
  )
  const broken = (change: string, args: unknown[]) => {
    db.exec('SAVEPOINT broken')
    try {
      db.prepare(change).run(...args)
      return verifyInvariants(db)
        .failures.filter((f) => f.invariant === 'organisation_tree')
        .map((f) => f.detail)
    } finally {
      db.exec('ROLLBACK TO broken; RELEASE broken')
    }
  }
  const districtB = officeId('BR-B')
  t.same(broken('DELETE FROM office_paths WHERE descendant_id = ? AND depth = 2', [districtB]), [
    `office_paths is not the closure of the parent links: missing ${officeId('HO')}→${districtB} at 2`,
  ])
  t.same(broken('UPDATE groups SET place_id = ? WHERE id = ?', [placeOf('groups', world.groupB), world.groupA]), [
    `a group does not meet in a village of its point's commune: group ${world.groupA}`,
  ])
  t.same(
    broken('UPDATE transaction_points SET place_id = ? WHERE id = ?', [
      placeOf('transaction_points', world.pointB),
      world.pointA,
    ]),
    [
      `a transaction point does not serve a commune of its branch's office: transaction point ${world.pointA}`,
      // Its groups' villages are of its former commune now: groups A, A2 and A3 (made by the first test).
      ...(
        db
          .prepare('SELECT id FROM groups WHERE transaction_point_id = ? ORDER BY id')
          .pluck()
          .all(world.pointA) as number[]
      ).map((g) => `a group does not meet in a village of its point's commune: group ${g}`),
    ],
  )
  t.same(broken('UPDATE branches SET office_id = NULL WHERE id = ?', [world.branchB]), [
    `a branch is not one district office: branch ${world.branchB}`,
    `a branch is not one district office: district office ${districtB} without a branch`,
    `a transaction point does not serve a commune of its branch's office: transaction point ${world.pointB}`,
  ])
})
