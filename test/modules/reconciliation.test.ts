/**
 * Reconciliation over HTTP (docs/rules.md §11, §9; docs/api.md).
 *
 * Loans: POOR (5500 ppm), 10,000,000 VND, disbursed 2026-06-15 (business date 2026-06-30).
 * L1…L5 in groupA and L7 in groupA2 (both groups hand in at point A); L6 in groupB (point B).
 *
 * Posted at point A on 2026-06-25:
 *   L1 500,000 · L2 300,000 · L3 200,000 (repayments by officerA)
 *   L4 400,000, then reversed (drops out of "posted")
 *   L7 100,000 through a groupA2 collection session (interest 100,000, principal 0)
 *   → posted total 1,100,000
 * Statement for point A, 2026-06-25:
 *   L1 500,000 (matched) · L2 350,000 (amount_mismatch) · L4 400,000 (unexpected_in_statement)
 *   L7 100,000 (matched) · L3 absent (missing_in_statement)
 *   → statement total 1,350,000; suspense = 1,350,000 − 1,100,000 = +250,000
 *     (Dr cash_at_transaction_point 250,000 / Cr suspense 250,000, fund 'central').
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { disbursedLoan, repay as repayLoan, unique } from '../helpers/origination.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'
import { parseStatementCsv } from '../../src/modules/reconciliation/service.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const test = ledgerCheckedTest(t, app, { verify: true })

const LOAN = { amount: 10_000_000, valueDate: '2026-06-15' }
const DAY = '2026-06-25'

const repay = (loanId: number, amount: number, valueDate: string, who: 'officerA' | 'officerB' = 'officerA') =>
  repayLoan(ta, loanId, amount, valueDate, { who })
function ok<R extends { statusCode: number; body: string }>(res: R, status: number, what: string): R {
  if (res.statusCode !== status) throw new Error(`${what}: ${res.statusCode} ${res.body}`)
  return res
}

const [L1, L2, L3, L4, L5] = (await Promise.all(Array.from({ length: 5 }, () => disbursedLoan(ta, LOAN)))).map(
  (l) => l.loanId,
) as [number, number, number, number, number]
const L6 = (await disbursedLoan(ta, { ...LOAN, group: 'groupB' })).loanId
const L7 = (await disbursedLoan(ta, { ...LOAN, group: 'groupA2' })).loanId

ok(await repay(L1, 500_000, DAY), 201, 'L1')
ok(await repay(L2, 300_000, DAY), 201, 'L2')
ok(await repay(L3, 200_000, DAY), 201, 'L3')
const l4tx = ok(await repay(L4, 400_000, DAY), 201, 'L4').json().transactionId as number
ok(
  await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${L4}/transactions/${l4tx}/reverse`,
    payload: { reason: 'keyed twice' },
  }),
  201,
  'reverse L4',
)
ok(
  await as('officerA', {
    method: 'POST',
    url: '/v1/collection-sessions',
    headers: { 'idempotency-key': unique('session') },
    payload: {
      transactionPointId: world.pointA,
      groupId: world.groupA2,
      sessionDate: DAY,
      lines: [{ loanId: L7, interest: 100_000, principal: 0, savings: 0 }],
    },
  }),
  201,
  'session L7',
)

const STATEMENT = [
  { loanId: L1, amount: 500_000, reference: 'PT-1' },
  { loanId: L2, amount: 350_000, reference: 'PT-2' },
  { loanId: L4, amount: 400_000 },
  { loanId: L7, amount: 100_000, reference: 'session G-A2' },
]
const CSV =
  `loanId,amount,reference\r\n${L1},500000,PT-1\r\n${L2},350000,PT-2\r\n${L4},400000,\r\n${L7},100000,"session ` +
  `G-A2"\r\n`

const postJson = (body: object, key?: string, who: 'finance' | 'finance2' | 'officerA' | 'admin' = 'finance') =>
  as(who, { method: 'POST', url: '/v1/reconciliations', headers: key ? { 'idempotency-key': key } : {}, payload: body })
const postCsv = (csv: string, query: string, key?: string) =>
  as('finance', {
    method: 'POST',
    url: `/v1/reconciliations?${query}`,
    headers: { 'content-type': 'text/csv', ...(key ? { 'idempotency-key': key } : {}) },
    payload: csv,
  })
const suspenseBalance = () =>
  app.sqlite
    .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'suspense'")
    .pluck()
    .get() as number
const entryLines = (entryId: number) =>
  app.sqlite
    .prepare(
      'SELECT account, funding_source AS fundingSource, debit, credit, loan_id AS loanId FROM journal_lines ' +
        'WHERE entry_id = ? ORDER BY id',
    )
    .all(entryId)

/** The result of a reconciliation without its identity (for comparing two uploads). */
const essence = (r: {
  summary: unknown
  statementTotal: number
  postedTotal: number
  suspenseAmount: number
  lines: {
    loanId: number
    statementAmount: number | null
    postedAmount: number | null
    difference: number
    result: string
    reference: string | null
  }[]
}) => ({
  summary: r.summary,
  statementTotal: r.statementTotal,
  postedTotal: r.postedTotal,
  suspenseAmount: r.suspenseAmount,
  lines: r.lines.map(({ loanId, statementAmount, postedAmount, difference, result, reference }) => ({
    loanId,
    statementAmount,
    postedAmount,
    difference,
    result,
    reference,
  })),
})

