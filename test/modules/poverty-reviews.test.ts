/**
 * The annual poverty review of a commune (docs/rules.md §17) and the poverty-movements report.
 *
 * World (test/helpers/app.ts): branch A with transaction point A (groups A and A2), branch B with point B.
 * Business date 2026-06-30. Households are poor since 2020-01-01 unless said otherwise; decisions are
 * recorded by branch staff.
 */
import t, { type Test } from 'tap'
import { buildTestApp, nationalId, rowCounts, type KeyName } from '../helpers/app.js'
import { expectStatus, householdWithStatus, povertyStatus, unique } from '../helpers/origination.js'
import { paymentsOf, repayInstalments, supportLoan } from '../helpers/support.js'
import { parseCsv } from '../../src/platform/csv.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

function test(name: string, fn: (t: Test) => Promise<void>) {
  return t.test(name, fn)
}

function idOf(householdId: number): string {
  return app.sqlite.prepare('SELECT national_id FROM households WHERE id = ?').pluck().get(householdId) as string
}

function csvUpload(who: KeyName, csv: string, query = `transactionPointId=${world.pointA}&year=2026`) {
  return as(who, {
    method: 'POST',
    url: `/v1/poverty-reviews?${query}`,
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })
}

function apply(who: KeyName, id: number, key = unique('apply')) {
  return as(who, { method: 'POST', url: `/v1/poverty-reviews/${id}/apply`, headers: { 'idempotency-key': key } })
}

interface Line {
  line: number
  nationalId: string
  householdId: number | null
  outcome: string
  code: string
  fromStatus: string | null
  toStatus: string | null
  applied: { outcome: string; code: string; povertyRecordId: number | null } | null
}

function timeline(householdId: number) {
  return app.sqlite
    .prepare(
      'SELECT status, effective_date AS effectiveDate, decision_no AS decisionNo, source FROM poverty_records ' +
        'WHERE household_id = ? ORDER BY id',
    )
    .all(householdId) as { status: string; effectiveDate: string; decisionNo: string; source: string }[]
}

test(
  'the dry run classifies every line — change, no change, unknown citizen ID, other commune, conflicts — ' +
    'with a code and totals, and changes no household',
  async (t) => {
    const escaping = await householdWithStatus(ta)
    const nearPoor = await householdWithStatus(ta, { status: 'near_poor' })
    const elsewhere = await householdWithStatus(ta, { group: 'groupB' })
    const laterDecided = await householdWithStatus(ta)
    await povertyStatus(ta, laterDecided, 'near_poor', '2026-03-01')
    const twice = await householdWithStatus(ta)
    const future = await householdWithStatus(ta)
    const badStatus = await householdWithStatus(ta)
    const unknown = nationalId()
    const csv =
      '\uFEFFSố CCCD,Họ tên,Tình trạng,Số quyết định,Ngày hiệu lực\r\n' +
      `${idOf(escaping)},Lê Văn A,thoát nghèo,12/QĐ-UBND,15/01/2026\r\n` +
      `${idOf(nearPoor)},Trần Thị B,cận nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${unknown},Ngô C,nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${idOf(elsewhere)},Phạm D,thoát nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${idOf(laterDecided)},Võ E,thoát nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${idOf(twice)},Đỗ F,thoát nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${idOf(twice)},Đỗ F,nghèo,12/QĐ-UBND,2026-01-15\r\n` +
      `${idOf(future)},Hồ G,thoát nghèo,12/QĐ-UBND,2026-07-01\r\n` +
      `${idOf(badStatus)},Bùi H,giàu,12/QĐ-UBND,2026-01-15\r\n` +
      `12345,Lý I,nghèo,12/QĐ-UBND,2026-01-15\r\n`
    const before = rowCounts(app)
    const res = expectStatus(await csvUpload('officerA', csv), 201, 'dry run')
    const review = res.json()
    t.match(review, { status: 'draft', transactionPointId: world.pointA, year: 2026, applied: null })
    const byLine = (n: number) => (review.lines as Line[]).find((l) => l.line === n)!
    // The header is line 1; the first list line is line 2.
    t.match(byLine(2), {
      outcome: 'change',
      code: 'CHANGE',
      householdId: escaping,
      fromStatus: 'poor',
      toStatus: 'escaped',
    })
    t.match(byLine(3), { outcome: 'no_change', code: 'SAME_STATUS', fromStatus: 'near_poor', toStatus: 'near_poor' })
    t.match(byLine(4), { outcome: 'unknown_citizen_id', code: 'UNKNOWN_CITIZEN_ID', householdId: null })
    t.match(byLine(5), { outcome: 'other_commune', code: 'OTHER_COMMUNE', householdId: null })
    t.match(byLine(6), { outcome: 'conflict', code: 'LATER_DECISION_RECORDED', householdId: laterDecided })
    t.match(byLine(7), { outcome: 'conflict', code: 'DUPLICATE_IN_FILE' })
    t.match(byLine(8), { outcome: 'conflict', code: 'DUPLICATE_IN_FILE' })
    t.match(byLine(9), { outcome: 'conflict', code: 'DATE_AFTER_BUSINESS_DATE' })
    t.match(byLine(10), { outcome: 'conflict', code: 'INVALID_STATUS', toStatus: null })
    t.match(byLine(11), { outcome: 'conflict', code: 'INVALID_CITIZEN_ID' })
    t.same(review.totals, { lines: 10, change: 1, noChange: 1, unknownCitizenId: 1, otherCommune: 1, conflict: 6 })
    const after = rowCounts(app)
    t.equal(after.poverty_records, before.poverty_records, 'no decision recorded by a dry run')
    t.equal(after.poverty_reviews, before.poverty_reviews + 1, 'the draft is stored')
    t.equal(after.poverty_review_lines, before.poverty_review_lines + 10, 'with its 10 lines')
    // It reads back the same.
    const read = expectStatus(
      await as('managerA', { method: 'GET', url: `/v1/poverty-reviews/${review.id}` }),
      200,
      'get',
    )
    t.same(read.json(), review)
  },
)

