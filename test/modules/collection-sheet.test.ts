/**
 * The collection sheet of a transaction point (docs/rules.md §7, §11): per group,
 * household and active loan what falls due by the session date, computed by the
 * same replay as the loan detail, so that paying exactly a line's total on the date
 * leaves nothing overdue and nothing due; a ready session body per group; CSV with
 * Vietnamese headers.
 *
 * Business date 2026-06-30; point A has session day 15, so its next session is 2026-07-15.
 * Loans: POOR 5,500 ppm/month, 12,000,000 VND over 12 months, 1,000,000 principal a month.
 */
import t from 'tap'
import fc from 'fast-check'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { approvedLoan, expectStatus } from '../helpers/origination.js'
import { loanDisbursedOn, namedHousehold, postSession, repay } from '../helpers/collections.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const BUSINESS_DATE = '2026-06-30'
const NEXT_SESSION = '2026-07-15'
const AMOUNT_KEYS = ['principalDue', 'interestDue', 'overduePrincipal', 'overdueInterest', 'total'] as const

interface Line {
  loanId: number
  principalDue: number
  interestDue: number
  overduePrincipal: number
  overdueInterest: number
  total: number
  interest: number
  principal: number
  classification: string
  outstandingPrincipal: number
}
interface Household {
  householdId: number
  headName: string
  nationalId: string
  village: string
  savingsExpected: number
  total: number
  loans: Line[]
}
interface Group {
  groupId: number
  groupName: string
  village: string
  households: Household[]
  totals: Record<string, number>
  sessionRequest: {
    transactionPointId: number
    groupId: number
    sessionDate: string
    lines: { loanId: number; interest: number; principal: number; savings: number }[]
  } | null
}
interface Sheet {
  date: string
  businessDate: string
  nextSessionDate: string
  groups: Group[]
  totals: Record<string, number>
}

const sheetUrl = (query = '', point = world.pointA) => `/v1/transaction-points/${point}/collection-sheet${query}`
async function sheet(query = '', who: Parameters<typeof as>[0] = 'officerA'): Promise<Sheet> {
  return expectStatus(await as(who, { method: 'GET', url: sheetUrl(query) }), 200, `sheet ${query}`).json() as Sheet
}
const lineOf = (s: Sheet, loanId: number): Line | undefined =>
  s.groups.flatMap((g) => g.households.flatMap((h) => h.loans)).find((l) => l.loanId === loanId)
