/**
 * Supervision findings and the supervisor role (docs/rules.md §22). The world: branch A (district office BR-A) in
 * the province office of Đà Nẵng, branch B (BR-B) in the province office of Huế; a supervisor of each province (by
 * office), made here with createUser + createApiKey. The business date is 2026-06-30.
 */
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { SYSTEM, buildTestApp, rowCounts, type KeyName } from '../helpers/app.js'
import { disbursedLoan, expectStatus, submittedApplication, certifiedApplication, act } from '../helpers/origination.js'
import { overdueLoan } from '../helpers/loan-controls.js'
import { pendingSupportPayment } from '../helpers/reliability.js'
import { assertRejected } from '../helpers/problem.js'
import { createApiKey, createUser } from '../../src/modules/users/service.js'
import { createBranch } from '../../src/modules/organisation/service.js'
import type { UserInput } from '../../src/modules/users/service.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const officeOf = (branchId: number) =>
  app.sqlite.prepare('SELECT office_id FROM branches WHERE id = ?').pluck().get(branchId) as number
const parentOf = (officeId: number) =>
  app.sqlite.prepare('SELECT parent_id FROM offices WHERE id = ?').pluck().get(officeId) as number
const placeOfPoint = (pointId: number) =>
  app.sqlite.prepare('SELECT place_id FROM transaction_points WHERE id = ?').pluck().get(pointId) as number
const placeOfGroup = (groupId: number) =>
  app.sqlite.prepare('SELECT place_id FROM groups WHERE id = ?').pluck().get(groupId) as number

const DISTRICT_A = officeOf(world.branchA)
const DISTRICT_B = officeOf(world.branchB)
const PROVINCE_A = parentOf(DISTRICT_A)
const PROVINCE_B = parentOf(DISTRICT_B)
const HEAD_OFFICE = parentOf(PROVINCE_A)

/** A user of its own with one API key (the supervisors, and staff of a third branch). */
function keyFor(input: UserInput): { id: number; key: string } {
  return app.commands.runNow((ctx) => {
    const user = createUser(ctx, input)
    return { statusCode: 201, body: { id: user.id, key: createApiKey(ctx, user.id, 'test').key } }
  }, SYSTEM).body
}
const supA = keyFor({ name: 'Mặt trận tỉnh Đà Nẵng', role: 'supervisor', officeId: PROVINCE_A })
const supB = keyFor({ name: 'Hội Nông dân tỉnh Huế', role: 'supervisor', officeId: PROVINCE_B })
const supDistrictA = keyFor({ name: 'Hội Phụ nữ huyện A', role: 'supervisor', branchId: world.branchA })

type Caller = KeyName | { key: string }
const call = (who: Caller, opts: InjectOptions) =>
  typeof who === 'string'
    ? as(who, opts)
    : app.inject({ ...opts, headers: { ...(opts.headers ?? {}), authorization: `Bearer ${who.key}` } })
const get = (who: Caller, url: string) => call(who, { method: 'GET', url })
const record = (who: Caller, body: Record<string, unknown>, key?: string) =>
  call(who, {
    method: 'POST',
    url: '/v1/supervision-findings',
    payload: body,
    headers: key ? { 'idempotency-key': key } : {},
  })
const answer = (who: Caller, id: number, body: Record<string, unknown>) =>
  call(who, { method: 'POST', url: `/v1/supervision-findings/${id}/answer`, payload: body })
const findingBody = (over: Record<string, unknown> = {}) => ({
  date: '2026-06-25',
  officeId: DISTRICT_A,
  finding: 'Tổ TK&VV thôn 1 chưa niêm yết công khai danh sách hộ vay tại điểm giao dịch',
  followUp: 'Niêm yết danh sách hộ vay trước phiên giao dịch tháng 7',
  supervisingBody: 'fatherland_front',
  ...over,
})
const listIds = async (who: Caller, query = '') =>
  (expectStatus(await get(who, `/v1/supervision-findings${query}`), 200, 'list').json().items as { id: number }[]).map(
    (f) => f.id,
  )