test(
  'applying records each change as an annual_review decision, skips and lists the rest, and re-evaluates ' +
    'the support rule as a single decision does',
  async (t) => {
    // An interest-free loan repaid on time and closed 2026-01-15: the exit decision makes it eligible (4,000,000).
    const loan = await supportLoan(ta)
    await repayInstalments(ta, loan)
    t.equal((await paymentsOf(ta, loan.householdId)).length, 0, 'no payment before the exit')
    const stays = await householdWithStatus(ta)
    const csv =
      'nationalId,status,decisionNo,effectiveDate\n' +
      `${idOf(loan.householdId)},escaped,45/QĐ-UBND,2026-03-01\n` +
      `${idOf(stays)},poor,45/QĐ-UBND,2026-03-01\n`
    const review = expectStatus(await csvUpload('officerA', csv), 201, 'dry run').json()
    t.same(review.totals, { lines: 2, change: 1, noChange: 1, unknownCitizenId: 0, otherCommune: 0, conflict: 0 })
    const applied = expectStatus(await apply('managerA', review.id), 200, 'apply').json()
    t.match(applied, { status: 'applied', appliedOn: '2026-06-30', applied: { recorded: 1, skipped: 1 } })
    const [change, same] = applied.lines as Line[]
    t.match(change!.applied, { outcome: 'recorded', code: 'CHANGE' })
    t.match(same!.applied, { outcome: 'skipped', code: 'SAME_STATUS', povertyRecordId: null })
    t.match(timeline(loan.householdId).at(-1), {
      status: 'escaped',
      effectiveDate: '2026-03-01',
      decisionNo: '45/QĐ-UBND',
      source: 'annual_review',
    })
    t.equal(timeline(stays).length, 1, 'nothing recorded for a household whose status stays')
    const payments = await paymentsOf(ta, loan.householdId)
    t.equal(payments.length, 1, 'the support rule ran: one payment')
    t.match(payments[0], { loanId: loan.loanId, amount: 4_000_000, status: 'pending_approval' })
    const audit = app.sqlite
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'poverty_review.apply' AND entity_id = ?")
      .pluck()
      .get(String(review.id))
    t.equal(audit, 1, 'the application is audited')
  },
)