let firstId = 0
let secondId = 0

test('§11 reconciliation: each mismatch kind, and the difference posted to suspense in one balanced entry', async (t) => {
  const before = suspenseBalance()
  const res = await postJson({ transactionPointId: world.pointA, date: DAY, lines: STATEMENT })
  t.equal(res.statusCode, 201, res.body)
  const r = res.json()
  firstId = r.id
  t.equal(r.status, 'open')
  t.same(r.summary, { matched: 2, missing_in_statement: 1, unexpected_in_statement: 1, amount_mismatch: 1 })
  t.equal(r.statementTotal, 1_350_000)
  t.equal(r.postedTotal, 1_100_000, 'the reversed L4 repayment is not posted; the L7 session repayment is')
  t.equal(r.suspenseAmount, 250_000)
  t.equal(r.suspensePosted, 250_000)
  t.same(
    r.lines.map(
      (l: {
        loanId: number
        result: string
        statementAmount: number | null
        postedAmount: number | null
        difference: number
      }) => [l.loanId, l.result, l.statementAmount, l.postedAmount, l.difference],
    ),
    [
      [L1, 'matched', 500_000, 500_000, 0],
      [L2, 'amount_mismatch', 350_000, 300_000, 50_000],
      [L3, 'missing_in_statement', null, 200_000, -200_000],
      [L4, 'unexpected_in_statement', 400_000, null, 400_000],
      [L7, 'matched', 100_000, 100_000, 0],
    ],
  )
  t.equal(r.lines[0].reference, 'PT-1')
  t.equal(
    app.sqlite.prepare('SELECT COUNT(*) FROM journal_entries WHERE reconciliation_id = ?').pluck().get(r.id),
    1,
    'ONE journal entry',
  )
  t.same(
    entryLines(r.journalEntryId),
    [
      { account: 'cash_at_transaction_point', fundingSource: 'central', debit: 250_000, credit: 0, loanId: null },
      { account: 'suspense', fundingSource: 'central', debit: 0, credit: 250_000, loanId: null },
    ],
    'statement > posted: Dr cash at transaction point / Cr suspense',
  )
  t.equal(suspenseBalance() - before, 250_000)
  const got = await as('finance', { method: 'GET', url: `/v1/reconciliations/${r.id}` })
  t.equal(got.statusCode, 200)
  t.same(got.json(), r, 'GET returns what POST returned')
  const audit = app.sqlite
    .prepare("SELECT action FROM audit_log WHERE entity = 'reconciliation' AND entity_id = ?")
    .pluck()
    .all(String(r.id))
  t.same(audit, ['reconciliation.create'])
})

test(
  '§11 reconciliation: a CSV body and a JSON body give the same result (the CSV run supersedes and posts no ' +
    'change)',
  async (t) => {
    const first = (await as('finance', { method: 'GET', url: `/v1/reconciliations/${firstId}` })).json()
    const res = await postCsv(CSV, `transactionPointId=${world.pointA}&date=${DAY}`)
    t.equal(res.statusCode, 201, res.body)
    const r = res.json()
    secondId = r.id
    t.same(essence(r), essence(first), 'same summary, totals and lines')
    t.equal(r.supersedes, firstId)
    t.equal(r.suspensePosted, 0, 'the suspense balance already holds this difference')
    t.equal(r.journalEntryId, null, 'no entry when nothing changes')
    t.equal((await as('finance', { method: 'GET', url: `/v1/reconciliations/${firstId}` })).json().supersededBy, r.id)
    t.equal(suspenseBalance(), 250_000)
  },
)

