/**
 * Finding households (docs/rules.md §4): by name ignoring case and diacritics, by citizen-ID
 * prefix, by village, group, transaction point, partner and branch, always within the caller's
 * scope; list items readable without one call per row.
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, nationalId } from '../helpers/app.js'
import { disbursedLoan } from '../helpers/origination.js'
import {
  findHouseholds,
  recordDecision,
  registerHousehold,
  VIETNAMESE_LETTERS,
  type HouseholdBody,
} from '../helpers/households.js'
import { foldText } from '../../src/domain/text.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const ids = (items: { id: number }[]) => items.map((h) => h.id)
/** The ids found among `mine` (other tests of this file register households too). */
const foundAmong = (items: { id: number }[], mine: HouseholdBody[]) =>
  ids(items).filter((id) => mine.some((h) => h.id === id))

t.test(
  'when q is a name without diacritics or in another case, then the household with diacritics is found',
  async (t) => {
    const lan = await registerHousehold(ta, 'Nguyễn Thị Lan')
    const lan2 = await registerHousehold(ta, 'Nguyễn Văn Lân')
    const tran = await registerHousehold(ta, 'Trần Thị Lan')
    const mine = [lan, lan2, tran]
    t.same(
      foundAmong(await findHouseholds(ta, 'officerA', 'q=nguyen%20thi%20lan'), mine),
      [lan.id],
      'nguyen thi lan: exactly Nguyễn Thị Lan',
    )
    t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=NGUYEN%20THI%20LAN'), mine), [lan.id], 'upper case')
    t.same(
      foundAmong(await findHouseholds(ta, 'officerA', `q=${encodeURIComponent('nguyễn thị lan')}`), mine),
      [lan.id],
      'with diacritics',
    )
    t.same(
      foundAmong(
        await findHouseholds(ta, 'officerA', `q=${encodeURIComponent('NGUYỄN THỊ LAN'.normalize('NFD'))}`),
        mine,
      ),
      [lan.id],
      'typed decomposed (NFD)',
    )
    t.same(
      foundAmong(await findHouseholds(ta, 'officerA', 'q=lan'), mine),
      [lan.id, lan2.id, tran.id],
      'lan finds Lan and Lân',
    )
  },
)

t.test('when q has several words, then every word must appear, in any order and as any part of the name', async (t) => {
  const lan = await registerHousehold(ta, 'Phạm Thị Ngọc Lan')
  const hoa = await registerHousehold(ta, 'Phạm Văn Hòa')
  const mine = [lan, hoa]
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=lan%20pham'), mine), [lan.id], 'order does not matter')
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=ngo%20pha'), mine), [lan.id], 'parts of words')
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=pham'), mine), [lan.id, hoa.id])
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=pham%20xuan'), mine), [], 'one word missing: not found')
  for (const h of await findHouseholds(ta, 'admin', 'q=pham%20thi')) {
    t.ok(
      foldText(h.headName).includes('pham') && foldText(h.headName).includes('thi'),
      `${h.headName} contains both words`,
    )
  }
})

t.test('when q contains d, then đ and Đ match it (and đ in q matches d)', async (t) => {
  const duc = await registerHousehold(ta, 'Đặng Văn Đức')
  const mine = [duc]
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=dang%20duc'), mine), [duc.id])
  t.same(foundAmong(await findHouseholds(ta, 'officerA', `q=${encodeURIComponent('đặng')}`), mine), [duc.id])
  t.same(foundAmong(await findHouseholds(ta, 'officerA', `q=${encodeURIComponent('ĐỨC')}`), mine), [duc.id])
})

t.test('when q holds % or _, then they are taken literally, not as wildcards', async (t) => {
  const h = await registerHousehold(ta, 'Lê Thị Hồng')
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=l_%20h%25ng'), [h]), [])
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=%25'), [h]), [])
})

t.test('when q is 1 to 12 digits, then it is a citizen-ID prefix', async (t) => {
  const a = await registerHousehold(ta, 'Võ Thị Mai', { nationalId: '079301000011' })
  const b = await registerHousehold(ta, 'Võ Văn Nam', { nationalId: '079301000012' })
  const c = await registerHousehold(ta, 'Huỳnh Văn Tư', { nationalId: '079302000013' })
  const mine = [a, b, c]
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=0793010'), mine), [a.id, b.id])
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=07930'), mine), [a.id, b.id, c.id])
  t.same(ids(await findHouseholds(ta, 'officerA', 'q=079301000012')), [b.id], 'all 12 digits: that household')
  t.same(ids(await findHouseholds(ta, 'officerA', 'q=0793019')), [], 'no ID starts with it')
  t.same(
    ids(await findHouseholds(ta, 'officerA', 'q=0793010000121')),
    [],
    '13 digits is not an ID: a name search, nothing',
  )
})

