/**
 * Posted collection sessions read back (docs/rules.md §11): the list with totals and
 * who posted, filters and scope; one session with its lines — what was handed in,
 * the repayment, its CURRENT allocation, and whether it was reversed since.
 *
 * Business date 2026-06-30; point A (groups A and A2, branch A), point B (group B, branch B).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { expectStatus } from '../helpers/origination.js'
import { loanDisbursedOn, namedHousehold, postSession, repay } from '../helpers/collections.js'
import { repayLoan } from '../../src/modules/repayments/service.js'
import { loadLoanRow } from '../../src/modules/loans/projection.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

interface Allocation {
  overdueInterest: number
  overduePrincipal: number
  interest: number
  principal: number
  prepaid: number
}
interface SessionLine {
  lineIndex: number
  loanId: number
  householdId: number
  householdName: string
  nationalId: string
  interest: number | null
  principal: number | null
  savings: number
  amount: number
  transactionId: number | null
  allocation: Allocation | null
  reversed: boolean
  reversalTransactionId: number | null
  loanStatus: string
}

const hoa = await namedHousehold(ta, 'groupA', 'Ngô Thị Hoa')
const loanA1 = await loanDisbursedOn(ta, 'groupA', '2026-04-10', { householdId: hoa.id })
const loanA2 = await loanDisbursedOn(ta, 'groupA', '2026-05-12')
const loanA3 = await loanDisbursedOn(ta, 'groupA', '2026-05-12')
const loanG2 = await loanDisbursedOn(ta, 'groupA2', '2026-05-12')
const loanB = await loanDisbursedOn(ta, 'groupB', '2026-05-12')

const sessionA = expectStatus(
  await postSession(ta, {
    transactionPointId: world.pointA,
    groupId: world.groupA,
    sessionDate: '2026-06-15',
    lines: [
      { loanId: loanA1, interest: 150_000, principal: 1_000_000, savings: 30_000 },
      { loanId: loanA2, interest: 20_000, principal: 10_000, savings: 0 },
      { loanId: loanA3, interest: 0, principal: 0, savings: 25_000 },
    ],
  }),
  201,
  'session A',
).json()
const sessionA2 = expectStatus(
  await postSession(ta, {
    transactionPointId: world.pointA,
    groupId: world.groupA2,
    sessionDate: '2026-06-16',
    lines: [{ loanId: loanG2, interest: 10_000, principal: 0, savings: 0 }],
  }),
  201,
  'session A2',
).json()
const sessionB = expectStatus(
  await postSession(
    ta,
    {
      transactionPointId: world.pointB,
      groupId: world.groupB,
      sessionDate: '2026-06-20',
      lines: [{ loanId: loanB, interest: 10_000, principal: 0, savings: 0 }],
    },
    'officerB',
  ),
  201,
  'session B',
).json()

const get = (id: number, who: Parameters<typeof as>[0] = 'officerA') =>
  as(who, { method: 'GET', url: `/v1/collection-sessions/${id}` })
const list = async (query = '', who: Parameters<typeof as>[0] = 'admin') =>
  expectStatus(await as(who, { method: 'GET', url: `/v1/collection-sessions${query}` }), 200, `list ${query}`).json()
const ids = (page: { items: { id: number }[] }) => page.items.map((s) => s.id)

t.test(
  'when a session was posted, then it reads back with its totals, who posted it and each line as handed in ' +
    'with its repayment and allocation',
  async (t) => {
    const res = await get(sessionA.id)
    t.equal(res.statusCode, 200, res.body)
    const s = res.json()
    t.match(s, {
      id: sessionA.id,
      transactionPointId: world.pointA,
      transactionPointName: 'Point A',
      groupId: world.groupA,
      groupName: 'Group A',
      partnerId: world.partnerA,
      branchId: world.branchA,
      sessionDate: '2026-06-15',
      lineCount: 3,
      totalInterest: 170_000,
      totalPrincipal: 1_010_000,
      totalSavings: 55_000,
      total: 1_235_000,
      postedBy: { userId: world.userIds.officerA, name: 'Officer A' },
      reversedLines: 0,
    })
    t.equal(s.lines.length, 3)
    const [l0, l1, l2] = s.lines as SessionLine[]
    t.match(l0, {
      lineIndex: 0,
      loanId: loanA1,
      householdId: hoa.id,
      householdName: 'Ngô Thị Hoa',
      nationalId: hoa.nationalId,
      interest: 150_000,
      principal: 1_000_000,
      savings: 30_000,
      amount: 1_150_000,
      reversed: false,
      reversalTransactionId: null,
      loanStatus: 'active',
    })
    t.equal(l0!.transactionId, sessionA.lines[0].transactionId, 'the repayment the session posted')
    t.same(l0!.allocation, sessionA.lines[0].allocation, 'its allocation')
    t.match(l1, { lineIndex: 1, loanId: loanA2, interest: 20_000, principal: 10_000, amount: 30_000 })
    t.same(l1!.allocation, sessionA.lines[1].allocation)
    t.match(l2, {
      lineIndex: 2,
      loanId: loanA3,
      interest: 0,
      principal: 0,
      savings: 25_000,
      amount: 0,
      transactionId: null,
      allocation: null,
      reversed: false,
    })
  },
)

t.test(
  'when the split handed in differs from the allocation, then both are shown: the line keeps what was ' +
    'handed in, the allocation follows the waterfall',
  async (t) => {
    const line = (await get(sessionA.id)).json().lines[1] as SessionLine
    // 30,000 on a loan disbursed 05-12: interest accrued to 06-15 is above 30,000, so all of it is interest.
    t.same(line.allocation, { overdueInterest: 0, overduePrincipal: 0, interest: 30_000, principal: 0, prepaid: 0 })
    t.match(line, { interest: 20_000, principal: 10_000 })
  },
)

t.test(
  "when a back-dated repayment re-allocates a session's repayment, then the session shows its current allocation",
  async (t) => {
    const before = ((await get(sessionA.id)).json().lines[0] as SessionLine).allocation
    expectStatus(await repay(ta, loanA1, 400_000, '2026-06-01'), 201, 'back-dated repayment')
    const line = (await get(sessionA.id)).json().lines[0] as SessionLine
    const txs = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanA1}/transactions` })).json().items as {
      id: number
      allocation: Allocation | null
    }[]
    t.same(
      line.allocation,
      txs.find((x) => x.id === line.transactionId)!.allocation,
      "the same as the loan's transactions show",
    )
    t.not(JSON.stringify(line.allocation), JSON.stringify(before), 'it changed')
    t.match(line, { interest: 150_000, principal: 1_000_000, amount: 1_150_000 }, 'what was handed in does not change')
  },
)

t.test(
  "when a session's repayment is reversed, then its line says so, with the reversal and no allocation",
  async (t) => {
    const txId = sessionA.lines[1].transactionId as number
    const rev = expectStatus(
      await as('managerA', {
        method: 'POST',
        url: `/v1/loans/${loanA2}/transactions/${txId}/reverse`,
        payload: { reason: 'wrong loan' },
      }),
      201,
      'reverse',
    ).json()
    const s = (await get(sessionA.id)).json()
    t.equal(s.reversedLines, 1)
    t.match(s.lines[1], {
      loanId: loanA2,
      transactionId: txId,
      reversed: true,
      reversalTransactionId: rev.transactionId,
      allocation: null,
      amount: 30_000,
    })
    t.match(s.lines[0], { reversed: false })
  },
)

t.test('the list: totals and who posted; filters by point, group, date, from / to; pages by cursor', async (t) => {
  const all = await list()
  t.same(ids(all), [sessionA.id, sessionA2.id, sessionB.id])
  t.match(all.items[0], {
    id: sessionA.id,
    lineCount: 3,
    totalInterest: 170_000,
    totalPrincipal: 1_010_000,
    totalSavings: 55_000,
    total: 1_235_000,
    postedBy: { userId: world.userIds.officerA, name: 'Officer A' },
    groupName: 'Group A',
  })
  t.notOk('lines' in all.items[0], 'no lines in the list')
  t.same(ids(await list(`?transactionPointId=${world.pointA}`)), [sessionA.id, sessionA2.id])
  t.same(ids(await list(`?groupId=${world.groupA2}`)), [sessionA2.id])
  t.same(ids(await list('?date=2026-06-16')), [sessionA2.id])
  t.same(ids(await list('?from=2026-06-16')), [sessionA2.id, sessionB.id])
  t.same(ids(await list('?to=2026-06-16')), [sessionA.id, sessionA2.id])
  t.same(ids(await list('?from=2026-06-16&to=2026-06-16')), [sessionA2.id])
  t.same(ids(await list(`?transactionPointId=${world.pointB}&date=2026-06-15`)), [])
  const first = await list('?limit=2')
  t.same(ids(first), [sessionA.id, sessionA2.id])
  t.ok(first.nextCursor)
  const second = await list(`?limit=2&cursor=${first.nextCursor}`)
  t.same(ids(second), [sessionB.id])
  t.equal(second.nextCursor, null)
})

t.test(
  'scope: branch staff their branch, a partner officer its groups, finance / auditor / admin all; a session ' +
    'outside scope is 404',
  async (t) => {
    for (const who of ['finance', 'auditor', 'admin'] as const)
      t.same(ids(await list('', who)), [sessionA.id, sessionA2.id, sessionB.id], who)
    t.same(ids(await list('', 'officerA')), [sessionA.id, sessionA2.id])
    t.same(ids(await list('', 'managerB')), [sessionB.id])
    t.same(ids(await list('', 'partnerA')), [sessionA.id])
    t.same(ids(await list('', 'partnerA2')), [sessionA2.id])
    t.same(ids(await list(`?groupId=${world.groupA2}`, 'partnerA')), [], 'a filter cannot widen the scope')
    for (const [who, id] of [
      ['officerB', sessionA.id],
      ['partnerA2', sessionA.id],
      ['partnerA', sessionB.id],
      ['officerA', sessionB.id],
    ] as const) {
      const res = await get(id, who)
      t.equal(res.statusCode, 404, `${who} → session ${id}: 404`)
      t.equal(res.json().code, 'NOT_FOUND')
    }
    t.equal((await get(sessionA.id, 'partnerA')).statusCode, 200)
    t.equal((await get(sessionA.id, 'auditor')).statusCode, 200)
    t.equal((await get(999_999, 'admin')).statusCode, 404, 'no such session')
    t.equal((await as(null, { method: 'GET', url: '/v1/collection-sessions' })).statusCode, 401)
  },
)

t.test(
  'when a session was posted before its lines were kept, then the migration rebuilds them from its ' +
    'repayments and savings, interest / principal unknown',
  async (t) => {
    const old = await buildTestApp(t)
    const loanId = await loanDisbursedOn(old, 'groupA', '2026-05-12')
    const officer = {
      userId: old.world.userIds.officerA,
      name: 'Officer A',
      role: 'branch_officer' as const,
      branchId: old.world.branchA,
      partnerId: null,
    }
    // The posting as it was before migration 0012: the session row, one repayment naming it, a savings deposit row,
    // no lines.
    const { body: legacyId } = old.app.commands.runNow((ctx) => {
      const id = Number(
        ctx.sqlite
          .prepare(
            `INSERT INTO collection_sessions (transaction_point_id, group_id, session_date, line_count, total_interest,
              total_principal, total_savings, created_by)
      VALUES (?, ?, '2026-06-25', 1, 40000, 10000, 0, ?)`,
          )
          .run(old.world.pointA, old.world.groupA, officer.userId).lastInsertRowid,
      )
      const loan = loadLoanRow(ctx.sqlite, loanId)
      repayLoan(ctx, loan, {
        amount: 50_000,
        valueDate: '2026-06-25',
        reference: `session ${id}`,
        collectionSessionId: id,
      })
      ctx.sqlite
        .prepare(
          'INSERT INTO savings_deposits (collection_session_id, loan_id, household_id, amount, value_date) ' +
            'VALUES (?, ?, ?, 0, ?)',
        )
        .run(id, loanId, loan.householdId, '2026-06-25')
      return { statusCode: 201, body: id }
    }, officer)
    const statements = readFileSync(new URL('../../db/migrations/0012_operations.sql', import.meta.url), 'utf8').split(
      '--> statement-breakpoint',
    )
    old.app.sqlite.exec(statements.find((x) => x.includes('INSERT INTO collection_session_lines'))!)
    const s = expectStatus(
      await old.as('officerA', { method: 'GET', url: `/v1/collection-sessions/${legacyId}` }),
      200,
      'legacy session',
    ).json()
    t.equal(s.lines.length, 1, 'one line per loan')
    t.match(s.lines[0], {
      lineIndex: 0,
      loanId,
      interest: null,
      principal: null,
      savings: 0,
      amount: 50_000,
      reversed: false,
    })
    t.ok(s.lines[0].allocation, 'the current allocation')
  },
)

t.test('reading writes nothing', async (t) => {
  const before = rowCounts(app)
  await get(sessionA.id)
  await list()
  t.same(rowCounts(app), before)
})
