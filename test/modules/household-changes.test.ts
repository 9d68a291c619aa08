/**
 * Household changes (docs/rules.md §4): address, household head, area and group transfer, each
 * with an effective date and a reason, kept as append-only history with an audit record; the
 * household shows the current values; loans keep their contract.
 */
import t from 'tap'
import { assertRejected } from '../helpers/problem.js'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'
import { disbursedLoan } from '../helpers/origination.js'
import { findHouseholds, recordDecision, registerHousehold } from '../helpers/households.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const change = (
  who: KeyName,
  householdId: number,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) => as(who, { method: 'POST', url: `/v1/households/${householdId}/changes`, payload, headers })

t.test(
  'when the address changes, then the household shows it, the history keeps before and after, and an audit ' +
    'record is written',
  async (t) => {
    const h = await registerHousehold(ta, 'Nguyễn Thị Hạnh')
    const res = await change('officerA', h.id, {
      effectiveDate: '2026-06-01',
      reason: 'Chuyển nhà sang thôn 2',
      address: { commune: 'Hòa Bắc', village: 'Thôn 2', line: 'Số 8' },
    })
    t.equal(res.statusCode, 201)
    const body = res.json()
    t.match(body.change, {
      id: Number,
      householdId: h.id,
      effectiveDate: '2026-06-01',
      reason: 'Chuyển nhà sang thôn 2',
      changedBy: world.userIds.officerA,
      createdAt: String,
      before: { address: { commune: 'Hòa Bắc', village: 'Thôn 1', line: 'Số 1' } },
      after: { address: { commune: 'Hòa Bắc', village: 'Thôn 2', line: 'Số 8' } },
    })
    t.same(Object.keys(body.change.after), ['address'], 'only the changed field is recorded')
    t.same(body.household.address, { commune: 'Hòa Bắc', village: 'Thôn 2', line: 'Số 8' })
    t.same(body.loansKeepingContract, [])
    t.same(
      (await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().address.village,
      'Thôn 2',
      'the household shows the current values',
    )
    const audit = app.sqlite
      .prepare(
        "SELECT user_id AS userId, before, after FROM audit_log WHERE action = 'household.change' AND " +
          'entity_id = ?',
      )
      .all(String(h.id)) as { userId: number; before: string; after: string }[]
    t.equal(audit.length, 1)
    t.equal(audit[0]!.userId, world.userIds.officerA)
    t.match(JSON.parse(audit[0]!.after), {
      address: { village: 'Thôn 2' },
      effectiveDate: '2026-06-01',
      reason: 'Chuyển nhà sang thôn 2',
      changeId: body.change.id,
    })
    t.match(JSON.parse(audit[0]!.before), { address: { village: 'Thôn 1' } })
  },
)

t.test(
  'when the household head changes, then the new name and citizen ID are current and the search finds the new name',
  async (t) => {
    const h = await registerHousehold(ta, 'Phan Văn Quý')
    const newId = nationalId()
    const res = await change('managerA', h.id, {
      effectiveDate: '2026-05-20',
      reason: 'Chủ hộ qua đời, vợ làm chủ hộ',
      headName: 'Lê Thị Quyên',
      nationalId: newId,
    })
    t.equal(res.statusCode, 201)
    t.match(res.json().change, {
      before: { headName: 'Phan Văn Quý', nationalId: h.nationalId },
      after: { headName: 'Lê Thị Quyên', nationalId: newId },
    })
    t.match(res.json().household, { headName: 'Lê Thị Quyên', nationalId: newId })
    t.same(
      (await findHouseholds(ta, 'officerA', 'q=le%20quyen')).map((x) => x.id),
      [h.id],
      'found by the new name',
    )
    t.same(
      (await findHouseholds(ta, 'officerA', 'q=phan%20quy')).map((x) => x.id).filter((id) => id === h.id),
      [],
      'not by the old one',
    )
    t.same(
      (await findHouseholds(ta, 'officerA', `nationalId=${newId}`)).map((x) => x.id),
      [h.id],
    )
    t.same(
      await findHouseholds(ta, 'officerA', `nationalId=${h.nationalId}`),
      [],
      "the old citizen ID is no longer the household's",
    )
  },
)

t.test('when the new citizen ID belongs to another household, then 409 DUPLICATE and nothing is written', async (t) => {
  const h = await registerHousehold(ta, 'Hồ Văn An')
  const other = await registerHousehold(ta, 'Hồ Thị Bình', { group: 'groupB' })
  const before = rowCounts(app)
  assertRejected(
    t,
    await change('officerA', h.id, {
      effectiveDate: '2026-06-01',
      reason: 'Cấp CCCD mới',
      nationalId: other.nationalId,
    }),
    409,
    'DUPLICATE',
  )
  t.same(rowCounts(app), before, 'database unchanged')
  t.equal((await as('officerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().nationalId, h.nationalId)
})

t.test(
  'when a household moves to another group of its branch, then its loans keep their contract (group, point, ' +
    'partner)',
  async (t) => {
    const h = await registerHousehold(ta, 'Võ Thị Cúc')
    await recordDecision(ta, h.id, 'poor', '2020-01-01')
    const loan = await disbursedLoan(ta, { householdId: h.id })
    const loanBefore = app.sqlite
      .prepare(
        'SELECT group_id AS groupId, transaction_point_id AS pointId, partner_id AS partnerId, branch_id AS ' +
          'branchId FROM loans WHERE id = ?',
      )
      .get(loan.loanId)
    const res = await change('officerA', h.id, {
      effectiveDate: '2026-06-20',
      reason: 'Chuyển sang tổ của Hội Nông dân',
      groupId: world.groupA2,
    })
    t.equal(res.statusCode, 201)
    t.match(res.json(), {
      change: { before: { groupId: world.groupA }, after: { groupId: world.groupA2 } },
      household: { groupId: world.groupA2, partnerId: world.partnerA2, groupName: 'Group A2' },
      loansKeepingContract: [loan.loanId],
    })
    t.same(
      app.sqlite
        .prepare(
          'SELECT group_id AS groupId, transaction_point_id AS pointId, partner_id AS partnerId, branch_id ' +
            'AS branchId FROM loans WHERE id = ?',
        )
        .get(loan.loanId),
      loanBefore,
      'the loan row is untouched',
    )
    t.equal(
      (await as('partnerA2', { method: 'GET', url: `/v1/households/${h.id}` })).statusCode,
      200,
      "the new group's partner sees the household",
    )
    assertRejected(t, await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}` }), 404, 'NOT_FOUND')
  },
)

t.test(
  'when the new group is in another branch, then 422 GROUP_TRANSFER_OUT_OF_BRANCH; an unknown group 422 ' +
    'REFERENCE_NOT_FOUND; nothing is written',
  async (t) => {
    const h = await registerHousehold(ta, 'Tạ Văn Dũng')
    for (const who of ['officerA', 'admin'] as const) {
      const before = rowCounts(app)
      assertRejected(
        t,
        await change(who, h.id, { effectiveDate: '2026-06-01', reason: 'x', groupId: world.groupB }),
        422,
        'GROUP_TRANSFER_OUT_OF_BRANCH',
      )
      t.same(rowCounts(app), before, `${who}: database unchanged`)
    }
    const before = rowCounts(app)
    assertRejected(
      t,
      await change('admin', h.id, { effectiveDate: '2026-06-01', reason: 'x', groupId: 999999 }),
      422,
      'REFERENCE_NOT_FOUND',
    )
    t.same(rowCounts(app), before, 'database unchanged')
  },
)

t.test(
  'when the effective date is after the business date, then 422 DATE_IN_FUTURE and nothing is written',
  async (t) => {
    const h = await registerHousehold(ta, 'Lý Thị Én')
    const before = rowCounts(app)
    assertRejected(
      t,
      await change('officerA', h.id, { effectiveDate: '2026-07-01', reason: 'x', area: 'urban' }),
      422,
      'DATE_IN_FUTURE',
    )
    t.same(rowCounts(app), before, 'database unchanged')
    t.equal(
      (await change('officerA', h.id, { effectiveDate: '2026-06-30', reason: 'x', area: 'urban' })).statusCode,
      201,
      'the business date itself is accepted',
    )
  },
)

t.test(
  'when nothing is to change, then 400 (no field) or 422 NO_CHANGE (same values), and nothing is written',
  async (t) => {
    const h = await registerHousehold(ta, 'Kiều Văn Phúc')
    const before = rowCounts(app)
    assertRejected(
      t,
      await change('officerA', h.id, { effectiveDate: '2026-06-01', reason: 'x' }),
      400,
      'VALIDATION_ERROR',
      'body',
    )
    assertRejected(
      t,
      await change('officerA', h.id, {
        effectiveDate: '2026-06-01',
        reason: 'x',
        headName: 'Kiều Văn Phúc',
        groupId: world.groupA,
      }),
      422,
      'NO_CHANGE',
    )
    t.same(rowCounts(app), before, 'database unchanged')
  },
)

t.test('when the body is malformed, then 400 naming the field, and nothing is written', async (t) => {
  const h = await registerHousehold(ta, 'Tô Văn Giang')
  const cases: [Record<string, unknown>, string][] = [
    [{ reason: 'x', area: 'urban' }, 'body.effectiveDate'],
    [{ effectiveDate: '2026-02-30', reason: 'x', area: 'urban' }, 'body.effectiveDate'],
    [{ effectiveDate: '2026-06-01', area: 'urban' }, 'body.reason'],
    [{ effectiveDate: '2026-06-01', reason: 'x', nationalId: '12345' }, 'body.nationalId'],
    [{ effectiveDate: '2026-06-01', reason: 'x', area: 'suburban' }, 'body.area'],
    [{ effectiveDate: '2026-06-01', reason: 'x', address: { village: 'Thôn 2' } }, 'body.address.commune'],
    [{ effectiveDate: '2026-06-01', reason: 'x', area: 'urban', povertyStatus: 'none' }, 'body.povertyStatus'],
  ]
  for (const [payload, field] of cases) {
    const before = rowCounts(app)
    assertRejected(t, await change('officerA', h.id, payload), 400, 'VALIDATION_ERROR', field)
    t.same(rowCounts(app), before, `${field}: database unchanged`)
  }
})

t.test(
  'when a partner officer, finance or an auditor posts a change, then 403; staff of another branch get 404; ' +
    'nothing is written',
  async (t) => {
    const h = await registerHousehold(ta, 'Chu Văn Hải')
    const body = { effectiveDate: '2026-06-01', reason: 'x', area: 'urban' }
    const before = rowCounts(app)
    for (const who of ['partnerA', 'finance', 'auditor'] as const)
      assertRejected(t, await change(who, h.id, body), 403, 'FORBIDDEN')
    for (const who of ['officerB', 'managerB'] as const)
      assertRejected(t, await change(who, h.id, body), 404, 'NOT_FOUND')
    assertRejected(t, await change('admin', 999999, body), 404, 'NOT_FOUND')
    t.same(rowCounts(app), before, 'database unchanged')
  },
)

t.test(
  "when changes are read, then {items, nextCursor} oldest first, paginated, within the caller's scope",
  async (t) => {
    const h = await registerHousehold(ta, 'Lâm Thị Kim')
    const made: number[] = []
    for (const [date, village] of [
      ['2026-01-10', 'Thôn 2'],
      ['2026-03-10', 'Thôn 3'],
      ['2026-05-10', 'Thôn 4'],
    ] as const) {
      made.push(
        (
          await change('officerA', h.id, {
            effectiveDate: date,
            reason: `Chuyển về ${village}`,
            address: { commune: 'Hòa Bắc', village },
          })
        ).json().change.id,
      )
    }
    const first = await as('partnerA', { method: 'GET', url: `/v1/households/${h.id}/changes?limit=2` })
    t.equal(first.statusCode, 200)
    t.same(
      first.json().items.map((c: { id: number }) => c.id),
      made.slice(0, 2),
    )
    t.ok(first.json().nextCursor)
    const second = (
      await as('auditor', {
        method: 'GET',
        url: `/v1/households/${h.id}/changes?limit=2&cursor=${first.json().nextCursor}`,
      })
    ).json()
    t.same(second, { items: [second.items[0]], nextCursor: null })
    t.match(second.items[0], {
      id: made[2],
      effectiveDate: '2026-05-10',
      before: { address: { village: 'Thôn 3' } },
      after: { address: { village: 'Thôn 4', line: '' } },
    })
    for (const who of ['partnerB', 'partnerA2', 'officerB'] as const) {
      assertRejected(t, await as(who, { method: 'GET', url: `/v1/households/${h.id}/changes` }), 404, 'NOT_FOUND')
    }
  },
)

t.test(
  'when a change is back-dated before a later-effective change of the same field, then 409 ' +
    'CHANGE_BEFORE_LATER_CHANGE; other fields may be back-dated',
  async (t) => {
    const h = await registerHousehold(ta, 'Đinh Văn Lộc')
    t.equal(
      (
        await change('officerA', h.id, {
          effectiveDate: '2026-06-10',
          reason: 'x',
          address: { commune: 'Hòa Bắc', village: 'Thôn 5' },
        })
      ).statusCode,
      201,
    )
    const before = rowCounts(app)
    assertRejected(
      t,
      await change('officerA', h.id, {
        effectiveDate: '2026-06-01',
        reason: 'x',
        address: { commune: 'Hòa Bắc', village: 'Thôn 6' },
      }),
      409,
      'CHANGE_BEFORE_LATER_CHANGE',
    )
    t.same(rowCounts(app), before, 'database unchanged')
    t.equal(
      (await change('officerA', h.id, { effectiveDate: '2026-06-01', reason: 'x', area: 'urban' })).statusCode,
      201,
      'another field: accepted',
    )
    t.equal(
      (
        await change('officerA', h.id, {
          effectiveDate: '2026-06-10',
          reason: 'x',
          address: { commune: 'Hòa Bắc', village: 'Thôn 6' },
        })
      ).statusCode,
      201,
      'the same day: the later-recorded one applies',
    )
    t.equal((await as('officerA', { method: 'GET', url: `/v1/households/${h.id}` })).json().address.village, 'Thôn 6')
  },
)

t.test(
  'when a change is retried with the same Idempotency-Key, then it is recorded once and the first answer is ' +
    'replayed',
  async (t) => {
    const h = await registerHousehold(ta, 'Mạc Thị Nga')
    const body = { effectiveDate: '2026-06-01', reason: 'x', headName: 'Mạc Thị Ngà' }
    const first = await change('officerA', h.id, body, { 'idempotency-key': `chg-${h.id}` })
    const again = await change('officerA', h.id, body, { 'idempotency-key': `chg-${h.id}` })
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotency-replayed'], 'true')
    t.same(again.json(), first.json())
    t.equal(app.sqlite.prepare('SELECT COUNT(*) FROM household_changes WHERE household_id = ?').pluck().get(h.id), 1)
  },
)

t.test(
  'when someone tries to edit or delete the history with SQL, then the database refuses (append-only)',
  async (t) => {
    const h = await registerHousehold(ta, 'Quách Văn Sơn')
    await change('officerA', h.id, { effectiveDate: '2026-06-01', reason: 'x', area: 'urban' })
    t.throws(
      () => app.sqlite.prepare("UPDATE household_changes SET reason = 'edited' WHERE household_id = ?").run(h.id),
      /APPEND_ONLY/,
    )
    t.throws(() => app.sqlite.prepare('DELETE FROM household_changes WHERE household_id = ?').run(h.id), /APPEND_ONLY/)
  },
)