t.test('when nationalId is partial, then it is a prefix (no longer 400), and non-digits are still 400', async (t) => {
  const a = await registerHousehold(ta, 'Bùi Thị Thu', { nationalId: '066188000001' })
  const b = await registerHousehold(ta, 'Bùi Văn Thắng', { nationalId: '066188000002' })
  t.same(foundAmong(await findHouseholds(ta, 'admin', 'nationalId=066188'), [a, b]), [a.id, b.id])
  t.same(ids(await findHouseholds(ta, 'admin', 'nationalId=066188000002')), [b.id], 'a whole ID: exact')
  for (const bad of ['06618A', '0661880000011', '']) {
    assertRejected(
      t,
      await as('admin', { method: 'GET', url: `/v1/households?nationalId=${bad}` }),
      400,
      'VALIDATION_ERROR',
      'querystring.nationalId',
    )
  }
})

t.test(
  'when the caller filters by village, group, transaction point, partner or branch, then only those ' +
    'households are listed',
  async (t) => {
    const a = await registerHousehold(ta, 'Đỗ Văn Bình', { village: 'Thôn Phú Túc' })
    const a2 = await registerHousehold(ta, 'Đỗ Thị Bé', { group: 'groupA2', village: 'Thôn Phú Túc' })
    const b = await registerHousehold(ta, 'Đỗ Văn Cường', { group: 'groupB', village: 'Thôn Phú Túc' })
    const mine = [a, a2, b]
    const village = `village=${encodeURIComponent('Thôn Phú Túc')}`
    t.same(foundAmong(await findHouseholds(ta, 'admin', village), mine), [a.id, a2.id, b.id], 'village')
    t.same(foundAmong(await findHouseholds(ta, 'admin', `groupId=${world.groupA2}`), mine), [a2.id], 'group')
    t.same(
      foundAmong(await findHouseholds(ta, 'admin', `transactionPointId=${world.pointA}`), mine),
      [a.id, a2.id],
      'transaction point',
    )
    t.same(foundAmong(await findHouseholds(ta, 'admin', `partnerId=${world.partnerA}`), mine), [a.id], 'partner')
    t.same(foundAmong(await findHouseholds(ta, 'admin', `branchId=${world.branchB}`), mine), [b.id], 'branch')
    t.same(
      foundAmong(await findHouseholds(ta, 'admin', `q=do&${village}&branchId=${world.branchA}`), mine),
      [a.id, a2.id],
      'filters combine',
    )
    t.ok(
      (await findHouseholds(ta, 'admin', `transactionPointId=${world.pointB}`)).every(
        (h) => h.transactionPointId === world.pointB,
      ),
    )
    t.same(ids(await findHouseholds(ta, 'admin', 'village=Nowhere')), [])
  },
)

t.test("when a search reaches outside the caller's scope, then nothing outside it is listed", async (t) => {
  const a = await registerHousehold(ta, 'Mai Xuân Thưởng')
  const a2 = await registerHousehold(ta, 'Mai Thị Xuân', { group: 'groupA2' })
  const b = await registerHousehold(ta, 'Mai Văn Xuân', { group: 'groupB' })
  const mine = [a, a2, b]
  t.same(
    foundAmong(await findHouseholds(ta, 'partnerA', 'q=xuan%20mai'), mine),
    [a.id],
    "partner officer: own partner's groups",
  )
  t.same(
    foundAmong(await findHouseholds(ta, 'officerA', 'q=xuan%20mai'), mine),
    [a.id, a2.id],
    'branch officer: own branch',
  )
  t.same(foundAmong(await findHouseholds(ta, 'managerB', 'q=xuan%20mai'), mine), [b.id])
  t.same(foundAmong(await findHouseholds(ta, 'auditor', 'q=xuan%20mai'), mine), [a.id, a2.id, b.id], 'auditor: all')
  t.same(
    ids(await findHouseholds(ta, 'partnerA', `partnerId=${world.partnerB}`)),
    [],
    'asking for another partner: nothing',
  )
  t.same(
    ids(await findHouseholds(ta, 'officerA', `branchId=${world.branchB}`)),
    [],
    'asking for another branch: nothing',
  )
  t.same(
    ids(await findHouseholds(ta, 'officerB', `nationalId=${a.nationalId}`)),
    [],
    'a citizen ID of another branch: nothing',
  )
})

