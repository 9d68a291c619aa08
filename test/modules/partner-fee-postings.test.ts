/**
 * Partner fees as money over HTTP (docs/rules.md §19): the monthly accrual, re-running for the difference,
 * payments with four eyes and the payable limit, the verifier's invariants.
 *
 * POOR loans (central funding), 5500 ppm/month; default rates 450 ppm / 80,000 ppm; business date 2026-06-30.
 *   A1 groupA 30,000,000 disbursed 2026-06-15; groupA session 2026-06-30: interest 82,500 (15 days:
 *      30e6 × 15 × 5500 / 30e6) + principal 917,500 → outstanding 29,082,500.
 *   A2 groupA 20,000,000 disbursed 2026-06-15, nothing paid at the first accrual.
 * First accrual of June, partner A: entrustment fee 450 × 29,082,500 / 10^6 = 13,087.125 → 13,087;
 *   group commission 80,000 × 82,500 / 10^6 = 6,600; total 19,687.
 * Back-dated repayment A2 2026-06-20 of 50,000: interest 5 days 20e6 × 5 × 5500 / 30e6 = 18,333.33 → 18,333,
 *   prepaid 31,667 → outstanding 19,968,333. Base 29,082,500 + 19,968,333 = 49,050,833 → fee
 *   450 × 49,050,833 / 10^6 = 22,072.87 → 22,073; the re-run posts 22,073 − 13,087 = 8,986. Payable 28,673.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { disbursedLoan, repay, unique } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta
const test = ledgerCheckedTest(t, app, { verify: true })

function ok<R extends { statusCode: number; body: string }>(res: R, status: number, what: string): R {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
  return res
}
const A1 = (await disbursedLoan(ta, { group: 'groupA', amount: 30_000_000 })).loanId
const A2 = (await disbursedLoan(ta, { group: 'groupA', amount: 20_000_000 })).loanId
ok(
  await as('officerA', {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': unique('session') },
    payload: {
      transactionPointId: world.pointA,
      groupId: world.groupA,
      sessionDate: '2026-06-30',
      lines: [{ loanId: A1, interest: 82_500, principal: 917_500, savings: 0 }],
    },
  }),
  201,
  'A1 session',
)

type Who = 'finance' | 'finance2' | 'officerA' | 'auditor'
const accrue = (month: string, who: Who = 'finance', key: string | null = unique('accrue')) =>
  as(who, {
    method: 'POST',
    url: '/v1/partner-fees/accruals',
    headers: key ? { 'idempotency-key': key } : {},
    payload: { month },
  })
const pay = (body: Record<string, unknown>, who: Who = 'finance2') =>
  as(who, {
    method: 'POST',
    url: '/v1/partner-fees/payments',
    headers: { 'idempotency-key': unique('fee-pay') },
    payload: { partnerId: world.partnerA, month: '2026-06', paidOn: '2026-06-30', reference: unique('UNC'), ...body },
  })
const balance = (account: string) =>
  app.sqlite
    .prepare('SELECT COALESCE(SUM(debit) - SUM(credit), 0) FROM journal_lines WHERE account = ? AND funding_source = ?')
    .pluck()
    .get(account, 'central') as number
const entries = () => app.sqlite.prepare('SELECT COUNT(*) FROM journal_entries').pluck().get() as number
const payable = async () =>
  (await as('auditor', { method: 'GET', url: '/v1/partner-fees/payable?month=2026-06' })).json().items

let firstKey = ''
test('§19 accrual posts each partner its month: Dr partner_fee_expense / Cr partner_fee_payable', async (t) => {
  t.same(await payable(), [])
  firstKey = unique('accrue')
  const res = await accrue('2026-06', 'finance', firstKey)
  t.equal(res.statusCode, 201, res.body)
  const body = res.json()
  t.equal(body.unchanged, 0)
  t.equal(body.accruals.length, 1)
  t.match(body.accruals[0], {
    month: '2026-06',
    partnerId: world.partnerA,
    entrustmentFee: 13_087,
    groupCommission: 6_600,
    total: 19_687,
    posted: 19_687,
    accruedOn: '2026-06-30',
    lines: [{ fundingSource: 'central', entrustmentFee: 13_087, groupCommission: 6_600, amount: 19_687 }],
  })
  t.equal(balance('partner_fee_expense'), 19_687)
  t.equal(balance('partner_fee_payable'), -19_687)
  const entry = app.sqlite
    .prepare('SELECT kind, value_date AS valueDate FROM journal_entries WHERE id = ?')
    .get(body.accruals[0].journalEntryId)
  t.same(entry, { kind: 'partner_fee_accrual', valueDate: '2026-06-30' })
  t.match(await payable(), [{ partnerId: world.partnerA, accrued: 19_687, paid: 0, payable: 19_687 }])
})

test('§19 re-running an unchanged month posts nothing; the same key replays the first answer', async (t) => {
  const before = entries()
  const again = await accrue('2026-06')
  t.equal(again.statusCode, 201, again.body)
  t.same(again.json(), { month: '2026-06', accruals: [], unchanged: 1 })
  const replay = await accrue('2026-06', 'finance', firstKey)
  t.equal(replay.headers['idempotency-replayed'], 'true')
  t.equal(replay.json().accruals[0].posted, 19_687)
  t.equal(entries(), before)
  t.equal(balance('partner_fee_payable'), -19_687)
})

test('§19 accrual refusals: month not ended, key required, finance only', async (t) => {
  const before = entries()
  const july = await accrue('2026-07')
  t.equal(july.statusCode, 422)
  t.equal(july.json().code, 'MONTH_NOT_ENDED')
  const noKey = await accrue('2026-06', 'finance', null)
  t.equal(noKey.statusCode, 400)
  t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
  t.equal((await accrue('2026-06', 'officerA')).statusCode, 403)
  t.equal((await accrue('2026-06', 'auditor')).statusCode, 403)
  t.equal(entries(), before)
})

let a2Repayment = 0
test('§19 a back-dated repayment changes the month: the re-run posts only the difference', async (t) => {
  const r = ok(await repay(ta, A2, 50_000, '2026-06-20'), 201, 'A2 repayment').json()
  a2Repayment = r.transactionId
  t.match(r.allocation, { interest: 18_333, prepaid: 31_667 })
  const res = await accrue('2026-06', 'finance')
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), {
    unchanged: 0,
    accruals: [
      {
        entrustmentFee: 22_073,
        groupCommission: 6_600,
        total: 28_673,
        posted: 8_986,
        lines: [{ fundingSource: 'central', entrustmentFee: 8_986, groupCommission: 0, amount: 8_986 }],
      },
    ],
  })
  t.equal(balance('partner_fee_payable'), -28_673)
  const list = await as('auditor', { method: 'GET', url: `/v1/partner-fees/accruals?partnerId=${world.partnerA}` })
  t.same(
    list.json().items.map((a: { posted: number }) => a.posted),
    [19_687, 8_986],
  )
  t.match(await payable(), [{ entrustmentFee: 22_073, groupCommission: 6_600, accrued: 28_673, payable: 28_673 }])
})

test('§19 payment: four eyes, never above payable, dated within the month end and the business date', async (t) => {
  const before = entries()
  // cash_at_branch also carries the branch's other movements (disbursements): only the change is checked.
  const cash = balance('cash_at_branch')
  const self = await pay({ amount: 10_000 }, 'finance')
  t.equal(self.statusCode, 403)
  t.equal(self.json().code, 'FOUR_EYES')
  const above = await pay({ amount: 28_674 })
  t.equal(above.statusCode, 422)
  t.equal(above.json().code, 'PARTNER_FEE_ABOVE_PAYABLE')
  t.equal(above.json().payable, 28_673)
  t.equal((await pay({ paidOn: '2026-06-29' })).json().code, 'DATE_ORDER')
  t.equal((await pay({ paidOn: '2026-07-01' })).json().code, 'DATE_IN_FUTURE')
  t.equal((await pay({ partnerId: 999_999 })).json().code, 'REFERENCE_NOT_FOUND')
  t.equal((await pay({}, 'officerA')).statusCode, 403)
  t.equal(entries(), before)

  const part = await pay({ amount: 10_000 })
  t.equal(part.statusCode, 201, part.body)
  t.match(part.json(), { amount: 10_000, payableAfter: 18_673, lines: [{ fundingSource: 'central', amount: 10_000 }] })
  t.equal(balance('cash_at_branch') - cash, -10_000)
  const rest = await pay({})
  t.equal(rest.statusCode, 201, rest.body)
  t.match(rest.json(), { amount: 18_673, payableAfter: 0 })
  t.equal(balance('partner_fee_payable'), 0)
  t.equal(balance('cash_at_branch') - cash, -28_673)
  const none = await pay({ amount: 1 })
  t.equal(none.json().code, 'PARTNER_FEE_ABOVE_PAYABLE')
  t.match(await payable(), [{ accrued: 28_673, paid: 28_673, payable: 0, byFund: [{ fundingSource: 'central' }] }])
  const payments = await as('finance', { method: 'GET', url: '/v1/partner-fees/payments?month=2026-06' })
  t.same(
    payments.json().items.map((p: { amount: number }) => p.amount),
    [10_000, 18_673],
  )
})

test('§19 a re-run that would take the month below what was paid is refused (PARTNER_FEE_OVERPAID)', async (t) => {
  ok(
    await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${A2}/transactions/${a2Repayment}/reverse`,
      payload: { reason: 'wrong loan' },
    }),
    201,
    'reverse A2',
  )
  const before = entries()
  const res = await accrue('2026-06')
  t.equal(res.statusCode, 409)
  t.match(res.json(), { code: 'PARTNER_FEE_OVERPAID', partnerId: world.partnerA, overpaid: 8_986 })
  t.equal(entries(), before)
})

test('§19 the verifier holds the ledger to the accrual and payment records', async (t) => {
  t.same(verifyInvariants(app.sqlite).failures, [])
  // A record whose entry moves another amount, checked inside a transaction that is rolled back.
  const failures = (() => {
    const sqlite = app.sqlite
    sqlite.exec('SAVEPOINT tamper')
    try {
      const entry = sqlite
        .prepare("SELECT MAX(id) FROM journal_entries WHERE kind = 'partner_fee_accrual'")
        .pluck()
        .get()
      sqlite
        .prepare(
          'INSERT INTO partner_fee_accruals (month, partner_id, entrustment_fee, group_commission, journal_entry_id, ' +
            "accrued_on, accrued_by) VALUES ('2026-05', ?, 1, 0, ?, '2026-06-30', 1)",
        )
        .run(world.partnerA, entry)
      const id = sqlite.prepare('SELECT MAX(id) FROM partner_fee_accruals').pluck().get()
      sqlite.prepare("INSERT INTO partner_fee_accrual_lines VALUES (?, 'central', 1, 0)").run(id)
      return verifyInvariants(sqlite).failures.map((f) => f.invariant)
    } finally {
      sqlite.exec('ROLLBACK TO tamper')
      sqlite.exec('RELEASE tamper')
    }
  })()
  t.ok(failures.includes('partner_fee_entries'), failures.join(', '))
  t.ok(failures.includes('partner_fee_payable'), failures.join(', '))
  t.same(verifyInvariants(app.sqlite).failures, [])
})