const loanOn = async (loanId: number, asOf: string) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}?asOf=${asOf}` })).json()

// groupA: Trần Thị Bình's loan is unpaid since March (3 instalments overdue on 06-30); Lê Văn Cường's is new
// (06-15).
const binh = await namedHousehold(ta, 'groupA', 'Trần Thị Bình', 'Thôn 1')
const cuong = await namedHousehold(ta, 'groupA', 'Lê Văn Cường', 'Thôn 2')
const overdueLoan = await loanDisbursedOn(ta, 'groupA', '2026-03-10', { householdId: binh.id })
const newLoan = await loanDisbursedOn(ta, 'groupA', '2026-06-15', { householdId: cuong.id })
const notDisbursed = (
  await approvedLoan(ta, { group: 'groupA', householdId: (await namedHousehold(ta, 'groupA', 'Võ Văn Em')).id })
).loanId
// groupA2 (another partner, same point): a loan partly paid.
const dung = await namedHousehold(ta, 'groupA2', 'Phạm Thị Dung', 'Thôn 2')
const partlyPaid = await loanDisbursedOn(ta, 'groupA2', '2026-04-10', { householdId: dung.id })
expectStatus(await repay(ta, partlyPaid, 500_000, '2026-05-15'), 201, 'partial repayment')
// … and a second loan, and a savings commitment of 50,000 a month.
const dungSecond = await loanDisbursedOn(ta, 'groupA2', '2026-05-12', {
  householdId: dung.id,
  programmeCode: 'JOB_CREATION',
  amount: 6_000_000,
})
const SAVINGS = 50_000
expectStatus(
  await as('officerA', {
    method: 'POST',
    url: '/v1/savings-accounts',
    payload: { householdId: dung.id, monthlyCommitment: SAVINGS },
  }),
  201,
  'savings account',
)
// groupB is at point B: never on point A's sheet.
const otherPoint = await loanDisbursedOn(ta, 'groupB', '2026-05-20')

t.test(
  "when no date is given, then the sheet is for the point's next session date, with each group, household " +
    'and active loan, the figures of the loan detail on that date, and totals',
  async (t) => {
    const s = await sheet()
    t.match(s, {
      date: NEXT_SESSION,
      businessDate: BUSINESS_DATE,
      nextSessionDate: NEXT_SESSION,
      transactionPointId: world.pointA,
      sessionDay: 15,
    })
    t.same(
      s.groups.map((g) => g.groupName),
      ['Group A', 'Group A2'],
      'the groups of the point, by name',
    )
    const a = s.groups[0]!
    t.same(
      a.households.map((h) => h.headName),
      ['Lê Văn Cường', 'Trần Thị Bình'],
      'households in Vietnamese alphabetical order',
    )
    t.match(a.households[1], {
      householdId: binh.id,
      nationalId: binh.nationalId,
      village: 'Thôn 1',
      savingsExpected: 0,
    })
    t.match(a, { groupId: world.groupA, village: 'Thôn 1' })
    const onSheet = s.groups.flatMap((g) => g.households.flatMap((h) => h.loans.map((l) => l.loanId)))
    t.same(
      onSheet.sort((x, y) => x - y),
      [overdueLoan, newLoan, partlyPaid, dungSecond].sort((x, y) => x - y),
      "active loans of the point only (not the undisbursed one, not point B's)",
    )
    t.notOk(onSheet.includes(notDisbursed) || onSheet.includes(otherPoint))
    for (const loanId of onSheet) {
      const l = lineOf(s, loanId)!
      const d = await loanOn(loanId, NEXT_SESSION)
      t.same(
        {
          principalDue: l.principalDue,
          interestDue: l.interestDue,
          overduePrincipal: l.overduePrincipal,
          overdueInterest: l.overdueInterest,
          outstandingPrincipal: l.outstandingPrincipal,
          classification: l.classification,
        },
        {
          principalDue: d.principalDueNow,
          interestDue: d.interestDue,
          overduePrincipal: d.overduePrincipal,
          overdueInterest: d.overdueInterest,
          outstandingPrincipal: d.outstandingPrincipal,
          classification: d.classification,
        },
        `loan ${loanId}: the loan detail on ${NEXT_SESSION} agrees`,
      )
      t.equal(l.total, l.principalDue + l.interestDue + l.overduePrincipal + l.overdueInterest)
      t.equal(l.interest, l.overdueInterest + l.interestDue)
      t.equal(l.principal, l.overduePrincipal + l.principalDue)
    }
    t.equal(lineOf(s, newLoan)!.principalDue, 1_000_000, 'the first instalment falls due on 07-15')
    for (const g of s.groups) {
      for (const k of AMOUNT_KEYS)
        t.equal(
          g.totals[k],
          g.households.flatMap((h) => h.loans).reduce((x, l) => x + l[k], 0),
          `${g.groupName}: total ${k}`,
        )
      t.equal(g.totals.households, g.households.length)
      t.equal(g.totals.cashExpected, g.totals.total! + g.totals.savingsExpected!)
    }
    for (const k of [...AMOUNT_KEYS, 'households', 'loans', 'savingsExpected', 'cashExpected'])
      t.equal(
        s.totals[k],
        s.groups.reduce((x, g) => x + g.totals[k]!, 0),
        `sheet total ${k}`,
      )
  },
)

t.test(
  'when instalments are unpaid past their due dates, then the sheet shows overdue principal and overdue ' +
    'interest including the 130 % penalty (by hand)',
  async (t) => {
    const s = await sheet(`?date=${BUSINESS_DATE}`)
    // Due 04-15, 05-15, 06-15 unpaid. Contract interest 12,000,000 × 36 d (03-10→04-15) × 5500 / 3e7 = 79,200;
    // 11,000,000 × 30 d = 60,500; 10,000,000 × 31 d = 56,833.33 → 56,833; penalty 1,000,000 × 30 d × 1.3 = 7,150;
    // 2,000,000 × 31 d × 1.3 = 14,776.67 → 14,777; current period (06-15→06-30, 15 d): interest 9,000,000 → 24,750,
    // penalty 3,000,000 × 1.3 → 10,725. Overdue interest = 79,200 + 60,500 + 56,833 + 7,150 + 14,777 + 10,725 =
    // 229,185.
    t.match(lineOf(s, overdueLoan), {
      overduePrincipal: 3_000_000,
      overdueInterest: 229_185,
      interestDue: 24_750,
      principalDue: 0,
      total: 3_253_935,
      interest: 253_935,
      principal: 3_000_000,
      classification: 'overdue',
    })
    // The new loan: 15 days of interest on 12,000,000 = 33,000, no principal due before 07-15.
    t.match(lineOf(s, newLoan), {
      overduePrincipal: 0,
      overdueInterest: 0,
      interestDue: 33_000,
      principalDue: 0,
      total: 33_000,
    })
  },
)

t.test(
  "when a repayment of exactly the sheet's total is posted on the sheet date, then nothing is overdue and " +
    'nothing is due, and the sheet then asks nothing of that loan',
  async (t) => {
    const line = lineOf(await sheet(`?date=${BUSINESS_DATE}`), overdueLoan)!
    const res = expectStatus(await repay(ta, overdueLoan, line.total, BUSINESS_DATE), 201, 'repay the sheet total')
    t.same(
      res.json().allocation,
      {
        overdueInterest: line.overdueInterest,
        overduePrincipal: line.overduePrincipal,
        interest: line.interestDue,
        principal: line.principalDue,
        prepaid: 0,
      },
      'each component pays its own line',
    )
    t.match(await loanOn(overdueLoan, BUSINESS_DATE), {
      overduePrincipal: 0,
      overdueInterest: 0,
      interestDue: 0,
      principalDueNow: 0,
      classification: 'in_term',
      outstandingPrincipal: 9_000_000,
    })
    t.match(lineOf(await sheet(`?date=${BUSINESS_DATE}`), overdueLoan), { total: 0, classification: 'in_term' })
  },
)

t.test(
  "when a group's sessionRequest is posted unchanged, then it is accepted, every loan of the group has " +
    "nothing overdue and nothing due, and the expected savings reach the household's account",
  async (t) => {
    const s = await sheet(`?date=${BUSINESS_DATE}&groupId=${world.groupA2}`)
    t.equal(s.groups.length, 1)
    const g = s.groups[0]!
    const household = g.households.find((h) => h.householdId === dung.id)!
    t.equal(household.savingsExpected, SAVINGS, "the household's monthly commitment")
    t.same(
      household.loans.map((l) => l.loanId),
      [partlyPaid, dungSecond],
      'both of its loans',
    )
    t.match(g.totals, { savingsExpected: SAVINGS, cashExpected: g.totals.total! + SAVINGS })
    const request = g.sessionRequest!
    t.same(request, {
      transactionPointId: world.pointA,
      groupId: world.groupA2,
      sessionDate: BUSINESS_DATE,
      lines: g.households.flatMap((h) =>
        h.loans.map((l, i) => ({
          loanId: l.loanId,
          interest: l.interest,
          principal: l.principal,
          savings: i === 0 ? h.savingsExpected : 0,
        })),
      ),
    })
    t.same(
      request.lines.map((l) => l.savings),
      [SAVINGS, 0],
      "the savings once, on the household's first loan line",
    )
    const balance = async () =>
      (await as('officerA', { method: 'GET', url: `/v1/savings-accounts?householdId=${dung.id}` })).json().items[0]
        .balance as number
    const savedBefore = await balance()
    const posted = expectStatus(await postSession(ta, request), 201, "post the sheet's session")
    t.equal(posted.json().totalInterest + posted.json().totalPrincipal, g.totals.total)
    t.equal(await balance(), savedBefore + SAVINGS, "the savings went to the household's account")
    for (const l of request.lines) {
      t.match(
        await loanOn(l.loanId, BUSINESS_DATE),
        { overduePrincipal: 0, overdueInterest: 0, interestDue: 0, principalDueNow: 0 },
        `loan ${l.loanId}: nothing due`,
      )
    }
    const again = await sheet(`?date=${BUSINESS_DATE}&groupId=${world.groupA2}`)
    t.equal(again.groups[0]!.totals.total, 0, 'the sheet of the same date now asks nothing of the loans')
    t.same(
      again.groups[0]!.sessionRequest!.lines,
      [{ loanId: partlyPaid, interest: 0, principal: 0, savings: SAVINGS }],
      'only the (monthly) savings remain: the sheet does not net savings already handed in',
    )
  },
)

t.test(
  'when a session line splits its sum differently from the sheet, then the allocation is the same (one ' +
    'repayment of the sum, by the waterfall)',
  async (t) => {
    const loanId = await loanDisbursedOn(ta, 'groupA', '2026-04-10')
    const line = lineOf(await sheet(`?date=${BUSINESS_DATE}&groupId=${world.groupA}`), loanId)!
    t.ok(line.overduePrincipal > 0 && line.interestDue > 0, 'the loan has overdue principal and interest due')
    const res = expectStatus(
      await postSession(ta, {
        transactionPointId: world.pointA,
        groupId: world.groupA,
        sessionDate: BUSINESS_DATE,
        lines: [{ loanId, interest: line.total, principal: 0, savings: 0 }],
      }),
      201,
      'session',
    )
    t.same(res.json().lines[0].allocation, {
      overdueInterest: line.overdueInterest,
      overduePrincipal: line.overduePrincipal,
      interest: line.interestDue,
      principal: line.principalDue,
      prepaid: 0,
    })
  },
)

t.test('when a past date is asked, then loans disbursed after it are not on the sheet', async (t) => {
  const s = await sheet('?date=2026-06-01')
  t.ok(lineOf(s, overdueLoan), 'disbursed in March: on the sheet')
  t.notOk(lineOf(s, newLoan), 'disbursed on 06-15: not yet')
})

t.test(
  'when CSV is asked (Accept: text/csv or format=csv), then one row per loan under Vietnamese headers, ' +
    'UTF-8 with BOM, the same figures',
  async (t) => {
    const json = await sheet()
    for (const req of [
      { url: sheetUrl(), headers: { accept: 'text/csv' } },
      { url: sheetUrl('?format=csv'), headers: {} },
    ]) {
      const res = await as('officerA', { method: 'GET', ...req })
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
      t.match(res.headers['content-disposition'], /collection-sheet-TP-A-2026-07-15\.csv/)
      t.ok(res.body.startsWith('\uFEFF'), 'BOM first')
      const rows = res.body
        .slice(1)
        .trimEnd()
        .split('\r\n')
        .map((r) => r.split(','))
      t.same(rows[0], [
        'Tổ',
        'Thôn',
        'Hộ vay',
        'Số CCCD',
        'Mã khoản vay',
        'Chương trình',
        'Dư nợ',
        'Gốc đến hạn',
        'Lãi đến hạn',
        'Gốc quá hạn',
        'Lãi quá hạn',
        'Tổng phải thu',
        'Tiết kiệm dự kiến',
      ])
      const loans = json.groups.flatMap((g) => g.households.flatMap((h) => h.loans.map((l) => ({ g, h, l }))))
      t.equal(rows.length - 1, loans.length, 'one row per loan')
      t.equal(
        rows.slice(1).reduce((x, r) => x + Number(r[12]), 0),
        json.totals.savingsExpected,
        "a household's savings counted once: the column sums to the sheet's",
      )
      t.equal(
        rows.slice(1).reduce((x, r) => x + Number(r[11]), 0),
        json.totals.total,
      )
      const { g, h, l } = loans.find((x) => x.l.loanId === overdueLoan)!
      t.same(
        rows.find((r) => r[4] === String(overdueLoan)),
        [
          g.groupName,
          h.village,
          h.headName,
          h.nationalId,
          String(l.loanId),
          'POOR',
          String(l.outstandingPrincipal),
          String(l.principalDue),
          String(l.interestDue),
          String(l.overduePrincipal),
          String(l.overdueInterest),
          String(l.total),
          String(h.savingsExpected),
        ],
      )
    }
  },
)

t.test(
  'scope: branch staff, finance, auditor and admin see the whole point; a partner officer only its groups; ' +
    'others 404',
  async (t) => {
    const all = (await sheet()).groups.map((g) => g.groupId)
    for (const who of ['managerA', 'finance', 'auditor', 'admin'] as const)
      t.same(
        (await sheet('', who)).groups.map((g) => g.groupId),
        all,
        `${who} sees every group`,
      )
    t.same(
      (await sheet('', 'partnerA')).groups.map((g) => g.groupId),
      [world.groupA],
      'partner A: its own group only',
    )
    t.same(
      (await sheet('', 'partnerA2')).groups.map((g) => g.groupId),
      [world.groupA2],
    )
    for (const who of ['officerB', 'partnerB'] as const) {
      const res = await as(who, { method: 'GET', url: sheetUrl() })
      t.equal(res.statusCode, 404, `${who}: another branch's point is not found`)
      t.equal(res.json().code, 'NOT_FOUND')
    }
    t.equal(
      (await as('partnerA', { method: 'GET', url: sheetUrl(`?groupId=${world.groupA2}`) })).statusCode,
      404,
      "another partner's group: 404",
    )
    t.equal((await as('officerA', { method: 'GET', url: sheetUrl('', 999_999) })).statusCode, 404, 'no such point')
    t.equal((await as(null, { method: 'GET', url: sheetUrl() })).statusCode, 401)
  },
)