t.test(
  'when a list is read, then each item carries group name, transaction point, poverty status and the ' +
    'active-loan flag',
  async (t) => {
    const h = await registerHousehold(ta, 'Trương Thị Kiều')
    await recordDecision(ta, h.id, 'poor', '2020-01-01')
    await disbursedLoan(ta, { householdId: h.id })
    const other = await registerHousehold(ta, 'Trương Văn Kiệt')
    const items = await findHouseholds(ta, 'partnerA', 'q=truong%20kie')
    t.same(foundAmong(items, [h, other]), [h.id, other.id])
    t.match(
      items.find((x) => x.id === h.id),
      {
        id: h.id,
        nationalId: h.nationalId,
        headName: 'Trương Thị Kiều',
        groupId: world.groupA,
        groupName: 'Group A',
        transactionPointId: world.pointA,
        address: { village: 'Thôn 1' },
        branchId: world.branchA,
        partnerId: world.partnerA,
        povertyStatus: 'poor',
        hasActiveLoan: true,
      },
    )
    t.match(
      items.find((x) => x.id === other.id),
      { povertyStatus: 'none', hasActiveLoan: false },
    )
    t.same(
      (await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json(),
      items.find((x) => x.id === h.id),
      'the same view as GET /v1/households/{id}',
    )
  },
)

t.test('when a search spans pages, then the cursor walks through every match once', async (t) => {
  const mine: HouseholdBody[] = []
  for (let i = 0; i < 5; i++) mine.push(await registerHousehold(ta, `Lương Thị Páge ${i}`))
  const seen: number[] = []
  let cursor: string | null = null
  do {
    const res = await as('officerA', {
      method: 'GET',
      url: `/v1/households?q=luong%20page&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
    })
    t.equal(res.statusCode, 200)
    seen.push(...ids(res.json().items))
    cursor = res.json().nextCursor
  } while (cursor)
  t.same(seen, ids(mine))
})

t.test('when q is only spaces or too long, then nothing is listed, or 400 naming querystring.q', async (t) => {
  t.same(ids(await findHouseholds(ta, 'admin', 'q=%20%20')), [], 'no words: nothing (not everything)')
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: `/v1/households?q=${'a'.repeat(101)}` }),
    400,
    'VALIDATION_ERROR',
    'querystring.q',
  )
  assertRejected(
    t,
    await as('admin', { method: 'GET', url: '/v1/households?q=' }),
    400,
    'VALIDATION_ERROR',
    'querystring.q',
  )
})

t.test('when a household is registered, then its search key is the folded name', async (t) => {
  const h = await registerHousehold(ta, 'Hoàng Thị Ánh Tuyết')
  t.equal(
    app.sqlite.prepare('SELECT search_name FROM households WHERE id = ?').pluck().get(h.id),
    'hoang thi anh tuyet',
  )
})

t.test(
  'when a household is inserted with plain SQL, then the database folds its key like foldText, for every ' +
    'Vietnamese letter',
  async (t) => {
    const names = [
      VIETNAMESE_LETTERS.join(''),
      VIETNAMESE_LETTERS.join('').normalize('NFD'),
      'ÐẶNG Văn Ðức',
      'Household 42 Ab',
    ]
    const insert = app.sqlite.prepare(
      'INSERT INTO households (national_id, head_name, group_id, area, commune, village, address) VALUES ' +
        "(?, ?, ?, 'rural', '', '', '')",
    )
    for (const name of names) {
      const id = Number(insert.run(nationalId(), name, world.groupA).lastInsertRowid)
      t.equal(
        app.sqlite.prepare('SELECT search_name FROM households WHERE id = ?').pluck().get(id),
        foldText(name),
        `insert trigger: ${name.slice(0, 20)}…`,
      )
      app.sqlite.prepare('UPDATE households SET head_name = ? WHERE id = ?').run(`${name} Đào`, id)
      t.equal(
        app.sqlite.prepare('SELECT search_name FROM households WHERE id = ?').pluck().get(id),
        foldText(`${name} Đào`),
        'a name changed by plain SQL refreshes its key',
      )
    }
  },
)

t.test('when migration 0008 backfills existing households, then each key equals foldText of the name', async (t) => {
  const migration = readFileSync(
    new URL('../../db/migrations/0008_household_search_and_history.sql', import.meta.url),
    'utf8',
  )
  const backfill = migration
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .find((s) => s.startsWith('UPDATE `households` SET `search_name`'))
  t.ok(backfill, 'the migration has its backfill statement')
  const h = await registerHousehold(ta, 'Ngô Thị Ứng')
  app.sqlite.prepare('UPDATE households SET search_name = NULL').run()
  app.sqlite.exec(backfill!)
  const rows = app.sqlite.prepare('SELECT head_name AS name, search_name AS key FROM households').all() as {
    name: string
    key: string
  }[]
  t.ok(rows.length > 20)
  t.ok(
    rows.every((r) => r.key === foldText(r.name)),
    'every key is the folded name',
  )
  t.same(foundAmong(await findHouseholds(ta, 'officerA', 'q=ngo%20ung'), [h]), [h.id], 'and the household is found')
})

t.test('when searching by citizen-ID prefix, then the unique national_id index is used (no table scan)', async (t) => {
  const plan = app.sqlite
    .prepare('EXPLAIN QUERY PLAN SELECT id FROM households h WHERE h.national_id >= ? AND h.national_id < ?')
    .all('0480', '0480:') as { detail: string }[]
  t.match(plan.map((p) => p.detail).join('\n'), /USING (COVERING )?INDEX households_national_id_unique/)
  const names = app.sqlite
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'households'")
    .pluck()
    .all()
  t.ok(names.includes('households_search_name'), 'the folded key is indexed')
})
