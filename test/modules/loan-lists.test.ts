/**
 * Loan and application lists: every filter works, filters combine, unknown ones are
 * refused, items carry the borrower's name and citizen ID, scope applies.
 *
 * The portfolio of this file (business date 2026-06-30):
 * lan   — "Nguyễn Thị Lan", group A (partner A, point A, branch A): POOR 12,000,000 disbursed 2025-01-10 → overdue
 * binh  — "Lê Văn Bình", group A2 (partner A2, point A, branch A): POOR 30,000,000 disbursed 2026-06-15 → in term
 * (first due 2026-07-15)
 *   cuong — "Trần Văn Cường" (near poor), group A: NEAR_POOR approved, not disbursed
 *   cuc   — "Phạm Thị Cúc", group B (partner B, point B, branch B): POOR 12,000,000 disbursed 2025-01-10 → overdue
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { approvedLoan, disbursedLoan, submittedApplication } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { namedHousehold, OVERDUE_LOAN } from '../helpers/loan-controls.js'

const ta = await buildTestApp(t)
const { as, world } = ta

const lan = await namedHousehold(ta, 'Nguyễn Thị Lan', 'groupA')
const binh = await namedHousehold(ta, 'Lê Văn Bình', 'groupA2')
const cuong = await namedHousehold(ta, 'Trần Văn Cường', 'groupA', 'near_poor')
const cuc = await namedHousehold(ta, 'Phạm Thị Cúc', 'groupB')
const lanLoan = (await disbursedLoan(ta, { ...OVERDUE_LOAN, householdId: lan.id, group: 'groupA' })).loanId
const binhLoan = (await disbursedLoan(ta, { householdId: binh.id, group: 'groupA2' })).loanId
const cuongLoan = (await approvedLoan(ta, { householdId: cuong.id, group: 'groupA', programmeCode: 'NEAR_POOR' }))
  .loanId
const cucLoan = (await disbursedLoan(ta, { ...OVERDUE_LOAN, householdId: cuc.id, group: 'groupB' })).loanId
// A pending application of Bình's household in another programme (for the application filters).
const binhJob = (
  await submittedApplication(ta, {
    householdId: binh.id,
    group: 'groupA2',
    programmeCode: 'JOB_CREATION',
    amount: 20_000_000,
  })
).applicationId

type Item = {
  id: number
  classification: string
  overduePrincipal: number
  overdueInterest: number
  [k: string]: unknown
}
const list = async (query: string, who: Parameters<typeof as>[0] = 'admin') => {
  const res = await as(who, { method: 'GET', url: `/v1/loans?limit=500${query ? `&${query}` : ''}` })
  if (res.statusCode !== 200) throw new Error(`GET /v1/loans?${query}: ${res.statusCode} ${res.body}`)
  return res.json().items as Item[]
}
const ids = async (query: string, who: Parameters<typeof as>[0] = 'admin') => (await list(query, who)).map((i) => i.id)

t.test(
  'when loans are filtered by transaction point, group, partner, branch, programme, household or status, ' +
    'then only the matching ones are listed',
  async (t) => {
    t.same(await ids(''), [lanLoan, binhLoan, cuongLoan, cucLoan], 'no filter: all, by id')
    t.same(await ids(`transactionPointId=${world.pointA}`), [lanLoan, binhLoan, cuongLoan])
    t.same(await ids(`transactionPointId=${world.pointB}`), [cucLoan])
    t.same(await ids(`groupId=${world.groupA}`), [lanLoan, cuongLoan])
    t.same(await ids(`groupId=${world.groupA2}`), [binhLoan])
    t.same(await ids(`partnerId=${world.partnerA2}`), [binhLoan])
    t.same(await ids(`branchId=${world.branchB}`), [cucLoan])
    t.same(await ids('programmeCode=NEAR_POOR'), [cuongLoan])
    t.same(await ids('programmeCode=POOR'), [lanLoan, binhLoan, cucLoan])
    t.same(await ids(`householdId=${cuc.id}`), [cucLoan])
    t.same(await ids('status=approved'), [cuongLoan])
    t.same(await ids('status=active'), [lanLoan, binhLoan, cucLoan])
    t.same(await ids('status=closed'), [])
    t.same(
      await ids(`status=active&transactionPointId=${world.pointA}&programmeCode=POOR`),
      [lanLoan, binhLoan],
      'filters combine',
    )
    t.same(await ids(`groupId=${world.groupA}&partnerId=${world.partnerA2}`), [], 'contradicting filters: nothing')
  },
)

t.test(
  'when classification=overdue, then only loans with something overdue on the projection are listed',
  async (t) => {
    // The case of the issue: this used to return every loan.
    t.same(await ids(`classification=overdue&transactionPointId=${world.pointA}`), [lanLoan])
    const overdue = await list('classification=overdue')
    t.same(
      overdue.map((i) => i.id),
      [lanLoan, cucLoan],
    )
    for (const i of overdue) t.ok(i.overduePrincipal > 0 || i.overdueInterest > 0, `loan ${i.id} has something overdue`)
    t.same(await ids('classification=in_term'), [binhLoan])
    t.same(await ids('classification=not_disbursed'), [cuongLoan])
    t.same(await ids('classification=frozen'), [])
  },
)

t.test(
  "when loans are listed, then each item carries the borrower's name and citizen ID, group, programme, " +
    'balances and next due date',
  async (t) => {
    const [l] = await list(`householdId=${lan.id}`)
    // Instalment 1 of Lan's loan was due 2025-02-15: on 2026-06-30 all twelve are overdue.
    t.match(l, {
      id: lanLoan,
      householdId: lan.id,
      householdName: 'Nguyễn Thị Lan',
      nationalId: lan.nationalId,
      groupId: world.groupA,
      partnerId: world.partnerA,
      transactionPointId: world.pointA,
      branchId: world.branchA,
      programmeCode: 'POOR',
      status: 'active',
      classification: 'overdue',
      outstandingPrincipal: 12_000_000,
      overduePrincipal: 12_000_000,
      balancesAsOf: '2026-06-30',
    })
    t.ok(l!.overdueInterest > 0)
    const [b] = await list(`householdId=${binh.id}`)
    t.match(b, {
      householdName: 'Lê Văn Bình',
      nationalId: binh.nationalId,
      outstandingPrincipal: 30_000_000,
      overduePrincipal: 0,
      nextDueDate: '2026-07-15',
      classification: 'in_term',
    })
    const [c] = await list(`householdId=${cuong.id}`, 'managerA')
    t.match(c, {
      householdName: 'Trần Văn Cường',
      programmeCode: 'NEAR_POOR',
      status: 'approved',
      classification: 'not_disbursed',
      outstandingPrincipal: 0,
      nextDueDate: null,
    })
  },
)

t.test('when a caller filters outside their scope, then nothing of another branch or partner is listed', async (t) => {
  t.same(await ids('', 'partnerA'), [lanLoan, cuongLoan], 'partner A: its groups only')
  t.same(await ids(`partnerId=${world.partnerB}`, 'partnerA'), [])
  t.same(await ids('', 'managerA'), [lanLoan, binhLoan, cuongLoan])
  t.same(await ids(`transactionPointId=${world.pointB}`, 'officerA'), [])
  t.same(await ids(`branchId=${world.branchA}`, 'officerB'), [])
  t.same(await ids('classification=overdue', 'officerB'), [cucLoan])
  t.same(await ids('classification=overdue', 'auditor'), [lanLoan, cucLoan])
})

t.test('when a filter is unknown, misspelt or has a bad value, then 400 VALIDATION_ERROR', async (t) => {
  for (const q of [
    'classificaton=overdue',
    'state=active',
    'classification=late',
    'status=open',
    'transactionPointId=abc',
    'groupId=0',
    'programmeCode=',
  ]) {
    assertRejected(t, await as('admin', { method: 'GET', url: `/v1/loans?${q}` }), 400, 'VALIDATION_ERROR')
  }
})

t.test('when a filtered list is paged, then the cursor continues within the filter', async (t) => {
  const first = (await as('admin', { method: 'GET', url: `/v1/loans?programmeCode=POOR&limit=2` })).json()
  t.same(
    first.items.map((i: Item) => i.id),
    [lanLoan, binhLoan],
  )
  t.type(first.nextCursor, 'string')
  const second = (
    await as('admin', { method: 'GET', url: `/v1/loans?programmeCode=POOR&limit=2&cursor=${first.nextCursor}` })
  ).json()
  t.same(
    second.items.map((i: Item) => i.id),
    [cucLoan],
  )
  t.equal(second.nextCursor, null)
})

t.test(
  'when applications are filtered by status, group, partner, household or programme, then only the matching ' +
    'ones are listed, with the borrower',
  async (t) => {
    const apps = async (query: string, who: Parameters<typeof as>[0] = 'admin') => {
      const res = await as(who, { method: 'GET', url: `/v1/applications?limit=500${query ? `&${query}` : ''}` })
      if (res.statusCode !== 200) throw new Error(`GET /v1/applications?${query}: ${res.statusCode} ${res.body}`)
      return res.json().items as {
        id: number
        loanId: number | null
        householdName: string
        nationalId: string
        groupId: number
      }[]
    }
    const loanOf = async (query: string) => (await apps(query)).map((a) => a.loanId)
    t.same(await loanOf(''), [lanLoan, binhLoan, cuongLoan, cucLoan, null])
    t.same(await loanOf('status=approved'), [lanLoan, binhLoan, cuongLoan, cucLoan])
    t.same(
      (await apps('status=submitted')).map((a) => a.id),
      [binhJob],
    )
    t.same(await loanOf(`groupId=${world.groupA}`), [lanLoan, cuongLoan])
    t.same(await loanOf(`groupId=${world.groupA2}`), [binhLoan, null])
    t.same(await loanOf(`partnerId=${world.partnerB}`), [cucLoan])
    t.same(await loanOf(`householdId=${binh.id}`), [binhLoan, null])
    t.same(await loanOf('programmeCode=NEAR_POOR'), [cuongLoan])
    t.same(
      (await apps(`programmeCode=JOB_CREATION&householdId=${binh.id}&status=submitted`)).map((a) => a.id),
      [binhJob],
      'filters combine',
    )
    const [a] = await apps(`householdId=${lan.id}`)
    t.match(a, {
      householdName: 'Nguyễn Thị Lan',
      nationalId: lan.nationalId,
      groupId: world.groupA,
      partnerId: world.partnerA,
      programmeCode: 'POOR',
      status: 'approved',
    })
    t.same(
      (await apps('', 'partnerA2')).map((x) => x.loanId),
      [binhLoan, null],
      'partner A2: its own only',
    )
    t.same(await apps(`partnerId=${world.partnerA}`, 'partnerA2'), [])
    t.same(await apps(`groupId=${world.groupB}`, 'managerA'), [])
    for (const q of ['groupid=1', 'state=approved', 'status=open', 'partnerId=x']) {
      assertRejected(t, await as('admin', { method: 'GET', url: `/v1/applications?${q}` }), 400, 'VALIDATION_ERROR')
    }
  },
)

// Last: moves the business date. The daily close refreshes the projection, so the filter follows it.
t.test('when an instalment falls overdue at the daily close, then classification=overdue lists the loan', async (t) => {
  t.notOk((await ids('classification=overdue')).includes(binhLoan), 'in term before its due date')
  const close = await as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-07-16' } })
  t.equal(close.statusCode, 200, close.body)
  t.same(
    await ids(`classification=overdue&groupId=${world.groupA2}`),
    [binhLoan],
    'month 1 (due 2026-07-15) unpaid → overdue',
  )
  const [b] = await list(`householdId=${binh.id}`)
  t.ok(
    b!.overduePrincipal + b!.overdueInterest > 0,
    "something overdue on the projection (month 1's interest at least)",
  )
})
