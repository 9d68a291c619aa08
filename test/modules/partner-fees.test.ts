/**
 * Partner fees over HTTP (docs/rules.md §11; docs/api.md).
 *
 * POOR loans, 5500 ppm/month; interest = balance × days × 5500 / 30,000,000, rounded half-up.
 * Rates: default 450 ppm / 80,000 ppm (seeded, from 2009-07-01); added here:
 *   default from 2026-07-01: 600 / 90,000 (not in force on 2026-06-30)
 *   partnerA2 from 2026-06-30: 500 / 100,000 (in force on the month's last day → overrides)
 *   partnerA  from 2026-07-01: 700 / 70,000 (not yet in force)
 *
 * Loans and payments:
 *   M1 groupA 10,000,000 disbursed 2026-05-15.
 *      2026-05-31 repayment 29,333 = interest (05-15, 05-31], 16 days: 10e6×16×5500/30e6 = 29,333.33 → 29,333.
 *      2026-06-30 repayment 20,000: instalment 1 (due 06-15, 31 days → 56,833) still owes 27,500 interest,
 *      so all 20,000 is overdue interest. Outstanding stays 10,000,000.
 *   A1 groupA 30,000,000 disbursed 2026-06-15; groupA collection session 2026-06-30: interest 82,500 +
 *      principal 917,500 = 1,000,000 → interest (06-15, 06-30] 15 days = 30e6×15×5500/30e6 = 82,500,
 *      prepaid 917,500 → outstanding 29,082,500.
 *   A2 groupA 20,000,000 disbursed 06-15; individual repayment 06-20 of 50,000 → interest 5 days =
 *      18,333.33 → 18,333, prepaid 31,667 → outstanding 19,968,333. (No commission: not a session.)
 *   A3 groupA 10,000,000 disbursed 06-15, nothing paid → not in the base.
 *   A4 groupA 10,000,000 disbursed 06-15, 100,000 paid 06-25 then reversed → not in the base.
 *   A5 groupA2 (partnerA2) 10,000,000 disbursed 06-15; groupA2 session 06-30: interest 27,500 →
 *      exactly 15 days' interest (10e6×15×5500/30e6), outstanding 10,000,000.
 *   B1 groupB (partnerB) 10,000,000 disbursed 06-15, 100,000 paid the same day → no interest → no fee.
 *
 * June 2026 (last day 2026-06-30 = the business date):
 *   partnerA  (default 450 / 80,000): base = 10,000,000 + 29,082,500 + 19,968,333 = 59,050,833;
 * fee = 450 × 59,050,833 / 10^6 = 26,572.874… → 26,573; interest collected 20,000 + 82,500 + 18,333 = 120,833
 *   groupA    commission = 80,000 × 82,500 / 10^6 = 6,600
 *   partnerA2 (own 500 / 100,000): fee = 500 × 10,000,000 / 10^6 = 5,000
 *   groupA2   commission = 100,000 × 27,500 / 10^6 = 2,750
 *   totals: fees 31,573, commission 9,350, total 40,923
 * May 2026: partnerA, M1 only: 450 × 10,000,000 / 10^6 = 4,500; no sessions.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { disbursedLoan, repay as repayLoan, unique, type GroupName } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'
import { feeAmount } from '../../src/modules/fees/service.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const test = ledgerCheckedTest(t, app, { verify: true })
function ok<R extends { statusCode: number; body: string }>(res: R, status: number, what: string): R {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
  return res
}
const repay = (loanId: number, amount: number, valueDate: string, who: 'officerA' | 'officerB' = 'officerA') =>
  repayLoan(ta, loanId, amount, valueDate, { who })
const session = (
  group: 'groupA' | 'groupA2',
  loanId: number,
  interest: number,
  principal: number,
  sessionDate: string,
) =>
  as('officerA', {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': unique('session') },
    payload: {
      transactionPointId: world.pointA,
      groupId: world[group],
      sessionDate,
      lines: [{ loanId, interest, principal, savings: 0 }],
    },
  })
const loan = async (
  group: GroupName,
  amount: number,
  dates: { applicationDate?: string; certifiedOn?: string; approvedOn?: string; valueDate?: string } = {},
) => (await disbursedLoan(ta, { group, amount, valueDate: '2026-06-15', ...dates })).loanId

const M1 = await loan('groupA', 10_000_000, {
  applicationDate: '2026-05-01',
  certifiedOn: '2026-05-05',
  approvedOn: '2026-05-10',
  valueDate: '2026-05-15',
})
const [A1, A2, A3, A4] = [
  await loan('groupA', 30_000_000),
  await loan('groupA', 20_000_000),
  await loan('groupA', 10_000_000),
  await loan('groupA', 10_000_000),
] as const
const A5 = await loan('groupA2', 10_000_000)
const B1 = await loan('groupB', 10_000_000)

const allocations: Record<string, { overdueInterest: number; interest: number; prepaid: number }> = {}
allocations.M1may = ok(await repay(M1, 29_333, '2026-05-31'), 201, 'M1 May').json()
allocations.M1jun = ok(await repay(M1, 20_000, '2026-06-30'), 201, 'M1 June').json()
allocations.A1 = ok(
  await session('groupA', A1, 82_500, 917_500, '2026-06-30'),
  201,
  'A1 session',
).json().lines[0].allocation
allocations.A2 = ok(await repay(A2, 50_000, '2026-06-20'), 201, 'A2').json()
const a4tx = ok(await repay(A4, 100_000, '2026-06-25'), 201, 'A4').json().transactionId as number
ok(
  await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${A4}/transactions/${a4tx}/reverse`,
    payload: { reason: 'wrong loan' },
  }),
  201,
  'reverse A4',
)
allocations.A5 = ok(await session('groupA2', A5, 27_500, 0, '2026-06-30'), 201, 'A5 session').json().lines[0].allocation
allocations.B1 = ok(await repay(B1, 100_000, '2026-06-15', 'officerB'), 201, 'B1').json()

const addRate = (body: object, who: 'admin' | 'finance' = 'admin') =>
  as(who, { method: 'POST', url: '/v1/fee-rates', payload: body })
const fees = (
  month: string,
  who: 'finance' | 'admin' | 'auditor' | 'officerA' | 'partnerA' = 'finance',
  accept?: string,
) => as(who, { method: 'GET', url: `/v1/reports/partner-fees?month=${month}`, headers: accept ? { accept } : {} })

test('fixture allocations are the hand-derived ones', async (t) => {
  t.match(allocations.M1may, { interest: 29_333, overdueInterest: 0, prepaid: 0 })
  t.match(allocations.M1jun, { overdueInterest: 20_000, interest: 0, prepaid: 0 })
  t.match(allocations.A1, { interest: 82_500, overdueInterest: 0, prepaid: 917_500 })
  t.match(allocations.A2, { interest: 18_333, prepaid: 31_667 })
  t.match(allocations.A5, { interest: 27_500, prepaid: 0 })
  t.match(allocations.B1, { interest: 0, overdueInterest: 0, prepaid: 100_000 })
})

test(
  '§11 fee rates are versioned data: admin adds versions; duplicates and unknown partners refused, nothing ' +
    'written',
  async (t) => {
    const def = await addRate({
      effectiveFrom: '2026-07-01',
      entrustmentFeeRatePpm: 600,
      groupCommissionRatePpm: 90_000,
    })
    t.equal(def.statusCode, 201, def.body)
    t.match(def.json(), {
      partnerId: null,
      effectiveFrom: '2026-07-01',
      entrustmentFeeRatePpm: 600,
      groupCommissionRatePpm: 90_000,
    })
    t.equal(
      (
        await addRate({
          partnerId: world.partnerA2,
          effectiveFrom: '2026-06-30',
          entrustmentFeeRatePpm: 500,
          groupCommissionRatePpm: 100_000,
        })
      ).statusCode,
      201,
    )
    t.equal(
      (
        await addRate({
          partnerId: world.partnerA,
          effectiveFrom: '2026-07-01',
          entrustmentFeeRatePpm: 700,
          groupCommissionRatePpm: 70_000,
        })
      ).statusCode,
      201,
    )

    const before = rowCounts(app)
    const dup = await addRate({ effectiveFrom: '2026-07-01', entrustmentFeeRatePpm: 1, groupCommissionRatePpm: 1 })
    t.equal(dup.statusCode, 409, 'a second default version from the same date')
    t.equal(dup.json().code, 'DUPLICATE')
    const dupPartner = await addRate({
      partnerId: world.partnerA2,
      effectiveFrom: '2026-06-30',
      entrustmentFeeRatePpm: 1,
      groupCommissionRatePpm: 1,
    })
    t.equal(dupPartner.json().code, 'DUPLICATE')
    const unknown = await addRate({
      partnerId: 4242,
      effectiveFrom: '2026-08-01',
      entrustmentFeeRatePpm: 1,
      groupCommissionRatePpm: 1,
    })
    t.equal(unknown.statusCode, 422)
    t.equal(unknown.json().code, 'REFERENCE_NOT_FOUND')
    t.equal(unknown.json().errors[0].field, 'body.partnerId')
    const tooHigh = await addRate({
      effectiveFrom: '2026-08-01',
      entrustmentFeeRatePpm: 1_000_001,
      groupCommissionRatePpm: 1.5,
    })
    t.equal(tooHigh.statusCode, 400)
    t.same(
      tooHigh
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
      ['body.entrustmentFeeRatePpm', 'body.groupCommissionRatePpm'],
    )
    t.equal(
      (await addRate({ effectiveFrom: '2026-08-01', entrustmentFeeRatePpm: 1, groupCommissionRatePpm: 1 }, 'finance'))
        .statusCode,
      403,
      'finance may not set rates',
    )
    t.same(rowCounts(app), before, 'nothing written')

    const list = await as('finance', { method: 'GET', url: '/v1/fee-rates' })
    t.equal(list.statusCode, 200)
    t.same(
      list
        .json()
        .items.map((r: { partnerId: number | null; effectiveFrom: string; entrustmentFeeRatePpm: number }) => [
          r.partnerId,
          r.effectiveFrom,
          r.entrustmentFeeRatePpm,
        ]),
      [
        [null, '2009-07-01', 450],
        [null, '2026-07-01', 600],
        [world.partnerA2, '2026-06-30', 500],
        [world.partnerA, '2026-07-01', 700],
      ],
    )
    const own = await as('auditor', { method: 'GET', url: `/v1/fee-rates?partnerId=${world.partnerA2}` })
    t.equal(own.json().items.length, 1)
    t.same(app.sqlite.prepare("SELECT action FROM audit_log WHERE entity = 'fee_rate'").pluck().all(), [
      'fee_rate.create',
      'fee_rate.create',
      'fee_rate.create',
    ])
  },
)

test('§11 partner fees for June 2026 equal the hand-checked figures', async (t) => {
  const res = await fees('2026-06')
  t.equal(res.statusCode, 200, res.body)
  const r = res.json()
  t.match(r, { month: '2026-06', from: '2026-06-01', to: '2026-06-30' })
  t.same(
    r.partners.map((p: Record<string, unknown>) => ({
      partnerId: p.partnerId,
      rateSource: p.rateSource,
      rateEffectiveFrom: p.rateEffectiveFrom,
      entrustmentFeeRatePpm: p.entrustmentFeeRatePpm,
      groupCommissionRatePpm: p.groupCommissionRatePpm,
      loans: p.loans,
      interestCollected: p.interestCollected,
      outstandingPrincipal: p.outstandingPrincipal,
      entrustmentFee: p.entrustmentFee,
      groupCommission: p.groupCommission,
      total: p.total,
    })),
    [
      {
        partnerId: world.partnerA,
        rateSource: 'default',
        rateEffectiveFrom: '2009-07-01',
        entrustmentFeeRatePpm: 450,
        groupCommissionRatePpm: 80_000,
        loans: 3,
        interestCollected: 120_833,
        outstandingPrincipal: 59_050_833,
        entrustmentFee: 26_573,
        groupCommission: 6_600,
        total: 33_173,
      },
      {
        partnerId: world.partnerA2,
        rateSource: 'partner',
        rateEffectiveFrom: '2026-06-30',
        entrustmentFeeRatePpm: 500,
        groupCommissionRatePpm: 100_000,
        loans: 1,
        interestCollected: 27_500,
        outstandingPrincipal: 10_000_000,
        entrustmentFee: 5_000,
        groupCommission: 2_750,
        total: 7_750,
      },
    ],
    'partnerB (interest-free prepayment only) earns nothing and is not listed',
  )
  t.same(
    r.groups.map((g: Record<string, unknown>) => [
      g.groupId,
      g.sessions,
      g.interestCollected,
      g.groupCommissionRatePpm,
      g.commission,
    ]),
    [
      [world.groupA, 1, 82_500, 80_000, 6_600],
      [world.groupA2, 1, 27_500, 100_000, 2_750],
    ],
  )
  t.same(r.totals, { entrustmentFee: 31_573, groupCommission: 9_350, total: 40_923 })
  void A3
})

test("§11 partner fees: May counts only May's interest; an unended month and a bad month are refused", async (t) => {
  const may = (await fees('2026-05', 'auditor')).json()
  t.same(
    may.partners.map((p: Record<string, unknown>) => [p.partnerId, p.loans, p.outstandingPrincipal, p.entrustmentFee]),
    [[world.partnerA, 1, 10_000_000, 4_500]],
  )
  t.same(may.groups, [])
  t.same(may.totals, { entrustmentFee: 4_500, groupCommission: 0, total: 4_500 })
  const july = await fees('2026-07', 'admin')
  t.equal(july.statusCode, 422)
  t.equal(july.json().code, 'MONTH_NOT_ENDED')
  const bad = await fees('2026-13')
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].field, 'querystring.month')
  t.equal((await fees('2026-06', 'officerA')).statusCode, 403)
  t.equal((await fees('2026-06', 'partnerA')).statusCode, 403)
})

test('§11 partner fees CSV export parses back (parseCsv) to the same numbers', async (t) => {
  const json = (await fees('2026-06')).json()
  const res = await fees('2026-06', 'finance', 'text/csv')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.match(res.headers['content-disposition'], /partner-fees-2026-06\.csv/)
  const [headings, ...rows] = parseCsv(res.body)
  const header = headings!.map(csvKey)
  t.same(header, [
    'month',
    'kind',
    'partnerId',
    'partnerCode',
    'groupId',
    'groupCode',
    'loans',
    'base',
    'ratePpm',
    'amount',
    'level',
    'contractId',
  ])
  const records = rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])))
  const entrustment = records.filter((r) => r.kind === 'entrustment_fee')
  const commission = records.filter((r) => r.kind === 'group_commission')
  t.same(
    entrustment.map((r) => [Number(r.partnerId), Number(r.loans), Number(r.base), Number(r.ratePpm), Number(r.amount)]),
    json.partners.map((p: Record<string, number>) => [
      p.partnerId,
      p.loans,
      p.outstandingPrincipal,
      p.entrustmentFeeRatePpm,
      p.entrustmentFee,
    ]),
  )
  t.same(
    commission.map((r) => [Number(r.groupId), Number(r.base), Number(r.ratePpm), Number(r.amount)]),
    json.groups.map((g: Record<string, number>) => [
      g.groupId,
      g.interestCollected,
      g.groupCommissionRatePpm,
      g.commission,
    ]),
  )
  t.equal(
    records.reduce((a, r) => a + Number(r.amount), 0),
    json.totals.total,
  )
  t.ok(records.every((r) => r.month === '2026-06'))
})

t.test('fee arithmetic: exact BigInt products, rounded half-up once', async (t) => {
  t.equal(feeAmount(450, 10_000), 5, '4.5 → 5')
  t.equal(feeAmount(450, 9_999), 4, '4.49955 → 4')
  t.equal(feeAmount(450, 59_050_833), 26_573)
  t.equal(feeAmount(1_000_000, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER, 'no float overflow')
  t.equal(
    feeAmount(333_333, 9_007_199_254_740_991),
    3_002_396_749_180_579,
    'exact (3,002,396,749,180,578.753… → …579) where a float product loses the digits',
  )
  t.throws(() => feeAmount(-1, 5))
})