test('§11 reconciliation: statement < posted → Dr suspense / Cr cash; equal → no entry', async (t) => {
  ok(await repay(L5, 600_000, '2026-06-20'), 201, 'L5')
  const res = await postJson({
    transactionPointId: world.pointA,
    date: '2026-06-20',
    lines: [{ loanId: L5, amount: 550_000 }],
  })
  t.equal(res.statusCode, 201, res.body)
  const r = res.json()
  t.same(r.summary, { matched: 0, missing_in_statement: 0, unexpected_in_statement: 0, amount_mismatch: 1 })
  t.equal(r.suspenseAmount, -50_000)
  t.same(entryLines(r.journalEntryId), [
    { account: 'suspense', fundingSource: 'central', debit: 50_000, credit: 0, loanId: null },
    { account: 'cash_at_transaction_point', fundingSource: 'central', debit: 0, credit: 50_000, loanId: null },
  ])
  ok(await repay(L5, 70_000, '2026-06-22'), 201, 'L5 22nd')
  // Two receipts for one loan are added up.
  const eq = await postCsv(
    `loanId,amount\n${L5},30000\n${L5},40000\n`,
    `transactionPointId=${world.pointA}&date=2026-06-22`,
  )
  t.equal(eq.statusCode, 201, eq.body)
  t.same(eq.json().summary, { matched: 1, missing_in_statement: 0, unexpected_in_statement: 0, amount_mismatch: 0 })
  t.equal(eq.json().suspenseAmount, 0)
  t.equal(eq.json().journalEntryId, null)
  t.equal(suspenseBalance(), 200_000, '+250,000 (25th) − 50,000 (20th)')
})

test('§11 reconciliation: a corrected run after posting the missing cash moves only the change to suspense', async (t) => {
  // The office posts L2's missing 50,000 (back-dated into the open day); the statement is re-run.
  ok(await repay(L2, 50_000, DAY), 201, 'L2 top-up')
  const res = await postCsv(CSV, `transactionPointId=${world.pointA}&date=${DAY}`)
  t.equal(res.statusCode, 201, res.body)
  const r = res.json()
  t.same(r.summary, { matched: 3, missing_in_statement: 1, unexpected_in_statement: 1, amount_mismatch: 0 })
  t.equal(r.postedTotal, 1_150_000)
  t.equal(r.suspenseAmount, 200_000)
  t.equal(r.suspensePosted, -50_000)
  t.same(entryLines(r.journalEntryId), [
    { account: 'suspense', fundingSource: 'central', debit: 50_000, credit: 0, loanId: null },
    { account: 'cash_at_transaction_point', fundingSource: 'central', debit: 0, credit: 50_000, loanId: null },
  ])
  t.equal(suspenseBalance(), 150_000, 'suspense per (point, date) = the latest run: 200,000 (25th) − 50,000 (20th)')
  const stale = await as('finance', { method: 'POST', url: `/v1/reconciliations/${secondId}/close` })
  t.equal(stale.statusCode, 409, 'a superseded reconciliation cannot be closed')
  t.equal(stale.json().code, 'INVALID_STATE')
  secondId = r.id
})