test('applying twice changes nothing: the second apply answers the applied review', async (t) => {
  const h = await householdWithStatus(ta)
  const review = expectStatus(
    await csvUpload('officerA', `nationalId,status,decisionNo,effectiveDate\n${idOf(h)},escaped,7/QĐ,2026-02-01\n`),
    201,
    'dry run',
  ).json()
  const first = expectStatus(await apply('officerA', review.id), 200, 'first apply').json()
  const counts = rowCounts(app)
  const second = expectStatus(await apply('managerA', review.id), 200, 'second apply, another key').json()
  t.same(second, first, 'the same applied review')
  t.same({ ...rowCounts(app), idempotency_keys: 0 }, { ...counts, idempotency_keys: 0 }, 'nothing written but the key')
  t.equal(timeline(h).length, 2, 'one decision added, once')
  const replay = await apply('officerA', review.id, 'same-key')
  const again = await apply('officerA', review.id, 'same-key')
  t.equal(again.headers['idempotency-replayed'], 'true')
  t.same(again.json(), replay.json())
  t.equal(
    (await as('managerA', { method: 'POST', url: `/v1/poverty-reviews/${review.id}/apply` })).json().code,
    'IDEMPOTENCY_KEY_REQUIRED',
  )
})

test('a line that became a conflict after the dry run is skipped at apply, with its new code', async (t) => {
  const h = await householdWithStatus(ta)
  const review = expectStatus(
    await csvUpload('officerA', `nationalId,status,decisionNo,effectiveDate\n${idOf(h)},escaped,9/QĐ,2026-02-01\n`),
    201,
    'dry run',
  ).json()
  t.equal(review.lines[0].outcome, 'change')
  await povertyStatus(ta, h, 'near_poor', '2026-04-01')
  const applied = expectStatus(await apply('officerA', review.id), 200, 'apply').json()
  t.match(applied.lines[0], { outcome: 'change', applied: { outcome: 'skipped', code: 'LATER_DECISION_RECORDED' } })
  t.same(applied.applied, { recorded: 0, skipped: 1 })
  t.equal(timeline(h).length, 2, 'the review wrote nothing')
})

test('a JSON list gives the point and year in its body; numbered lines from 1', async (t) => {
  const h = await householdWithStatus(ta, {
    status: 'escaped',
    history: [{ status: 'poor', effectiveDate: '2019-01-01' }],
  })
  const res = expectStatus(
    await as('managerA', {
      method: 'POST',
      url: '/v1/poverty-reviews',
      payload: {
        transactionPointId: world.pointA,
        year: 2026,
        lines: [{ nationalId: idOf(h), status: 'near_poor', decisionNo: '3/QĐ', effectiveDate: '2026-01-10' }],
      },
    }),
    201,
    'json',
  )
  t.match(res.json().lines[0], { line: 1, outcome: 'change', fromStatus: 'escaped', toStatus: 'near_poor' })
})

test('only branch staff of the commune’s branch upload, read and apply; bad requests are refused', async (t) => {
  const h = await householdWithStatus(ta)
  const csv = `nationalId,status,decisionNo,effectiveDate\n${idOf(h)},escaped,11/QĐ,2026-02-01\n`
  t.equal((await csvUpload('partnerA', csv)).statusCode, 403, 'partner officers no')
  t.equal((await csvUpload('auditor', csv)).statusCode, 403, 'auditors read only')
  const other = await csvUpload('officerB', csv)
  t.equal(other.statusCode, 422)
  t.equal(other.json().code, 'REFERENCE_NOT_FOUND', 'point of another branch')
  const review = expectStatus(await csvUpload('officerA', csv), 201, 'upload').json()
  t.equal((await as('officerB', { method: 'GET', url: `/v1/poverty-reviews/${review.id}` })).statusCode, 404)
  t.equal((await apply('managerB', review.id)).statusCode, 404, 'another branch cannot apply')
  t.equal((await as('auditor', { method: 'GET', url: `/v1/poverty-reviews/${review.id}` })).statusCode, 200)
  const list = expectStatus(
    await as('officerB', { method: 'GET', url: '/v1/poverty-reviews?limit=500' }),
    200,
    'list B',
  ).json()
  t.equal(list.items.length, 0, "branch B sees none of branch A's reviews")
  const mine = expectStatus(
    await as('officerA', { method: 'GET', url: '/v1/poverty-reviews?limit=500&status=draft' }),
    200,
    'list A',
  )
  t.ok(mine.json().items.some((r: { id: number }) => r.id === review.id))

  const counts = rowCounts(app)
  const refuse = async (res: Awaited<ReturnType<typeof csvUpload>>, code: string, field?: string) => {
    t.equal(res.json().code, code, `${code} ${field ?? ''}`)
    if (field)
      t.ok(
        res.json().errors.some((e: { field: string }) => e.field === field),
        field,
      )
  }
  await refuse(
    await csvUpload('officerA', csv, `transactionPointId=${world.pointA}&year=2026&extra=1`),
    'VALIDATION_ERROR',
  )
  await refuse(
    await csvUpload('officerA', csv, `transactionPointId=${world.pointA}`),
    'VALIDATION_ERROR',
    'querystring.year',
  )
  await refuse(
    await csvUpload('officerA', 'nationalId,status,decisionNo\n1,poor,x\n'),
    'VALIDATION_ERROR',
    'csv.line 1',
  )
  await refuse(await csvUpload('officerA', ''), 'VALIDATION_ERROR', 'csv.line 1')
  await refuse(
    await as('officerA', {
      method: 'POST',
      url: '/v1/poverty-reviews',
      payload: { transactionPointId: world.pointA, year: 2026, lines: [], commune: 'x' },
    }),
    'VALIDATION_ERROR',
  )
  t.same(rowCounts(app), counts, 'nothing written by refused uploads')
})

