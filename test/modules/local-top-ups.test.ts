/**
 * Local top-ups (docs/rules.md §13): a local policy raises a programme's cap (an amount, or a whole percent of the
 * national cap), maybe only for priority households; the part of a loan above the national cap is funded by the
 * policy's funding source, shown on the loan, checked against that source's capital and kept in its own books.
 *
 * Figures: POOR's national cap is 100,000,000 VND. The top-up source `dn_top_up` receives 40,000,000 VND.
 *   DN_TOP_UP_130      factor 130 % → local cap 130,000,000 (top-up 30,000,000), every household
 *   DN_PRIORITY_150    factor 150 % → local cap 150,000,000, priority households only
 * Central (the programme's source) has received no capital: it is not capital-controlled here.
 */
import t from 'tap'
import { buildTestApp, nationalId } from '../helpers/app.js'
import {
  applicationBody,
  approvedLoan,
  disburse,
  expectStatus,
  householdWithStatus,
  povertyStatus,
  submit,
  unique,
} from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const source = async (code: string) =>
  (await as('finance', { method: 'GET', url: `/v1/funding-sources/${code}` })).json()
const loanOf = async (loanId: number) => (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
/** Net debit per (source, account) of one loan's journal lines. */
const books = (loanId: number) =>
  Object.fromEntries(
    (
      app.sqlite
        .prepare(
          'SELECT funding_source AS fund, account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? ' +
            'GROUP BY funding_source, account HAVING net <> 0',
        )
        .all(loanId) as { fund: string; account: string; net: number }[]
    ).map((r) => [`${r.fund}/${r.account}`, r.net]),
  )

expectStatus(
  await as('admin', {
    method: 'POST',
    url: '/v1/funding-sources',
    payload: { code: 'dn_top_up', name: 'Ngân sách Đà Nẵng cho vay bổ sung', kind: 'local', region: 'Đà Nẵng' },
  }),
  201,
  'source',
)
expectStatus(
  await as('finance', {
    method: 'POST',
    url: '/v1/funding-sources/dn_top_up/capital',
    headers: { 'idempotency-key': unique('cap') },
    payload: { amount: 40_000_000, valueDate: '2026-06-01', decisionNo: 'QĐ 45/2026/UBND' },
  }),
  201,
  'capital',
)
const policy = (code: string, topUp: object) =>
  as('admin', {
    method: 'POST',
    url: '/v1/local-policies',
    payload: {
      code,
      name: `Đà Nẵng nâng mức cho vay (${code})`,
      region: 'Đà Nẵng',
      programmeCode: 'POOR',
      effectiveFrom: '2026-01-01',
      fundingSource: 'dn_top_up',
      topUp,
    },
  })
expectStatus(await policy('DN_TOP_UP_130', { factorPct: 130 }), 201, 'policy 130')
expectStatus(await policy('DN_PRIORITY_150', { factorPct: 150, priorityOnly: true }), 201, 'policy 150')

t.test('a top-up needs an amount or a factor (VALIDATION_ERROR naming body.topUp)', async (t) => {
  assertRejected(t, await policy('DN_EMPTY', {}), 400, 'VALIDATION_ERROR', 'body.topUp')
  const listed = (await as('officerA', { method: 'GET', url: '/v1/local-policies' }))
    .json()
    .items.find((p: { code: string }) => p.code === 'DN_TOP_UP_130')
  t.match(listed, { fundingSource: 'dn_top_up', topUp: { capAmount: null, factorPct: 130, priorityOnly: false } })
})

t.test(
  'when the application names the policy, then eligibility uses the raised cap and names national cap, local cap ' +
    'and top-up when above it (AMOUNT_ABOVE_CAP)',
  async (t) => {
    const hh = await householdWithStatus(ta)
    const without = assertRejected(
      t,
      await submit(ta, 'partnerA', applicationBody(hh, { amount: 120_000_000 })),
      422,
      'AMOUNT_ABOVE_CAP',
    )
    t.same(without.cap, { nationalCap: 100_000_000, localCap: 100_000_000, topUp: 0, owed: 0 })
    const above = assertRejected(
      t,
      await submit(ta, 'partnerA', applicationBody(hh, { amount: 130_000_001, localPolicyCode: 'DN_TOP_UP_130' })),
      422,
      'AMOUNT_ABOVE_CAP',
    )
    t.same(above.cap, { nationalCap: 100_000_000, localCap: 130_000_000, topUp: 30_000_000, owed: 0 })
    const ok = await submit(
      ta,
      'partnerA',
      applicationBody(hh, { amount: 130_000_000, localPolicyCode: 'DN_TOP_UP_130' }),
    )
    t.equal(ok.statusCode, 201, 'up to the local cap under the policy')
  },
)

let firstLoan = 0
t.test(
  "when a loan above the national cap is approved, then the part above it is funded by the policy's source: its " +
    'contract shows both, and the disbursement posts each part under its own source',
  async (t) => {
    const { loanId } = await approvedLoan(ta, { amount: 120_000_000, localPolicyCode: 'DN_TOP_UP_130' })
    firstLoan = loanId
    const loan = await loanOf(loanId)
    t.equal(loan.fundingSource, 'central', 'the programme funds the national part')
    t.same(loan.funding, [
      { source: 'central', amount: 100_000_000, topUp: false },
      { source: 'dn_top_up', amount: 20_000_000, topUp: true },
    ])
    expectStatus(await disburse(ta, loanId, { amount: 120_000_000, valueDate: '2026-06-15' }), 201, 'disburse')
    t.same(books(loanId), {
      'central/cash_at_branch': -100_000_000,
      'central/loans_receivable': 100_000_000,
      'dn_top_up/cash_at_branch': -20_000_000,
      'dn_top_up/loans_receivable': 20_000_000,
    })
    // 40,000,000 − 20,000,000 = 20,000,000.
    t.match(await source('dn_top_up'), { disbursed: 20_000_000, outstanding: 20_000_000, available: 20_000_000 })
  },
)

t.test(
  'when principal is repaid on a loan with a top-up part, then it returns to the top-up source first',
  async (t) => {
    // Paid on the disbursement day: no interest yet, all 5,000,000 is principal (prepaid).
    const res = await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${firstLoan}/repayments`,
      headers: { 'idempotency-key': unique('pay') },
      payload: { amount: 5_000_000, valueDate: '2026-06-15' },
    })
    t.equal(res.statusCode, 201, 'repaid')
    t.same(books(firstLoan), {
      'central/cash_at_branch': -100_000_000,
      'central/loans_receivable': 100_000_000,
      'dn_top_up/cash_at_branch': -20_000_000,
      'dn_top_up/cash_at_transaction_point': 5_000_000,
      'dn_top_up/loans_receivable': 15_000_000,
    })
    // 40,000,000 − 15,000,000 = 25,000,000.
    t.equal((await source('dn_top_up')).available, 25_000_000)
  },
)

t.test(
  "when the top-up part needs more than its source's available capital, then the disbursement is refused " +
    '(FUNDING_EXHAUSTED); the national part, paid out first, is not',
  async (t) => {
    const { loanId } = await approvedLoan(ta, { amount: 130_000_000, localPolicyCode: 'DN_TOP_UP_130' })
    t.same((await loanOf(loanId)).funding[1], { source: 'dn_top_up', amount: 30_000_000, topUp: true })
    const refused = assertRejected(
      t,
      await disburse(ta, loanId, { amount: 130_000_000, valueDate: '2026-06-15' }),
      422,
      'FUNDING_EXHAUSTED',
    )
    t.match(refused.detail, 'dn_top_up lacks 5000000 VND')
    expectStatus(await disburse(ta, loanId, { amount: 100_000_000, valueDate: '2026-06-15' }), 201, 'national part')
    t.equal((await source('dn_top_up')).available, 25_000_000, 'the national part takes nothing from the top-up source')
    assertRejected(
      t,
      await disburse(ta, loanId, { amount: 30_000_000, valueDate: '2026-06-16' }),
      422,
      'FUNDING_EXHAUSTED',
    )
    expectStatus(await disburse(ta, loanId, { amount: 25_000_000, valueDate: '2026-06-16' }), 201, 'what is left')
    t.equal((await source('dn_top_up')).available, 0)
  },
)

t.test(
  'when a top-up is for priority households only, then a household without priority keeps the national cap and ' +
    'an ethnic-minority household gets the raised one',
  async (t) => {
    const plain = await householdWithStatus(ta)
    const refused = assertRejected(
      t,
      await submit(ta, 'partnerA', applicationBody(plain, { amount: 120_000_000, localPolicyCode: 'DN_PRIORITY_150' })),
      422,
      'AMOUNT_ABOVE_CAP',
    )
    t.same(refused.cap, { nationalCap: 100_000_000, localCap: 100_000_000, topUp: 0, owed: 0 })
    const created = expectStatus(
      await as('partnerA', {
        method: 'POST',
        url: '/v1/households',
        payload: {
          nationalId: nationalId(),
          headName: 'Alăng Văn Bốn',
          groupId: world.groupA,
          area: 'rural',
          address: { commune: 'Hòa Bắc', village: 'Thôn 1' },
          ethnicMinority: true,
          ethnicGroup: 'Cơ Tu',
        },
      }),
      201,
      'household',
    ).json()
    await povertyStatus(ta, created.id, 'poor', '2020-01-01', 'officerA')
    const { loanId } = await approvedLoan(ta, {
      householdId: created.id,
      amount: 150_000_000,
      localPolicyCode: 'DN_PRIORITY_150',
    })
    t.same((await loanOf(loanId)).funding, [
      { source: 'central', amount: 100_000_000, topUp: false },
      { source: 'dn_top_up', amount: 50_000_000, topUp: true },
    ])
  },
)