t.test('a province supervisor records a finding on a district of its province; its branch sees it', async (t) => {
  const res = expectStatus(await record(supA, findingBody(), 'finding-1'), 201, 'record')
  const f = res.json()
  t.match(f, {
    date: '2026-06-25',
    officeId: DISTRICT_A,
    placeId: null,
    areaKind: 'district',
    areaCode: 'BR-A',
    supervisingBody: 'fatherland_front',
    status: 'open',
    branchIds: [world.branchA],
    answers: [],
    recordedBy: supA.id,
    recordedOn: '2026-06-30',
  })
  const again = await record(supA, findingBody(), 'finding-1')
  t.equal(again.headers['idempotency-replayed'], 'true', 'the same Idempotency-Key replays the first answer')
  t.equal(again.json().id, f.id, 'no second finding')
  for (const who of ['officerA', 'managerA', 'admin', 'auditor', 'finance'] as const) {
    t.equal(
      expectStatus(await get(who, `/v1/supervision-findings/${f.id}`), 200, who).json().id,
      f.id,
      `${who} sees it`,
    )
    t.ok((await listIds(who)).includes(f.id), `${who}: in the list`)
  }
  t.ok((await listIds(supDistrictA)).includes(f.id), "the district's own supervisor sees it too (its branch)")
  const audit = app.sqlite
    .prepare("SELECT user_id AS userId FROM audit_log WHERE action = 'supervision_finding.record' AND entity_id = ?")
    .all(String(f.id))
  t.same(audit, [{ userId: supA.id }], 'recorded once in the audit trail, by the supervisor')
})

t.test('branch staff and supervisors of another province do not see it (404, not listed)', async (t) => {
  const f = expectStatus(await record(supA, findingBody()), 201, 'record').json()
  for (const who of ['officerB', 'managerB', supB] as const) {
    assertRejected(t, await get(who, `/v1/supervision-findings/${f.id}`), 404, 'NOT_FOUND')
    t.notOk((await listIds(who)).includes(f.id), 'not in the list')
  }
  assertRejected(t, await answer('officerB', f.id, { answer: 'Không thuộc chi nhánh' }), 404, 'NOT_FOUND')
  assertRejected(t, await get('partnerA', `/v1/supervision-findings/${f.id}`), 403, 'FORBIDDEN')
})

t.test(
  "an officer's answer shows on the finding, which is then answered; answers are added, never changed",
  async (t) => {
    const f = expectStatus(await record(supA, findingBody()), 201, 'record').json()
    t.ok((await listIds('officerA', '?status=open&limit=500')).includes(f.id), 'open before any answer')
    const res = expectStatus(
      await answer('officerA', f.id, {
        answer: 'Đã niêm yết danh sách tại điểm giao dịch xã Hòa Bắc',
        actionTaken: 'Ảnh chụp bảng niêm yết gửi kèm biên bản',
      }),
      201,
      'answer',
    ).json()
    t.equal(res.status, 'answered')
    t.match(res.answers, [
      {
        branchId: world.branchA,
        answer: 'Đã niêm yết danh sách tại điểm giao dịch xã Hòa Bắc',
        actionTaken: 'Ảnh chụp bảng niêm yết gửi kèm biên bản',
        answeredBy: world.userIds.officerA,
        answeredOn: '2026-06-30',
      },
    ])
    const seen = expectStatus(await get(supA, `/v1/supervision-findings/${f.id}`), 200, 'supervisor reads').json()
    t.equal(seen.answers.length, 1, 'the supervisor reads the answer')
    t.equal(seen.answers[0].actionTaken, 'Ảnh chụp bảng niêm yết gửi kèm biên bản')
    const second = expectStatus(await answer('managerA', f.id, { answer: 'Đã kiểm tra lại tháng 7' }), 201, 'second')
    t.same(
      second
        .json()
        .answers.map((a: { answeredBy: number; actionTaken: string | null }) => [a.answeredBy, a.actionTaken]),
      [
        [world.userIds.officerA, 'Ảnh chụp bảng niêm yết gửi kèm biên bản'],
        [world.userIds.managerA, null],
      ],
      'a second answer is added after the first',
    )
    t.notOk((await listIds('officerA', '?status=open&limit=500')).includes(f.id), 'no longer open')
    t.ok((await listIds('officerA', '?status=answered&limit=500')).includes(f.id), 'answered')
    t.throws(
      () => app.sqlite.prepare("UPDATE supervision_answers SET answer = 'x' WHERE finding_id = ?").run(f.id),
      /APPEND_ONLY/,
    )
    t.throws(() => app.sqlite.prepare('DELETE FROM supervision_findings WHERE id = ?').run(f.id), /APPEND_ONLY/)
    const audit = app.sqlite
      .prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'supervision_finding.answer' AND entity_id = ?")
      .pluck()
      .get(String(f.id))
    t.equal(audit, 2, 'each answer audited')
    assertRejected(t, await answer(supA, f.id, { answer: 'Giám sát viên không trả lời' }), 403, 'FORBIDDEN')
  },
)