t.test(
  'when the date is outside [business date − 1 year, next session date] or the group hands in elsewhere, ' +
    'then 422 and nothing is written',
  async (t) => {
    const before = rowCounts(app)
    const late = await as('officerA', { method: 'GET', url: sheetUrl('?date=2026-07-16') })
    t.equal(late.statusCode, 422)
    t.match(late.json(), { code: 'SHEET_DATE_OUT_OF_RANGE', earliest: '2025-06-30', latest: NEXT_SESSION })
    t.equal(
      (await as('officerA', { method: 'GET', url: sheetUrl('?date=2025-06-29') })).json().code,
      'SHEET_DATE_OUT_OF_RANGE',
    )
    t.equal(
      (await as('officerA', { method: 'GET', url: sheetUrl('?date=2025-06-30') })).statusCode,
      200,
      'one year back is allowed',
    )
    const elsewhere = await as('admin', { method: 'GET', url: sheetUrl(`?groupId=${world.groupB}`) })
    t.equal(elsewhere.statusCode, 422)
    t.equal(elsewhere.json().code, 'GROUP_NOT_AT_POINT')
    t.equal(
      (await as('officerA', { method: 'GET', url: sheetUrl('?date=2026-02-30') })).statusCode,
      400,
      'not a real date',
    )
    t.same(rowCounts(app), before)
  },
)

