/**
 * The tree's import at every level (docs/rules.md §20): one list carries provinces, districts, communes and
 * villages; a line's level is its parent's plus one; a district office is created as a branch (its office, its
 * closure rows, its province text); "thành phố" is a province under the head office and a district under a
 * province; conflicts write nothing; the same list sent again changes nothing.
 */
import t from 'tap'
import fc from 'fast-check'
import { deepStrictEqual } from 'node:assert/strict'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, rowCounts, type KeyName } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { parseImportCsv, planImport } from '../../src/modules/organisation/tree-import.js'

const ta = await buildTestApp(t)
const { app, as } = ta

const one = <T>(sql: string, ...args: unknown[]) => app.sqlite.prepare(sql).get(...args) as T
const officeId = (code: string) => one<{ id: number }>('SELECT id FROM offices WHERE code = ?', code).id
const placeId = (code: string) => one<{ id: number }>('SELECT id FROM places WHERE code = ?', code).id
const importCsv = (csv: string, mode?: 'apply' | 'dry_run', who: KeyName = 'admin') =>
  as(who, {
    method: 'POST',
    url: `/v1/places/import${mode ? `?mode=${mode}` : ''}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })
type Line = { line: number; code: string; kind: string | null; outcome: string; problem: string | null }
const outcomes = (body: { lines: Line[] }) => body.lines.map((l) => `${l.code}:${l.kind}:${l.problem ?? l.outcome}`)

// Two provinces (GSO codes), listed bottom-up and mixed: each line still finds its parent. "Thành phố" twice: Đà Nẵng
// under the head office (a province), Tam Kỳ under Quảng Nam (a district).
const FOUR_LEVELS =
  '\uFEFFMã,Tên,Mã cấp trên,Cấp\r\n' +
  '20800-01,Thôn Bình Trúc,20800,thôn\r\n' +
  '20800,Xã Bình Nguyên,513,xã\r\n' +
  '513,Huyện Thăng Bình,49,huyện\r\n' +
  '502,Thành phố Tam Kỳ,49,thành phố\r\n' +
  '20335,Phường Tân Thạnh,502,\r\n' +
  '49,Tỉnh Quảng Nam,HO,tỉnh\r\n' +
  '48,Thành phố Đà Nẵng,HO,Thành phố\r\n' +
  '490,Quận Liên Chiểu,48,quận\r\n' +
  '20194,Phường Hòa Hiệp Bắc,490,phường\r\n' +
  '20194-01,Tổ dân phố 1,20194,tổ dân phố\r\n'

t.test('§20 a file of the four levels: the dry run answers each line and writes nothing', async (t) => {
  const before = rowCounts(app)
  const dry = expectStatus(await importCsv(FOUR_LEVELS), 200, 'dry run').json()
  t.same(rowCounts(app), before, 'a dry run writes nothing')
  t.equal(dry.applied, false)
  t.same(dry.totals, { lines: 10, create: 10, unchanged: 0, conflict: 0 })
  t.same(
    dry.lines.map((l: Line) => [l.line, l.code, l.kind, l.outcome]),
    [
      [2, '20800-01', 'village', 'create'],
      [3, '20800', 'commune', 'create'],
      [4, '513', 'district', 'create'],
      [5, '502', 'district', 'create'],
      [6, '20335', 'commune', 'create'],
      [7, '49', 'province', 'create'],
      [8, '48', 'province', 'create'],
      [9, '490', 'district', 'create'],
      [10, '20194', 'commune', 'create'],
      [11, '20194-01', 'village', 'create'],
    ],
    'each level from its parent: "thành phố" a province under HO, a district under a province',
  )
})

t.test('§20 the order of the lines does not matter: any order of the file gives each line the same outcome', (t) => {
  const input = parseImportCsv(FOUR_LEVELS)
  const outcome = (lines: ReturnType<typeof planImport>) =>
    Object.fromEntries(lines.map((l) => [l.code, `${l.kind}:${l.problem ?? l.outcome}`]))
  const expected = outcome(planImport(app.sqlite, input))
  t.equal(Object.values(expected).filter((o) => o.endsWith(':create')).length, 10)
  fc.assert(
    fc.property(fc.shuffledSubarray(input, { minLength: input.length }), (shuffled) =>
      deepStrictEqual(outcome(planImport(app.sqlite, shuffled)), expected),
    ),
    { numRuns: 50 },
  )
  t.pass('50 orders of the file, the same outcomes')
  t.end()
})

t.test('§20 applying it creates provinces, districts as branches, communes and villages, top-down', async (t) => {
  const before = rowCounts(app)
  const lastAudit = one<{ id: number }>('SELECT MAX(id) AS id FROM audit_log').id
  const applied = expectStatus(await importCsv(FOUR_LEVELS, 'apply'), 200, 'apply').json()
  t.equal(applied.applied, true)
  t.same(applied.totals, { lines: 10, create: 10, unchanged: 0, conflict: 0 })
  const after = rowCounts(app)
  t.equal(after.offices, before.offices + 5, 'two province offices, three district offices')
  t.equal(after.branches, before.branches + 3, 'each district office is a branch')
  t.equal(after.places, before.places + 5, 'three communes, two villages')

  const head = officeId('HO')
  t.same(
    app.sqlite
      .prepare(
        `SELECT o.code, o.name, o.level, p.code AS parent FROM offices o JOIN offices p ON p.id = o.parent_id
          WHERE o.code IN ('48', '49', '490', '502', '513') ORDER BY o.code`,
      )
      .all(),
    [
      { code: '48', name: 'Thành phố Đà Nẵng', level: 'province', parent: 'HO' },
      { code: '49', name: 'Tỉnh Quảng Nam', level: 'province', parent: 'HO' },
      { code: '490', name: 'Quận Liên Chiểu', level: 'district', parent: '48' },
      { code: '502', name: 'Thành phố Tam Kỳ', level: 'district', parent: '49' },
      { code: '513', name: 'Huyện Thăng Bình', level: 'district', parent: '49' },
    ],
    'Vietnamese names kept as sent, each office under its parent',
  )
  t.same(
    app.sqlite
      .prepare('SELECT code, name, province, office_id AS officeId FROM branches WHERE code IN (?, ?, ?) ORDER BY code')
      .all('490', '502', '513'),
    [
      { code: '490', name: 'Quận Liên Chiểu', province: 'Thành phố Đà Nẵng', officeId: officeId('490') },
      { code: '502', name: 'Thành phố Tam Kỳ', province: 'Tỉnh Quảng Nam', officeId: officeId('502') },
      { code: '513', name: 'Huyện Thăng Bình', province: 'Tỉnh Quảng Nam', officeId: officeId('513') },
    ],
    "each branch is its district office, its province the province office's name",
  )
  t.same(
    app.sqlite
      .prepare('SELECT ancestor_id AS a, depth FROM office_paths WHERE descendant_id = ? ORDER BY depth')
      .all(officeId('513')),
    [
      { a: officeId('513'), depth: 0 },
      { a: officeId('49'), depth: 1 },
      { a: head, depth: 2 },
    ],
    'the closure rows of a district: itself, its province, the head office',
  )
  t.same(
    app.sqlite
      .prepare(
        `SELECT p.code, p.kind, o.code AS office, c.code AS parent FROM places p JOIN offices o ON o.id = p.office_id
          LEFT JOIN places c ON c.id = p.parent_id WHERE p.code IN ('20800', '20800-01', '20335', '20194', '20194-01')
          ORDER BY p.code`,
      )
      .all(),
    [
      { code: '20194', kind: 'commune', office: '490', parent: null },
      { code: '20194-01', kind: 'village', office: '490', parent: '20194' },
      { code: '20335', kind: 'commune', office: '502', parent: null },
      { code: '20800', kind: 'commune', office: '513', parent: null },
      { code: '20800-01', kind: 'village', office: '513', parent: '20800' },
    ],
    'communes served by their district office, villages under their commune',
  )
  const byCode = new Map(applied.lines.map((l: { code: string }) => [l.code, l]))
  t.match(byCode.get('513'), { officeId: officeId('513'), branchId: Number, placeId: null })
  t.match(byCode.get('49'), { officeId: officeId('49'), branchId: null, placeId: null })
  t.match(byCode.get('20800'), { officeId: null, branchId: null, placeId: placeId('20800') })
  t.same(
    app.sqlite
      .prepare(
        `SELECT action, COUNT(*) AS n FROM audit_log WHERE action IN ('office.create', 'branch.create', 'place.import')
          AND id > ? GROUP BY action ORDER BY action`,
      )
      .all(lastAudit),
    [
      { action: 'branch.create', n: 3 },
      { action: 'office.create', n: 2 },
      { action: 'place.import', n: 1 },
    ],
    'audited: each office and branch as the services create them, and the import',
  )

  const again = expectStatus(await importCsv(FOUR_LEVELS, 'apply'), 200, 'again').json()
  t.same(again.totals, { lines: 10, create: 0, unchanged: 10, conflict: 0 }, 'sending the file again changes nothing')
  t.match(
    again.lines.find((l: { code: string }) => l.code === '490'),
    { outcome: 'unchanged', officeId: officeId('490'), branchId: Number },
  )
  t.same(rowCounts(app).offices, after.offices)
  t.same(rowCounts(app).branches, after.branches)
  t.same(rowCounts(app).places, after.places)

  // JSON, English kinds, under an existing province office and a district of the list.
  const json = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/places/import?mode=apply',
      payload: {
        lines: [
          { code: '20641', name: 'Thị trấn Đông Phú', parentCode: '509', kind: 'commune' },
          { code: '509', name: 'Huyện Quế Sơn', parentCode: '49', kind: 'district' },
        ],
      },
    }),
    200,
    'json',
  ).json()
  t.same(outcomes(json), ['20641:commune:create', '509:district:create'])
  t.equal(one<{ province: string }>("SELECT province FROM branches WHERE code = '509'").province, 'Tỉnh Quảng Nam')
})

t.test('§20 a district imported under a province office from the branches takes its province', async (t) => {
  // PROV-01 "Đà Nẵng" is the test world's (branch BR-A): a district under it is in province "Đà Nẵng", the text a
  // local policy's region is matched with.
  const res = expectStatus(
    await importCsv('code,name,parentCode\nDN-497,Huyện Hòa Vang,PROV-01\n20293,Xã Hòa Bắc,DN-497\n', 'apply'),
    200,
    'apply',
  ).json()
  t.same(outcomes(res), ['DN-497:district:create', '20293:commune:create'])
  t.match(one('SELECT province, office_id AS officeId FROM branches WHERE code = ?', 'DN-497'), {
    province: 'Đà Nẵng',
    officeId: officeId('DN-497'),
  })
})

t.test('§20 a line at the wrong level, a taken code or a loop: each named, nothing applied', async (t) => {
  const csv =
    'code,name,parentCode,kind\n' +
    '491,Quận Thanh Khê,HO,quận\n' + // a district under the head office
    '50,Tỉnh Giả,49,tỉnh\n' + // a province under a province
    '20195,Phường Hòa Hiệp Nam,48,phường\n' + // a commune under a province (without a kind it would be a district)
    'TP-X,Thành phố Giả,20194,thành phố\n' + // a city under a commune
    'T1,Thành phố Giả 1,48,thành phố trực thuộc trung ương\n' + // a centrally-run city under a province
    'T2,Thành phố Giả 2,HO,thành phố thuộc tỉnh\n' + // a provincial city under the head office
    '48,Đà Nẵng,HO,\n' + // the code of a province office, another name
    'TP-A,Huyện Trùng Mã,49,\n' + // a district coded like a commune (the test world's point TP-A)
    'L1,Huyện Vòng 1,L2,\n' +
    'L2,Huyện Vòng 2,L1,\n' + // a loop: neither reaches an office
    '20900,Xã Dưới Lỗi,491,\n' + // under a line in conflict
    'V1,Thôn dưới thôn,20800-01,\n' + // under an existing village
    '519,Huyện Nông Sơn,49,huyện\n' // fine
  const before = rowCounts(app)
  const dry = expectStatus(await importCsv(csv, 'dry_run'), 200, 'dry run').json()
  t.same(outcomes(dry), [
    '491:province:LEVEL',
    '50:district:LEVEL',
    '20195:district:LEVEL',
    'TP-X:village:LEVEL',
    'T1:district:LEVEL',
    'T2:province:LEVEL',
    '48:province:CODE_TAKEN',
    'TP-A:district:CODE_TAKEN',
    'L1:null:UNKNOWN_PARENT',
    'L2:null:UNKNOWN_PARENT',
    '20900:district:PARENT_IN_CONFLICT', // under 491, which HO makes a province
    'V1:null:LEVEL',
    '519:district:create',
  ])
  t.same(dry.totals, { lines: 13, create: 1, unchanged: 0, conflict: 12 })
  const refused = assertRejected(t, await importCsv(csv, 'apply'), 422, 'PLACE_IMPORT_CONFLICTS')
  t.equal(refused.errors.length, 12, 'each line in conflict named')
  t.match(refused.errors[0], { field: 'line 2', message: /^LEVEL: under HO comes a province, not a district/ })
  t.same(rowCounts(app), before, 'nothing imported, not even the line that was fine')
  assertRejected(
    t,
    await importCsv('Mã,Tên,Mã cấp trên\n519,Huyện Nông Sơn,49\n', 'apply', 'managerA'),
    403,
    'FORBIDDEN',
  )
  t.same(rowCounts(app), before, 'nothing imported')
})

t.test('§20 an imported district is a usable branch: a point, a partner and a group are created in it', async (t) => {
  const branchId = one<{ id: number }>("SELECT id FROM branches WHERE code = '513'").id
  const point = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/transaction-points',
      payload: {
        code: 'QN-TB-BN',
        name: 'Điểm giao dịch xã Bình Nguyên',
        branchId,
        commune: 'Bình Nguyên',
        sessionDay: 12,
        placeId: placeId('20800'),
      },
    }),
    201,
    'point',
  ).json()
  t.equal(point.placeId, placeId('20800'), 'the point serves the imported commune')
  const partner = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/partners',
      payload: { code: 'QN-TB-HPN', name: 'Hội LHPN huyện Thăng Bình', kind: 'womens_union', branchId },
    }),
    201,
    'partner',
  ).json()
  const group = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/groups',
      payload: {
        code: 'QN-TB-G1',
        name: 'Tổ TK&VV thôn Bình Trúc',
        partnerId: partner.id,
        transactionPointId: point.id,
        village: 'Thôn Bình Trúc',
      },
    }),
    201,
    'group',
  ).json()
  t.equal(group.placeId, placeId('20800-01'), 'the group meets in the imported village (found by its name)')
  const under = expectStatus(
    await as('finance', { method: 'GET', url: `/v1/offices?underId=${officeId('49')}` }),
    200,
    'offices',
  ).json()
  t.same(
    under.items.map((o: { code: string; branchId: number | null }) => [o.code, o.branchId !== null]),
    [
      ['49', false],
      ['513', true],
      ['502', true],
      ['509', true],
    ],
    'the province and its districts, each a branch',
  )
})