t.test('a finding over a province shows to every branch under it; each answers for its own branch', async (t) => {
  const { body: branchA3 } = app.commands.runNow(
    (ctx) => ({
      statusCode: 201,
      body: createBranch(ctx, { code: 'BR-A3', name: 'Phòng giao dịch Hòa Vang', province: 'Đà Nẵng' }).id,
    }),
    SYSTEM,
  )
  t.equal(parentOf(officeOf(branchA3)), PROVINCE_A, 'the new district office is under the province of A')
  const officerA3 = keyFor({ name: 'Cán bộ A3', role: 'branch_officer', branchId: branchA3 })
  const f = expectStatus(
    await record(supA, findingBody({ officeId: PROVINCE_A, supervisingBody: 'womens_union' })),
    201,
    'record',
  ).json()
  t.same(f.branchIds, [world.branchA, branchA3], 'both branches of the province')
  t.equal(f.areaKind, 'province')
  expectStatus(await get(officerA3, `/v1/supervision-findings/${f.id}`), 200, 'staff of the new branch read it')
  assertRejected(t, await get('officerB', `/v1/supervision-findings/${f.id}`), 404, 'NOT_FOUND')
  const a3 = expectStatus(await answer(officerA3, f.id, { answer: 'Chi nhánh A3 đã khắc phục' }), 201, 'A3').json()
  t.equal(a3.answers[0].branchId, branchA3, "answered for the officer's own branch")
  // Admin could answer for either branch: it names one.
  assertRejected(t, await answer('admin', f.id, { answer: 'Hội sở trả lời' }), 400, 'VALIDATION_ERROR', 'body.branchId')
  assertRejected(
    t,
    await answer('admin', f.id, { answer: 'Hội sở trả lời', branchId: world.branchB }),
    422,
    'OUTSIDE_AREA',
  )
  assertRejected(t, await answer('officerA', f.id, { answer: 'Trả lời thay A3', branchId: branchA3 }), 403, 'FORBIDDEN')
  const byAdmin = expectStatus(
    await answer('admin', f.id, { answer: 'Hội sở trả lời', branchId: world.branchA }),
    201,
    'admin',
  ).json()
  t.same(
    byAdmin.answers.map((a: { branchId: number }) => a.branchId),
    [branchA3, world.branchA],
  )
  t.ok((await listIds('officerA', `?officeId=${PROVINCE_A}&limit=500`)).includes(f.id), 'officeId filter: province')
  t.notOk((await listIds('admin', `?officeId=${DISTRICT_A}&limit=500`)).includes(f.id), 'not under district A')
})

t.test("the area lies inside the supervisor's scope: an office or a commune or village of it", async (t) => {
  const before = rowCounts(app)
  assertRejected(t, await record(supA, findingBody({ officeId: DISTRICT_B })), 403, 'FORBIDDEN')
  assertRejected(t, await record(supA, findingBody({ officeId: HEAD_OFFICE })), 403, 'FORBIDDEN')
  assertRejected(t, await record(supDistrictA, findingBody({ officeId: PROVINCE_A })), 403, 'FORBIDDEN')
  assertRejected(t, await record(supA, findingBody({ officeId: 999_999 })), 422, 'REFERENCE_NOT_FOUND', 'body.officeId')
  assertRejected(
    t,
    await record(supA, findingBody({ officeId: undefined, placeId: placeOfPoint(world.pointB) })),
    403,
    'FORBIDDEN',
  )
  t.same(rowCounts(app), before, 'nothing written')
  const commune = expectStatus(
    await record(supDistrictA, findingBody({ officeId: undefined, placeId: placeOfPoint(world.pointA) })),
    201,
    'commune',
  ).json()
  t.match(commune, { areaKind: 'commune', officeId: DISTRICT_A, branchIds: [world.branchA] })
  const village = expectStatus(
    await record(supA, findingBody({ officeId: undefined, placeId: placeOfGroup(world.groupA) })),
    201,
    'village',
  ).json()
  t.match(village, { areaKind: 'village', areaName: 'Thôn 1', branchIds: [world.branchA] })
  t.ok((await listIds('officerA', `?officeId=${DISTRICT_A}&limit=500`)).includes(village.id), 'under district A')
})

