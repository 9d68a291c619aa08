/**
 * Funding sources with capital (docs/rules.md §12): capital received, loans funded from their source, disbursements
 * beyond a source's available capital refused (FUNDING_EXHAUSTED), repaid principal returned to the source, the
 * report by funding source.
 *
 * Figures: the default fixture loan (POOR, 30,000,000 VND, 36 months, principal every month, disbursed 2026-06-15).
 * available = capital − loans_receivable − write_off_losses of the source.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { approvedLoan, disburse, disbursedLoan, expectStatus, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import { readFileSync } from 'node:fs'
import { parseCsv } from '../../src/platform/csv.js'
import { postJournal } from '../../src/modules/ledger/journal.js'

const ta = await buildTestApp(t)
const { app, as } = ta

const capital = (
  code: string,
  amount: number,
  opts: { who?: 'finance' | 'admin' | 'officerA'; key?: string | null } = {},
) =>
  as(opts.who ?? 'finance', {
    method: 'POST',
    url: `/v1/funding-sources/${code}/capital`,
    headers: opts.key === null ? {} : { 'idempotency-key': opts.key ?? unique('cap') },
    payload: { amount, valueDate: '2026-06-01', decisionNo: unique('QĐ') },
  })
const source = async (code: string) =>
  (await as('finance', { method: 'GET', url: `/v1/funding-sources/${code}` })).json()
const lines = (entryId: number) =>
  app.sqlite
    .prepare('SELECT account, funding_source AS fund, debit, credit FROM journal_lines WHERE entry_id = ? ORDER BY id')
    .all(entryId)

t.test(
  'when nothing was ever received, then the seeded sources are listed without capital control and lend as before',
  async (t) => {
    const list = (await as('officerA', { method: 'GET', url: '/v1/funding-sources' })).json().items
    t.same(
      list.map((s: { code: string; kind: string; capitalControlled: boolean; available: number | null }) => [
        s.code,
        s.kind,
        s.capitalControlled,
        s.available,
      ]),
      [
        ['central', 'central', false, null],
        ['local_budget', 'local', false, null],
      ],
    )
    const { loanId } = await disbursedLoan(ta)
    const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
    t.equal(loan.fundingSource, 'central', "the programme's source")
    const c = await source('central')
    t.match(c, {
      capital: 0,
      disbursed: 30_000_000,
      outstanding: 30_000_000,
      available: null,
      cashAtBranch: -30_000_000,
    })
  },
)

t.test(
  'when the first capital of a seeded source is below what it has already lent, then it is refused ' +
    '(CAPITAL_BELOW_LENT) and nothing is written',
  async (t) => {
    const lent = (await source('central')).outstanding as number
    t.ok(lent > 0, 'central has lent already')
    const before = rowCounts(app)
    const body = assertRejected(t, await capital('central', lent - 1), 422, 'CAPITAL_BELOW_LENT')
    t.match(body.detail, `does not cover the ${lent} VND`)
    t.same(rowCounts(app), before, 'database unchanged')
    t.equal((await source('central')).capitalControlled, false)
  },
)

t.test(
  'when capital is received, then one entry Dr cash_at_branch / Cr capital is posted under the source and it is ' +
    'capital-controlled from then on',
  async (t) => {
    const lent = (await source('central')).outstanding as number
    // Capital = what is out + 40,000,000: available 40,000,000.
    const res = await capital('central', lent + 40_000_000)
    t.equal(res.statusCode, 201, 'received')
    const { receipt, source: after } = res.json()
    t.match(receipt, { fundingSource: 'central', amount: lent + 40_000_000, valueDate: '2026-06-01' })
    t.same(lines(receipt.journalEntryId), [
      { account: 'cash_at_branch', fund: 'central', debit: lent + 40_000_000, credit: 0 },
      { account: 'capital', fund: 'central', debit: 0, credit: lent + 40_000_000 },
    ])
    t.match(after, { capitalControlled: true, capitalSince: '2026-06-30', capital: lent + 40_000_000 })
    t.equal(after.available, 40_000_000, 'capital − outstanding − written off')
    const receipts = (await as('auditor', { method: 'GET', url: '/v1/funding-sources/central/capital' })).json().items
    t.equal(receipts.length, 1)
  },
)

t.test(
  'when a disbursement needs more than the source has available, then it is refused (FUNDING_EXHAUSTED) and ' +
    'nothing is written; repaid principal returns to the source',
  async (t) => {
    // available 40,000,000: a 30,000,000 loan fits, leaving 10,000,000.
    await disbursedLoan(ta)
    t.equal((await source('central')).available, 10_000_000)
    const { loanId } = await approvedLoan(ta)
    const before = rowCounts(app)
    const body = assertRejected(
      t,
      await disburse(ta, loanId, { amount: 30_000_000, valueDate: '2026-06-15' }),
      422,
      'FUNDING_EXHAUSTED',
    )
    t.match(body.detail, 'central lacks 20000000 VND of capital for this disbursement of 30000000 VND')
    t.same(rowCounts(app), before, 'database unchanged')
    // A first tranche of 10,000,000 fits exactly: available 0.
    expectStatus(await disburse(ta, loanId, { amount: 10_000_000, valueDate: '2026-06-15' }), 201, 'tranche')
    t.equal((await source('central')).available, 0)
    // Repaying 1,000,000 of principal (prepaid before any interest is due: the value date is the disbursement's)
    // gives 1,000,000 back to the source.
    const pay = await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/repayments`,
      headers: { 'idempotency-key': unique('pay') },
      payload: { amount: 1_000_000, valueDate: '2026-06-15' },
    })
    t.equal(pay.statusCode, 201, 'repaid')
    t.equal((await source('central')).available, 1_000_000, 'the principal repaid is available again')
    assertRejected(
      t,
      await disburse(ta, loanId, { amount: 1_000_001, valueDate: '2026-06-20' }),
      422,
      'FUNDING_EXHAUSTED',
    )
    expectStatus(await disburse(ta, loanId, { amount: 1_000_000, valueDate: '2026-06-20' }), 201, 'second tranche')
  },
)

t.test(
  'when a source is created through the API, then it is capital-controlled from creation and a policy on it lends ' +
    'nothing before its capital arrives',
  async (t) => {
    const created = await as('admin', {
      method: 'POST',
      url: '/v1/funding-sources',
      payload: {
        code: 'da_nang_budget',
        name: 'Ngân sách thành phố Đà Nẵng ủy thác',
        kind: 'local',
        region: 'Đà Nẵng',
      },
    })
    t.equal(created.statusCode, 201, 'created')
    t.match(created.json(), { code: 'da_nang_budget', capitalControlled: true, capital: 0, available: 0 })
    assertRejected(
      t,
      await as('admin', {
        method: 'POST',
        url: '/v1/funding-sources',
        payload: { code: 'da_nang_budget', name: 'x', kind: 'local' },
      }),
      409,
      'DUPLICATE',
    )
    const policy = await as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: {
        code: 'DANANG_OWN_BUDGET',
        name: 'Đà Nẵng: vay không lãi từ ngân sách thành phố',
        region: 'Đà Nẵng',
        programmeCode: 'POOR',
        borrowerRatePpm: 0,
        effectiveFrom: '2026-01-01',
        fundingSource: 'da_nang_budget',
      },
    })
    t.equal(policy.statusCode, 201, 'policy created')
    t.equal(policy.json().fundingSource, 'da_nang_budget')
    const { loanId } = await approvedLoan(ta, { localPolicyCode: 'DANANG_OWN_BUDGET', amount: 20_000_000 })
    const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
    t.equal(loan.fundingSource, 'da_nang_budget', "a loan under the policy is funded by the policy's source")
    assertRejected(
      t,
      await disburse(ta, loanId, { amount: 20_000_000, valueDate: '2026-06-15' }),
      422,
      'FUNDING_EXHAUSTED',
    )
    t.equal((await capital('da_nang_budget', 25_000_000)).statusCode, 201)
    expectStatus(await disburse(ta, loanId, { amount: 20_000_000, valueDate: '2026-06-15' }), 201, 'now funded')
    t.match(await source('da_nang_budget'), { capital: 25_000_000, disbursed: 20_000_000, available: 5_000_000 })
    // The central source is untouched by this loan.
    t.equal((await source('central')).available, 0)
  },
)

t.test(
  'when a programme or policy names an unknown funding source, then it is refused (REFERENCE_NOT_FOUND)',
  async (t) => {
    const res = await as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: {
        code: 'NOWHERE',
        name: 'x',
        region: 'Huế',
        programmeCode: 'POOR',
        effectiveFrom: '2026-01-01',
        fundingSource: 'no_such_source',
      },
    })
    assertRejected(t, res, 422, 'REFERENCE_NOT_FOUND', 'body.fundingSource')
    const programme = await as('admin', {
      method: 'POST',
      url: '/v1/programmes',
      payload: {
        code: 'DONOR_LOANS',
        name: 'Cho vay từ nguồn tài trợ',
        legalBasis: 'Thử nghiệm',
        eligibleStatuses: ['poor'],
        eligibleAreas: 'any',
        maxAmount: 50_000_000,
        maxTermMonths: 60,
        fundingSource: 'donor',
        defaultPrincipalPlan: { everyMonths: 1, graceMonths: 0 },
        rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 5500 }],
      },
    })
    assertRejected(t, programme, 422, 'REFERENCE_NOT_FOUND', 'body.fundingSource')
  },
)

t.test(
  'when capital is posted, then finance or admin posts it with an Idempotency-Key; branch staff may not',
  async (t) => {
    assertRejected(t, await capital('central', 1_000, { key: null }), 400, 'IDEMPOTENCY_KEY_REQUIRED')
    assertRejected(t, await capital('central', 1_000, { who: 'officerA' }), 403, 'FORBIDDEN')
    assertRejected(t, await as('partnerA', { method: 'GET', url: '/v1/funding-sources' }), 403, 'FORBIDDEN')
    assertRejected(t, await capital('nowhere', 1_000), 404, 'NOT_FOUND')
    const key = unique('cap')
    const body = { amount: 1_000, valueDate: '2026-06-30', decisionNo: 'QĐ 12/2026' }
    const post = () =>
      as('finance', {
        method: 'POST',
        url: '/v1/funding-sources/central/capital',
        headers: { 'idempotency-key': key },
        payload: body,
      })
    const first = await post()
    const again = await post()
    t.equal(first.statusCode, 201)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotency-replayed'], 'true', 'the same key and body replay the first answer')
    const receipts = (await as('finance', { method: 'GET', url: '/v1/funding-sources/central/capital' })).json().items
    t.equal(receipts.length, 2, 'one receipt more, not two')
  },
)

t.test(
  'when the report by funding source is read, then it gives capital, disbursed, repaid, outstanding, written off ' +
    'and available per source, in JSON and in CSV with Vietnamese headings',
  async (t) => {
    const json = (await as('finance', { method: 'GET', url: '/v1/reports/funding-sources' })).json()
    t.equal(json.asOf, '2026-06-30')
    const dn = json.items.find((s: { code: string }) => s.code === 'da_nang_budget')
    t.match(dn, { capital: 25_000_000, disbursed: 20_000_000, principalRepaid: 0, outstanding: 20_000_000 })
    const csv = await as('finance', { method: 'GET', url: '/v1/reports/funding-sources?format=csv' })
    t.match(csv.headers['content-type'], /^text\/csv/)
    t.equal(csv.body.charCodeAt(0), 0xfeff, 'UTF-8 BOM')
    const rows = parseCsv(csv.body.slice(1))
    t.match(rows[0]![0], /^Mã nguồn vốn/)
    t.match(rows[0]!.join('|'), /Vốn đã nhận.*Vốn còn lại/)
    t.equal(rows.length, 1 + json.items.length)
    // Once capital is posted, a source's cash (at the branch and at the points together) is not negative.
    for (const src of json.items.filter((x: { capitalControlled: boolean }) => x.capitalControlled))
      t.ok(src.cashAtBranch + src.cashAtTransactionPoints >= 0, `${src.code}: cash ≥ 0`)
    // Before any capital (asOf 2026-05-31): none received.
    const early = (await as('finance', { method: 'GET', url: '/v1/reports/funding-sources?asOf=2026-05-31' })).json()
    t.ok(early.items.every((s: { capital: number }) => s.capital === 0))
  },
)

t.test(
  'when the books predate funding sources, then migration 0014 moves each disbursed loan to the new targets with ' +
    'one entry and no edited line',
  async (t) => {
    // An app of its own: the migration's statements act on every loan of the database.
    const old = await buildTestApp(t)
    const { loanId } = await disbursedLoan(old)
    const lines = () => old.app.sqlite.prepare('SELECT COUNT(*) FROM journal_lines').pluck().get() as number
    // The old shape: the disbursement credited the point's cash (reverse the new leg by hand).
    postJournal(old.app.sqlite, {
      kind: 'old_shape',
      valueDate: '2026-06-15',
      postedOn: '2026-06-30',
      description: 'test: the books as before migration 0014',
      lines: [
        { account: 'cash_at_branch', debit: 30_000_000, loanId, fundingSource: 'central' },
        { account: 'cash_at_transaction_point', credit: 30_000_000, loanId, fundingSource: 'central' },
      ],
    })
    const before = lines()
    const statements = readFileSync('db/migrations/0014_funding_sources.sql', 'utf8').split('--> statement-breakpoint')
    for (const sql of statements.slice(-2)) old.app.sqlite.exec(sql)
    t.equal(lines(), before + 2, 'two lines added, none changed')
    const net = old.app.sqlite
      .prepare(
        'SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? GROUP BY account ' +
          'ORDER BY account',
      )
      .all(loanId)
    t.same(net, [
      { account: 'cash_at_branch', net: -30_000_000 },
      { account: 'cash_at_transaction_point', net: 0 },
      { account: 'loans_receivable', net: 30_000_000 },
    ])
    const entry = old.app.sqlite
      .prepare("SELECT kind, value_date AS valueDate FROM journal_entries WHERE kind = 'funding_reclassification'")
      .get()
    t.same(entry, { kind: 'funding_reclassification', valueDate: '2026-06-30' })
  },
)