test(
  'the movements report counts households that escaped, fell back and were newly listed per period and point, ' +
    'from every decision on the timeline (JSON and CSV)',
  async (t) => {
    const fresh = await buildTestApp(t)
    const fta = fresh
    // A: poor 2020 → escaped 2024-02-01 → poor 2025-03-01 (fell back). B: near_poor 2025-05-01 (newly listed).
    const a = await householdWithStatus(fta, {
      status: 'poor',
      effectiveDate: '2025-03-01',
      history: [
        { status: 'poor', effectiveDate: '2020-01-01' },
        { status: 'escaped', effectiveDate: '2024-02-01' },
      ],
    })
    await householdWithStatus(fta, { status: 'near_poor', effectiveDate: '2025-05-01' })
    // C in branch B: poor 2020 → escaped 2025-06-01.
    await householdWithStatus(fta, {
      group: 'groupB',
      status: 'escaped',
      effectiveDate: '2025-06-01',
      history: [{ status: 'poor', effectiveDate: '2020-01-01' }],
    })
    t.ok(a)
    const res = expectStatus(
      await fresh.as('auditor', { method: 'GET', url: '/v1/reports/poverty-movements?from=2024-01-01&to=2025-12-31' }),
      200,
      'report',
    )
    t.same(res.json().rows, [
      { period: '2024', key: fresh.world.pointA, name: 'Point A', escaped: 1, fellBack: 0, newlyListed: 0 },
      { period: '2025', key: fresh.world.pointA, name: 'Point A', escaped: 0, fellBack: 1, newlyListed: 1 },
      {
        period: '2025',
        key: fresh.world.pointB,
        name: expectName(fresh, fresh.world.pointB),
        escaped: 1,
        fellBack: 0,
        newlyListed: 0,
      },
    ])
    const scoped = await fresh.as('officerA', {
      method: 'GET',
      url: '/v1/reports/poverty-movements?from=2025-01-01&to=2025-12-31&groupBy=branch&period=month',
    })
    t.same(
      scoped.json().rows.map((r: { period: string; key: number }) => [r.period, r.key]),
      [
        ['2025-03', fresh.world.branchA],
        ['2025-05', fresh.world.branchA],
      ],
      "branch staff see their branch's movements, by month",
    )
    const csv = await fresh.as('finance', {
      method: 'GET',
      url: '/v1/reports/poverty-movements?from=2024-01-01&to=2025-12-31',
      headers: { accept: 'text/csv' },
    })
    t.equal(csv.body.charCodeAt(0), 0xfeff, 'UTF-8 BOM')
    const rows = parseCsv(csv.body)
    t.same(rows[0], [
      'Kỳ (period)',
      'Mã (key)',
      'Tên (name)',
      'Số hộ thoát nghèo (escaped)',
      'Số hộ tái nghèo (fellBack)',
      'Số hộ mới vào danh sách (newlyListed)',
    ])
    t.same(rows[2], ['2025', String(fresh.world.pointA), 'Point A', '0', '1', '1'])
    t.equal(
      (
        await fresh.as('partnerA', {
          method: 'GET',
          url: '/v1/reports/poverty-movements?from=2024-01-01&to=2025-12-31',
        })
      ).statusCode,
      403,
    )
    const backwards = await fresh.as('auditor', {
      method: 'GET',
      url: '/v1/reports/poverty-movements?from=2025-01-01&to=2024-12-31',
    })
    t.equal(backwards.json().code, 'VALIDATION_ERROR')
  },
)

function expectName(fta: { app: typeof app }, pointId: number): string {
  return fta.app.sqlite.prepare('SELECT name FROM transaction_points WHERE id = ?').pluck().get(pointId) as string
}