t.test('an area with no branch under it yet is refused: nobody could answer', async (t) => {
  const province = expectStatus(
    await as('admin', {
      method: 'POST',
      url: '/v1/offices',
      payload: { code: 'PROV-QN', name: 'Chi nhánh tỉnh Quảng Nam', level: 'province' },
    }),
    201,
    'a province office without districts',
  ).json().id as number
  const supQN = keyFor({ name: 'Mặt trận tỉnh Quảng Nam', role: 'supervisor', officeId: province })
  const before = rowCounts(app)
  assertRejected(t, await record(supQN, findingBody({ officeId: province })), 422, 'AREA_HAS_NO_BRANCH')
  assertRejected(t, await record(supQN, findingBody({ officeId: DISTRICT_A })), 403, 'FORBIDDEN')
  t.same(rowCounts(app), before, 'nothing written')
})

t.test('a loan or an application named is in the area (and in the scope)', async (t) => {
  const loanA = (await disbursedLoan(ta)).loanId
  const loanB = (await disbursedLoan(ta, { group: 'groupB' })).loanId
  const applicationA = (await submittedApplication(ta)).applicationId
  const before = rowCounts(app)
  assertRejected(t, await record(supA, findingBody({ loanId: loanB })), 404, 'NOT_FOUND')
  const otherVillage = findingBody({ officeId: undefined, placeId: placeOfGroup(world.groupA2), loanId: loanA })
  assertRejected(t, await record(supA, otherVillage), 422, 'OUTSIDE_AREA')
  assertRejected(t, await record(supA, findingBody({ applicationId: 999_999 })), 404, 'NOT_FOUND')
  t.same(rowCounts(app), before, 'nothing written')
  const f = expectStatus(
    await record(
      supA,
      findingBody({
        officeId: undefined,
        placeId: placeOfGroup(world.groupA),
        loanId: loanA,
        applicationId: applicationA,
      }),
    ),
    201,
    'loan and application in their village',
  ).json()
  t.match(f, { loanId: loanA, applicationId: applicationA, areaKind: 'village' })
})

t.test('validation errors are refused by name, and write nothing', async (t) => {
  const before = rowCounts(app)
  assertRejected(t, await record(supA, findingBody({ finding: undefined })), 400, 'VALIDATION_ERROR', 'body.finding')
  assertRejected(t, await record(supA, findingBody({ followUp: '' })), 400, 'VALIDATION_ERROR', 'body.followUp')
  assertRejected(
    t,
    await record(supA, findingBody({ supervisingBody: 'police' })),
    400,
    'VALIDATION_ERROR',
    'body.supervisingBody',
  )
  assertRejected(t, await record(supA, findingBody({ date: '2026-02-30' })), 400, 'VALIDATION_ERROR', 'body.date')
  assertRejected(t, await record(supA, findingBody({ severity: 'high' })), 400, 'VALIDATION_ERROR', 'body.severity')
  assertRejected(
    t,
    await record(supA, findingBody({ placeId: placeOfPoint(world.pointA) })),
    400,
    'VALIDATION_ERROR',
    'body.placeId',
  )
  assertRejected(t, await record(supA, findingBody({ officeId: undefined })), 400, 'VALIDATION_ERROR', 'body.officeId')
  assertRejected(t, await record(supA, findingBody({ date: '2026-07-01' })), 422, 'DATE_IN_FUTURE')
  assertRejected(t, await record('admin', findingBody()), 403, 'FORBIDDEN')
  const f = expectStatus(await record(supA, findingBody()), 201, 'record').json()
  const mid = rowCounts(app)
  assertRejected(t, await answer('officerA', f.id, {}), 400, 'VALIDATION_ERROR', 'body.answer')
  assertRejected(t, await answer('officerA', f.id, { answer: 'ok', note: 'x' }), 400, 'VALIDATION_ERROR', 'body.note')
  assertRejected(t, await answer('officerA', 999_999, { answer: 'ok' }), 404, 'NOT_FOUND')
  assertRejected(
    t,
    await get('officerA', '/v1/supervision-findings?from=2026-06-30&to=2026-06-01'),
    400,
    'VALIDATION_ERROR',
    'querystring.from',
  )
  assertRejected(t, await get('officerA', '/v1/supervision-findings?state=open'), 400, 'VALIDATION_ERROR')
  t.equal(rowCounts(app).supervision_findings, before.supervision_findings + 1, 'only the valid finding')
  t.same(rowCounts(app), mid, 'the refused answers wrote nothing')
})