t.test(
  "property: for random loans, partial payments and session dates, paying each sheet line's total on its " +
    'date leaves nothing overdue and nothing due',
  async (t) => {
    let runs = 0
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 40 }), // days after 2026-03-01 of the disbursement
        fc.integer({ min: 1, max: 24 }), // loan amount in millions
        // a partial payment: days after disbursement, % of payoff
        fc.option(fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 90 }))),
        fc.integer({ min: 0, max: 60 }), // days after the last event of the sheet date
        async (startDays, millions, partial, tail) => {
          const start = addDays('2026-03-01', startDays)
          // Disbursement dates before the 10th would move the application into the previous month; keep it simple.
          const disbursedOn = Number(start.slice(8, 10)) < 10 ? `${start.slice(0, 8)}10` : start
          const loanId = await loanDisbursedOn(ta, 'groupA', disbursedOn, { amount: millions * 1_000_000 })
          let last = disbursedOn
          if (partial) {
            const on = minDate(addDays(disbursedOn, partial[0]), BUSINESS_DATE)
            const payoff = (await loanOn(loanId, on)).payoffAmount as number
            expectStatus(
              await repay(ta, loanId, Math.max(1, Math.floor((payoff * partial[1]) / 100)), on),
              201,
              'partial payment',
            )
            last = on
          }
          const date = minDate(addDays(last, tail), BUSINESS_DATE)
          const line = lineOf(await sheet(`?date=${date}&groupId=${world.groupA}`), loanId)!
          if (line.total > 0) expectStatus(await repay(ta, loanId, line.total, date), 201, 'pay the sheet total')
          const after = await loanOn(loanId, date)
          runs++
          return (
            after.overduePrincipal === 0 &&
            after.overdueInterest === 0 &&
            after.interestDue === 0 &&
            after.principalDueNow === 0
          )
        },
      ),
      { numRuns: 8 },
    )
    t.equal(runs, 8)
  },
)

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
function minDate(a: string, b: string): string {
  return a <= b ? a : b
}