test(
  '§11 close, then a back-dated repayment or reversal into that point and date → 409 RECONCILIATION_CLOSED, ' +
    'nothing written',
  async (t) => {
    const res = await as('finance', {
      method: 'POST',
      url: `/v1/reconciliations/${secondId}/close`,
      headers: { 'idempotency-key': unique('close') },
    })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().status, 'closed')
    t.equal(res.json().closedBy, world.userIds.finance)

    const before = rowCounts(app)
    const late = await repay(L1, 10_000, DAY)
    t.equal(late.statusCode, 409)
    t.equal(late.json().code, 'RECONCILIATION_CLOSED')
    t.equal(late.json().reconciliationId, secondId)
    const l1tx = app.sqlite
      .prepare("SELECT id FROM loan_transactions WHERE loan_id = ? AND kind = 'repayment' AND value_date = ?")
      .pluck()
      .get(L1, DAY) as number
    const rev = await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${L1}/transactions/${l1tx}/reverse`,
      payload: { reason: 'late correction' },
    })
    t.equal(rev.statusCode, 409)
    t.equal(rev.json().code, 'RECONCILIATION_CLOSED')
    const session = await as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: world.pointA,
        groupId: world.groupA2,
        sessionDate: DAY,
        lines: [{ loanId: L7, interest: 1_000, principal: 0, savings: 0 }],
      },
    })
    t.equal(session.statusCode, 409, 'a collection session into the closed day too')
    t.equal(session.json().code, 'RECONCILIATION_CLOSED')
    const again = await postCsv(CSV, `transactionPointId=${world.pointA}&date=${DAY}`)
    t.equal(again.statusCode, 409, 'reconciling a closed (point, date) again')
    t.equal(again.json().code, 'RECONCILIATION_CLOSED')
    const twice = await as('finance', { method: 'POST', url: `/v1/reconciliations/${secondId}/close` })
    t.equal(twice.statusCode, 409)
    t.equal(twice.json().code, 'INVALID_STATE')
    t.same(rowCounts(app), before, 'nothing written')

    t.equal((await repay(L1, 10_000, '2026-06-26')).statusCode, 201, 'another date at the point is open')
    t.equal((await repay(L6, 10_000, DAY, 'officerB')).statusCode, 201, 'the same date at another point is open')
  },
)

test('§11 bad CSV: each case names the line and writes nothing', async (t) => {
  const q = `transactionPointId=${world.pointA}&date=2026-06-24`
  const cases: [string, string, number, string, string][] = [
    ['wrong header', `loan,amount,reference\n${L1},100,\n`, 400, 'VALIDATION_ERROR', 'csv.line 1'],
    ['header columns in another order', `amount,loanId\n100,${L1}\n`, 400, 'VALIDATION_ERROR', 'csv.line 1'],
    ['empty body', '', 400, 'VALIDATION_ERROR', 'csv.line 1'],
    [
      'non-integer amount',
      `loanId,amount,reference\n${L1},100,\n${L2},12.5,x\n`,
      400,
      'VALIDATION_ERROR',
      'csv.line 3',
    ],
    ['thousands separator', `loanId,amount,reference\n${L1},"1,000",\n`, 400, 'VALIDATION_ERROR', 'csv.line 2'],
    ['negative amount', `loanId,amount,reference\n${L1},-100,\n`, 400, 'VALIDATION_ERROR', 'csv.line 2'],
    [
      'non-integer loanId, after a blank line',
      `loanId,amount\n${L1},100\n\nabc,5\n`,
      400,
      'VALIDATION_ERROR',
      'csv.line 4',
    ],
    ['too many columns', `loanId,amount\n${L1},100,extra\n`, 400, 'VALIDATION_ERROR', 'csv.line 2'],
    ['unknown loan', `loanId,amount,reference\n${L1},100,\n999999,100,\n`, 422, 'REFERENCE_NOT_FOUND', 'csv.line 3'],
    [
      'loan of another transaction point',
      `loanId,amount,reference\n${L6},100,\n`,
      422,
      'LOAN_NOT_AT_POINT',
      'csv.line 2',
    ],
  ]
  for (const [name, csv, status, code, field] of cases) {
    const before = rowCounts(app)
    const res = await postCsv(csv, q)
    t.equal(res.statusCode, status, `${name}: status (${res.body})`)
    t.equal(res.json().code, code, `${name}: code`)
    t.equal(res.json().errors?.[0]?.field, field, `${name}: names ${field}`)
    t.match(res.json().detail, /line|statement/i, `${name}: detail explains`)
    t.same(rowCounts(app), before, `${name}: nothing written`)
  }
  const several = await postCsv(`loanId,amount\n${L1},1.5\n${L2},ok\n${L3},7\n`, q)
  t.same(
    several.json().errors.map((e: { field: string }) => e.field),
    ['csv.line 2', 'csv.line 3'],
    'every bad line is listed',
  )
  const before = rowCounts(app)
  const plain = await as('finance', {
    method: 'POST',
    url: `/v1/reconciliations?${q}`,
    headers: { 'content-type': 'text/plain' },
    payload: `loanId,amount\n${L1},100\n`,
  })
  t.equal(plain.statusCode, 415, 'only application/json or text/csv')
  t.equal(plain.json().code, 'UNSUPPORTED_MEDIA_TYPE')
  const huge = await postCsv(`loanId,amount\n${`${L1},1\n`.repeat(300_000)}`, q)
  t.equal(huge.statusCode, 413, 'CSV bodies are limited to 1 MiB')
  t.same(rowCounts(app), before, 'nothing written')
  const noQuery = await postCsv(`loanId,amount\n${L1},100\n`, '')
  t.equal(noQuery.statusCode, 400)
  t.same(
    noQuery.json().errors.map((e: { field: string }) => e.field),
    ['querystring.transactionPointId', 'querystring.date'],
  )
})

test('§11 bad JSON statement lines name body.lines[i]; future date and unknown point refused; nothing written', async (t) => {
  const before = rowCounts(app)
  const unknown = await postJson({
    transactionPointId: world.pointA,
    date: '2026-06-24',
    lines: [
      { loanId: L1, amount: 1 },
      { loanId: 999_999, amount: 1 },
    ],
  })
  t.equal(unknown.statusCode, 422)
  t.equal(unknown.json().code, 'REFERENCE_NOT_FOUND')
  t.equal(unknown.json().errors[0].field, 'body.lines[1].loanId')
  const negative = await postJson({
    transactionPointId: world.pointA,
    date: '2026-06-24',
    lines: [{ loanId: L1, amount: -1 }],
  })
  t.equal(negative.statusCode, 400)
  t.equal(negative.json().errors[0].field, 'body.lines.0.amount')
  const future = await postJson({ transactionPointId: world.pointA, date: '2026-07-01', lines: [] })
  t.equal(future.statusCode, 422)
  t.equal(future.json().code, 'DATE_IN_FUTURE')
  const noPoint = await postJson({ transactionPointId: 4242, date: '2026-06-24', lines: [] })
  t.equal(noPoint.statusCode, 422)
  t.equal(noPoint.json().code, 'REFERENCE_NOT_FOUND')
  t.same(rowCounts(app), before, 'nothing written')
})

test('§11 reconciliation roles and scope: finance writes; branch staff of the point read; others 403/404', async (t) => {
  const before = rowCounts(app)
  for (const who of ['officerA', 'admin'] as const) {
    const res = await postJson({ transactionPointId: world.pointA, date: '2026-06-24', lines: [] }, undefined, who)
    t.equal(res.statusCode, 403, `${who} may not upload`)
  }
  t.equal((await as('auditor', { method: 'POST', url: `/v1/reconciliations/${firstId}/close` })).statusCode, 403)
  t.same(rowCounts(app), before)
  for (const who of ['officerA', 'managerA', 'auditor', 'admin', 'finance2'] as const) {
    t.equal((await as(who, { method: 'GET', url: `/v1/reconciliations/${firstId}` })).statusCode, 200, `${who} reads`)
  }
  t.equal(
    (await as('officerB', { method: 'GET', url: `/v1/reconciliations/${firstId}` })).statusCode,
    404,
    'another branch: not found',
  )
  t.equal((await as('partnerA', { method: 'GET', url: `/v1/reconciliations/${firstId}` })).statusCode, 403)
  const list = await as('officerB', { method: 'GET', url: '/v1/reconciliations' })
  t.same(list.json().items, [], 'branch B sees none of point A')
  const mine = await as('officerA', {
    method: 'GET',
    url: `/v1/reconciliations?date=${DAY}&transactionPointId=${world.pointA}`,
  })
  t.same(
    mine.json().items.map((r: { id: number; status: string }) => [r.id, r.status]),
    [
      [firstId, 'open'],
      [firstId + 1, 'open'],
      [secondId, 'closed'],
    ],
  )
})

test('§11 reconciliation idempotency: same key + same CSV replays; same key + another date → 422', async (t) => {
  ok(await repay(L5, 25_000, '2026-06-23'), 201, 'L5 23rd')
  const key = unique('rec')
  const csv = `loanId,amount\n${L5},25000\n`
  const a = await postCsv(csv, `transactionPointId=${world.pointA}&date=2026-06-23`, key)
  t.equal(a.statusCode, 201, a.body)
  const counts = rowCounts(app)
  const b = await postCsv(csv, `transactionPointId=${world.pointA}&date=2026-06-23`, key)
  t.equal(b.statusCode, 201)
  t.equal(b.headers['idempotency-replayed'], 'true')
  t.same(b.json(), a.json())
  const c = await postCsv(csv, `transactionPointId=${world.pointA}&date=2026-06-22`, key)
  t.equal(c.statusCode, 422, 'the query string is part of the request')
  t.equal(c.json().code, 'IDEMPOTENCY_KEY_REUSED')
  t.same(rowCounts(app), counts)
})

t.test('CSV statement parser: quoting, BOM, CRLF, optional reference column', async (t) => {
  const p = parseStatementCsv('\uFEFFloanId,amount,reference\r\n1,100,"a, ""b"""\r\n2,0\r\n\r\n 3 , 5 ,  \r\n')
  t.same(p.lines, [
    { loanId: 1, amount: 100, reference: 'a, "b"' },
    { loanId: 2, amount: 0, reference: null },
    { loanId: 3, amount: 5, reference: null },
  ])
  t.same(p.lineNumbers, [2, 3, 5])
  const multi = parseStatementCsv('loanId,amount,reference\n1,1,"two\nlines"\n2,2,\n')
  t.same(multi.lineNumbers, [2, 4], 'a quoted newline counts as a line')
  t.throws(() => parseStatementCsv('loanId,amount\n1,"2\n'), { code: 'VALIDATION_ERROR' })
})