t.test('the list pages by cursor and filters by date', async (t) => {
  const ids: number[] = []
  for (const date of ['2026-05-02', '2026-05-03', '2026-05-04'])
    ids.push(expectStatus(await record(supA, findingBody({ date })), 201, date).json().id as number)
  const first = expectStatus(
    await get('officerA', '/v1/supervision-findings?from=2026-05-02&to=2026-05-04&limit=2'),
    200,
    'page 1',
  ).json()
  t.same(
    first.items.map((f: { id: number }) => f.id),
    ids.slice(0, 2),
  )
  const next = expectStatus(
    await get('officerA', `/v1/supervision-findings?from=2026-05-02&to=2026-05-04&limit=2&cursor=${first.nextCursor}`),
    200,
    'page 2',
  ).json()
  t.same(
    next.items.map((f: { id: number }) => f.id),
    ids.slice(2),
  )
  t.equal(next.nextCursor, null)
  t.same(await listIds('officerA', '?from=2026-05-03&to=2026-05-03'), [ids[1]], 'one day')
})

t.test(
  'a supervisor sees applications, loans, overdue loans and support payments of its area, not of another province',
  async (t) => {
    const appA = (await submittedApplication(ta)).applicationId
    const appB = (await submittedApplication(ta, { group: 'groupB' })).applicationId
    const overdueA = (await overdueLoan(ta)).loanId
    const loanB = (await disbursedLoan(ta, { group: 'groupB' })).loanId
    const payment = await pendingSupportPayment(ta)
    const sees = [
      `/v1/applications/${appA}`,
      `/v1/loans/${overdueA}`,
      `/v1/loans/${overdueA}/schedule`,
      `/v1/support-payments/${payment.id}`,
    ]
    for (const url of sees) {
      expectStatus(await get(supA, url), 200, `province supervisor of A: ${url}`)
      assertRejected(t, await get(supB, url), 404, 'NOT_FOUND')
    }
    for (const url of [`/v1/applications/${appB}`, `/v1/loans/${loanB}`]) {
      expectStatus(await get(supB, url), 200, `province supervisor of B: ${url}`)
      assertRejected(t, await get(supA, url), 404, 'NOT_FOUND')
    }
    const lists: [string, number][] = [
      ['/v1/applications?limit=500', appA],
      ['/v1/loans?limit=500', overdueA],
      ['/v1/loans?classification=overdue&limit=500', overdueA],
      ['/v1/support-payments?limit=500', payment.id],
    ]
    for (const [url, id] of lists) {
      const a = expectStatus(await get(supA, url), 200, url).json().items as { id: number; branchId: number }[]
      t.ok(
        a.some((i) => i.id === id),
        `${url}: A's supervisor sees ${id}`,
      )
      t.same(
        a.filter((i) => i.branchId !== world.branchA).map((i) => i.id),
        [],
        `${url}: nothing of another province`,
      )
      const b = expectStatus(await get(supB, url), 200, url).json().items as { id: number; branchId: number }[]
      t.notOk(
        b.some((i) => i.id === id),
        `${url}: B's supervisor does not`,
      )
    }
    const postingList = async (who: Caller) =>
      (
        expectStatus(
          await get(who, `/v1/reports/posting-list?transactionPointId=${world.pointA}`),
          200,
          'posting list of point A',
        ).json().items as { loanId: number }[]
      ).map((i) => i.loanId)
    t.ok((await postingList(supA)).includes(overdueA), "A's supervisor reads the posting list of point A")
    t.same(await postingList(supB), [], "B's supervisor reads none of its lines")
  },
)

t.test('a supervisor cannot write: approving, certifying, repaying are refused (403) and change nothing', async (t) => {
  const certified = await certifiedApplication(ta)
  const submitted = await submittedApplication(ta)
  const loanA = (await disbursedLoan(ta)).loanId
  const before = rowCounts(app)
  const attempts: InjectOptions[] = [
    {
      method: 'POST',
      url: `/v1/applications/${certified.applicationId}/approve`,
      payload: { approvedOn: '2026-06-10' },
    },
    {
      method: 'POST',
      url: `/v1/applications/${submitted.applicationId}/certify`,
      payload: { decisionNo: 'UBND-1', certifiedOn: '2026-06-05' },
    },
    {
      method: 'POST',
      url: `/v1/loans/${loanA}/repayments`,
      headers: { 'idempotency-key': 'supervisor-repays' },
      payload: { amount: 1_000_000, valueDate: '2026-06-30' },
    },
  ]
  for (const opts of attempts) assertRejected(t, await call(supA, opts), 403, 'FORBIDDEN')
  t.same(rowCounts(app), before, 'nothing written')
  const still = expectStatus(await get(supA, `/v1/applications/${certified.applicationId}`), 200, 'read').json()
  t.equal(still.status, 'certified', 'the application is still certified')
  // The same approval by the branch manager goes through: the refusal was the role's.
  expectStatus(
    await act(ta, 'managerA', certified.applicationId, 'approve', { approvedOn: '2026-06-10' }),
    200,
    'manager',
  )
})
