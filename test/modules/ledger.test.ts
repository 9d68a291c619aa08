/**
 * Double-entry ledger (docs/rules.md §9; docs/api.md): trial balance and journal
 * entries over HTTP, and the database guards of db/migrations/0001_ledger_guards.sql.
 *
 * The known sequence (LOAN_12M of test/helpers/origination.ts): POOR (5500 ppm/month,
 * funding source central), 12,000,000 VND, 12 months, principal every month (12 × 1,000,000),
 * transaction point A (session day 15), disbursed 2025-01-10 → instalment 1 due 2025-02-15.
 * Interest of instalment 1, period (2025-01-10, 2025-02-15] = 21 + 15 = 36 days:
 *   12,000,000 × 36 × 5500 / 30,000,000 = 2,376,000,000,000 / 30,000,000 = 79,200 (exact).
 * Instalment 1 paid exactly on its due date: 79,200 + 1,000,000 = 1,079,200.
 *
 * Journal entries (docs/rules.md §9: one balanced entry per money movement):
 *   E1 disbursement 2025-01-10: Dr loans_receivable 12,000,000 / Cr cash_at_branch 12,000,000 (§12: the branch's
 *                               cash of the loan's funding source pays it out)
 *   E2 repayment    2025-02-15: Dr cash_at_transaction_point 1,079,200
 *                               / Cr loans_receivable 1,000,000, Cr interest_income 79,200
 * Trial balance (account, central): debit, credit, balance = debit − credit
 *   cash_at_branch                     0   12,000,000   −12,000,000
 *   cash_at_transaction_point  1,079,200            0     1,079,200
 *   interest_income                    0       79,200       −79,200
 *   loans_receivable          12,000,000    1,000,000    11,000,000
 *   totals                    13,079,200   13,079,200   (balanced)
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts, type KeyName, type TestApp } from '../helpers/app.js'
import { disbursedLoan, LOAN_12M, repay } from '../helpers/origination.js'
import { assertLedgerMatchesLoans } from '../helpers/ledger.js'
import { csvKey, parseCsv } from '../../src/platform/csv.js'

interface TrialBalance {
  asOf: string
  totalDebit: number
  totalCredit: number
  balanced: boolean
  accounts: { account: string; fundingSource: string; debit: number; credit: number; balance: number }[]
}
interface Entry {
  id: number
  kind: string
  valueDate: string
  postedOn: string
  description: string
  loanTransactionId: number | null
  supportPaymentId: number | null
  reconciliationId: number | null
  lines: { account: string; fundingSource: string; debit: number; credit: number; loanId: number | null }[]
}

async function trialBalance(t: Test, ta: TestApp, asOf?: string, who: KeyName = 'finance'): Promise<TrialBalance> {
  const res = await ta.as(who, { method: 'GET', url: `/v1/ledger/trial-balance${asOf ? `?asOf=${asOf}` : ''}` })
  t.equal(res.statusCode, 200, `GET trial-balance${asOf ? ` asOf ${asOf}` : ''} → 200`, {
    diagnostic: res.statusCode !== 200,
    body: res.body,
  })
  return res.json()
}

async function entries(t: Test, ta: TestApp, query = ''): Promise<{ items: Entry[]; nextCursor: string | null }> {
  const res = await ta.as('finance', { method: 'GET', url: `/v1/ledger/entries${query ? `?${query}` : ''}` })
  t.equal(res.statusCode, 200, `GET entries?${query} → 200`, { diagnostic: res.statusCode !== 200, body: res.body })
  return res.json()
}

/** The known sequence on a fresh app: disbursement E1 and the exact first instalment E2. */
async function knownSequence(t: Test) {
  const ta = await buildTestApp(t)
  const loan = await disbursedLoan(ta, LOAN_12M)
  const res = await repay(ta, loan.loanId, 1_079_200, '2025-02-15')
  t.equal(res.statusCode, 201, 'repayment of instalment 1 → 201', {
    diagnostic: res.statusCode !== 201,
    body: res.body,
  })
  t.same(
    res.json().allocation,
    { overdueInterest: 0, overduePrincipal: 0, interest: 79_200, principal: 1_000_000, prepaid: 0 },
    'allocation: interest 79,200, principal 1,000,000',
  )
  return {
    ta,
    loanId: loan.loanId,
    disbursementTx: loan.transactionId,
    repaymentTx: res.json().transactionId as number,
  }
}

const AFTER_REPAYMENT = [
  { account: 'cash_at_branch', fundingSource: 'central', debit: 0, credit: 12_000_000, balance: -12_000_000 },
  { account: 'cash_at_transaction_point', fundingSource: 'central', debit: 1_079_200, credit: 0, balance: 1_079_200 },
  { account: 'interest_income', fundingSource: 'central', debit: 0, credit: 79_200, balance: -79_200 },
  { account: 'loans_receivable', fundingSource: 'central', debit: 12_000_000, credit: 1_000_000, balance: 11_000_000 },
]

t.test(
  '§9 trial balance after a known sequence equals the hand-computed figures (disbursement + exact first ' +
    'instalment)',
  async (t) => {
    const { ta } = await knownSequence(t)
    const tb = await trialBalance(t, ta) // asOf defaults to the business date 2026-06-30
    t.equal(tb.asOf, '2026-06-30', 'asOf defaults to the business date')
    t.same(tb.accounts, AFTER_REPAYMENT, 'per account: debits, credits, balance (see the header)')
    // Σ debit = 0 + 1,079,200 + 0 + 12,000,000 = 13,079,200; Σ credit = 12,000,000 + 0 + 79,200 + 1,000,000.
    t.equal(tb.totalDebit, 13_079_200)
    t.equal(tb.totalCredit, 13_079_200)
    t.equal(tb.balanced, true, 'Σ debit = Σ credit')
    // Σ balance = −12,000,000 + 1,079,200 − 79,200 + 11,000,000 = 0.
    t.equal(
      tb.accounts.reduce((a, r) => a + r.balance, 0),
      0,
      'the balances sum to zero',
    )
    assertLedgerMatchesLoans(t, ta.app)
  },
)

t.test(
  '§9 trial balance asOf a value date before the repayment shows only the disbursement; before it, nothing',
  async (t) => {
    const { ta } = await knownSequence(t)
    // asOf 2025-02-14 (the day before the repayment's value date): only E1.
    const before = await trialBalance(t, ta, '2025-02-14')
    t.same(before, {
      asOf: '2025-02-14',
      totalDebit: 12_000_000,
      totalCredit: 12_000_000,
      balanced: true,
      accounts: [
        { account: 'cash_at_branch', fundingSource: 'central', debit: 0, credit: 12_000_000, balance: -12_000_000 },
        { account: 'loans_receivable', fundingSource: 'central', debit: 12_000_000, credit: 0, balance: 12_000_000 },
      ],
    })
    // asOf the repayment's value date 2025-02-15: inclusive, the full sequence.
    const on = await trialBalance(t, ta, '2025-02-15')
    t.same(on.accounts, AFTER_REPAYMENT, 'value date ≤ asOf is inclusive')
    // asOf 2025-01-09, the day before the disbursement: no entry at all.
    t.same(await trialBalance(t, ta, '2025-01-09'), {
      asOf: '2025-01-09',
      totalDebit: 0,
      totalCredit: 0,
      balanced: true,
      accounts: [],
    })
  },
)

t.test(
  '§9 corrections are new entries: reversing the repayment posts the opposite entry and leaves the first untouched',
  async (t) => {
    const { ta, loanId, repaymentTx } = await knownSequence(t)
    const original = ta.app.sqlite
      .prepare(
        'SELECT * FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE ' +
          'loan_transaction_id = ?) ORDER BY id',
      )
      .all(repaymentTx)
    const res = await ta.as('officerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/transactions/${repaymentTx}/reverse`,
      payload: { reason: 'posted to the wrong loan' },
    })
    t.equal(res.statusCode, 201, 'reversal → 201', { diagnostic: res.statusCode !== 201, body: res.body })
    const reversalTx = res.json().transactionId as number
    t.same(
      ta.app.sqlite
        .prepare(
          'SELECT * FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE ' +
            'loan_transaction_id = ?) ORDER BY id',
        )
        .all(repaymentTx),
      original,
      'the repayment entry is unchanged',
    )
    // E3 reversal (value date of the reversed repayment, 2025-02-15): the exact opposite of E2.
    const e3 = ta.app.sqlite
      .prepare(
        'SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries ' +
          'WHERE loan_transaction_id = ?) ORDER BY account',
      )
      .all(reversalTx)
    t.same(e3, [
      { account: 'cash_at_transaction_point', debit: 0, credit: 1_079_200 },
      { account: 'interest_income', debit: 79_200, credit: 0 },
      { account: 'loans_receivable', debit: 1_000_000, credit: 0 },
    ])
    // Trial balance: E1 + E2 + E3.
    //   branch cash   debit 0          credit 12,000,000                           balance −12,000,000
    //   point cash    debit 1,079,200  credit 1,079,200                            balance 0
    //   interest      debit 79,200     credit 79,200                               balance 0
    //   receivable    debit 12,000,000 + 1,000,000 = 13,000,000  credit 1,000,000   balance 12,000,000
    //   totals        1,079,200 + 79,200 + 13,000,000 = 14,158,400 on each side
    const tb = await trialBalance(t, ta)
    t.same(tb, {
      asOf: '2026-06-30',
      totalDebit: 14_158_400,
      totalCredit: 14_158_400,
      balanced: true,
      accounts: [
        { account: 'cash_at_branch', fundingSource: 'central', debit: 0, credit: 12_000_000, balance: -12_000_000 },
        {
          account: 'cash_at_transaction_point',
          fundingSource: 'central',
          debit: 1_079_200,
          credit: 1_079_200,
          balance: 0,
        },
        { account: 'interest_income', fundingSource: 'central', debit: 79_200, credit: 79_200, balance: 0 },
        {
          account: 'loans_receivable',
          fundingSource: 'central',
          debit: 13_000_000,
          credit: 1_000_000,
          balance: 12_000_000,
        },
      ],
    })
    assertLedgerMatchesLoans(t, ta.app)
  },
)

t.test(
  '§9 GET /v1/ledger/entries lists balanced entries with their lines; filters by from/to and loanId; cursor ' +
    'pagination',
  async (t) => {
    const { ta, loanId, disbursementTx, repaymentTx } = await knownSequence(t)
    // A second loan, disbursed 2025-03-10 (same terms): E3 Dr loans_receivable 12,000,000 / Cr cash 12,000,000.
    const other = await disbursedLoan(ta, { ...LOAN_12M, valueDate: '2025-03-10' })

    const all = await entries(t, ta)
    t.equal(all.items.length, 3, 'three entries: two disbursements, one repayment')
    t.equal(all.nextCursor, null)
    t.same(
      all.items.map((e) => e.id),
      [...all.items.map((e) => e.id)].sort((a, b) => a - b),
      'in id order',
    )
    for (const e of all.items) {
      const d = e.lines.reduce((a, l) => a + l.debit, 0)
      const c = e.lines.reduce((a, l) => a + l.credit, 0)
      t.ok(e.lines.length >= 2 && d === c && d > 0, `entry ${e.id} (${e.kind}) balances: Σ debit ${d} = Σ credit ${c}`)
      t.ok(
        e.lines.every((l) => l.debit > 0 !== l.credit > 0),
        `entry ${e.id}: every line one-sided`,
      )
    }
    const [e1, e2, e3] = all.items
    t.match(e1, {
      kind: 'disbursement',
      valueDate: '2025-01-10',
      loanTransactionId: disbursementTx,
      supportPaymentId: null,
      reconciliationId: null,
    })
    t.same(
      [...e1!.lines].sort((a, b) => a.account.localeCompare(b.account)),
      [
        { account: 'cash_at_branch', fundingSource: 'central', debit: 0, credit: 12_000_000, loanId },
        { account: 'loans_receivable', fundingSource: 'central', debit: 12_000_000, credit: 0, loanId },
      ],
      'E1 lines',
    )
    t.match(e2, { kind: 'repayment', valueDate: '2025-02-15', loanTransactionId: repaymentTx })
    t.same(
      [...e2!.lines].sort((a, b) => a.account.localeCompare(b.account)),
      [
        { account: 'cash_at_transaction_point', fundingSource: 'central', debit: 1_079_200, credit: 0, loanId },
        { account: 'interest_income', fundingSource: 'central', debit: 0, credit: 79_200, loanId },
        { account: 'loans_receivable', fundingSource: 'central', debit: 0, credit: 1_000_000, loanId },
      ],
      'E2 lines',
    )
    t.match(e3, { kind: 'disbursement', valueDate: '2025-03-10', loanTransactionId: other.transactionId })

    // from/to are inclusive value dates.
    t.same(
      (await entries(t, ta, 'from=2025-02-01')).items.map((e) => e.id),
      [e2!.id, e3!.id],
      'from=2025-02-01 → E2, E3',
    )
    t.same(
      (await entries(t, ta, 'to=2025-02-14')).items.map((e) => e.id),
      [e1!.id],
      'to=2025-02-14 → E1',
    )
    t.same(
      (await entries(t, ta, 'from=2025-02-15&to=2025-02-15')).items.map((e) => e.id),
      [e2!.id],
      'from = to = 2025-02-15 → E2',
    )
    t.same((await entries(t, ta, 'from=2025-03-11')).items, [], 'after every value date → none')
    // loanId: the entries with a line of that loan.
    t.same(
      (await entries(t, ta, `loanId=${loanId}`)).items.map((e) => e.id),
      [e1!.id, e2!.id],
      'loanId of the first loan → E1, E2',
    )
    t.same(
      (await entries(t, ta, `loanId=${other.loanId}`)).items.map((e) => e.id),
      [e3!.id],
      'loanId of the second loan → E3',
    )
    t.same(
      (await entries(t, ta, `loanId=${loanId}&from=2025-02-01`)).items.map((e) => e.id),
      [e2!.id],
      'loanId and from combine',
    )
    // Pagination: limit 2 then the cursor.
    const page1 = await entries(t, ta, 'limit=2')
    t.same(
      page1.items.map((e) => e.id),
      [e1!.id, e2!.id],
    )
    t.ok(page1.nextCursor, 'a next cursor')
    const page2 = await entries(t, ta, `limit=2&cursor=${page1.nextCursor}`)
    t.same(
      page2.items.map((e) => e.id),
      [e3!.id],
    )
    t.equal(page2.nextCursor, null)
  },
)

t.test('§9 the trial balance as CSV (Accept: text/csv) parses back to the same numbers as the JSON', async (t) => {
  const { ta } = await knownSequence(t)
  const json = await trialBalance(t, ta)
  const res = await ta.as('finance', {
    method: 'GET',
    url: '/v1/ledger/trial-balance',
    headers: { accept: 'text/csv' },
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/csv/)
  t.match(res.headers['content-disposition'], /trial-balance-2026-06-30\.csv/)
  t.ok(
    res.body.startsWith('\uFEFFTài khoản (account),'),
    'UTF-8 BOM, then Vietnamese headings with the key in brackets',
  )
  const [header, ...rows] = parseCsv(res.body)
  t.same(header!.map(csvKey), ['account', 'fundingSource', 'debit', 'credit', 'balance'])
  const parsed = rows.map(([account, fundingSource, debit, credit, balance]) => ({
    account,
    fundingSource,
    debit: Number(debit),
    credit: Number(credit),
    balance: Number(balance),
  }))
  t.same(parsed, json.accounts, 'every row: the same account, debit, credit and balance')
  t.same(parsed, AFTER_REPAYMENT, 'and the hand-computed figures')
  t.ok(res.body.includes(',-12000000\r\n'), 'a negative balance stays a plain number (not neutralised as a formula)')
  t.equal(
    parsed.reduce((a, r) => a + r.debit, 0),
    json.totalDebit,
    'Σ debit of the CSV = totalDebit',
  )
  t.equal(
    parsed.reduce((a, r) => a + r.credit, 0),
    json.totalCredit,
    'Σ credit of the CSV = totalCredit',
  )
  // asOf carries over to the CSV.
  const early = await ta.as('finance', {
    method: 'GET',
    url: '/v1/ledger/trial-balance?asOf=2025-02-14',
    headers: { accept: 'text/csv' },
  })
  t.same(parseCsv(early.body).slice(1), [
    ['cash_at_branch', 'central', '0', '12000000', '-12000000'],
    ['loans_receivable', 'central', '12000000', '0', '12000000'],
  ])
})

t.test(
  '§9 an unbalanced entry is refused by the database (trigger LEDGER_UNBALANCED); nothing remains after the ' +
    'rollback',
  async (t) => {
    const { ta } = await knownSequence(t)
    const sqlite = ta.app.sqlite
    const before = rowCounts(ta.app)
    const id = (sqlite.prepare('SELECT MAX(id) FROM journal_entries').pluck().get() as number) + 100
    const line = sqlite.prepare(
      'INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id) VALUES (?, ?, ' +
        '?, ?, ?, NULL)',
    )
    const header =
      sqlite.prepare(`INSERT INTO journal_entries (id, kind, value_date, posted_on, loan_transaction_id, support_payment_id,
        reconciliation_id, description)
    VALUES (?, 'manual', '2026-06-30', '2026-06-30', NULL, NULL, NULL, 'raw SQL test')`)
    const post = (lines: [string, number, number][]) =>
      sqlite.transaction(() => {
        for (const [account, debit, credit] of lines) line.run(id, account, 'central', debit, credit)
        header.run(id)
      })()

    // Lines first (debit 100,000 ≠ credit 99,999), then the header → the trigger aborts; the transaction rolls
    // back.
    t.throws(
      () =>
        post([
          ['cash_at_transaction_point', 100_000, 0],
          ['suspense', 0, 99_999],
        ]),
      { message: 'LEDGER_UNBALANCED' },
      'debit 100,000 ≠ credit 99,999 → LEDGER_UNBALANCED',
    )
    t.equal(
      sqlite.prepare('SELECT COUNT(*) FROM journal_lines WHERE entry_id = ?').pluck().get(id),
      0,
      'no line of the refused entry remains',
    )
    t.equal(sqlite.prepare('SELECT COUNT(*) FROM journal_entries WHERE id = ?').pluck().get(id), 0, 'no header')
    // A header with no lines at all, or with a single line, is refused too (fewer than two lines).
    t.throws(() => post([]), { message: 'LEDGER_UNBALANCED' }, 'a header without lines → LEDGER_UNBALANCED')
    t.throws(
      () => post([['cash_at_transaction_point', 5, 0]]),
      { message: 'LEDGER_UNBALANCED' },
      'one line → LEDGER_UNBALANCED',
    )
    // Line shape: negative, two-sided or empty lines are refused as they are inserted.
    t.throws(
      () =>
        post([
          ['cash_at_transaction_point', -5, 0],
          ['suspense', 0, -5],
        ]),
      { message: 'LEDGER_LINE_INVALID' },
      'a negative amount → LEDGER_LINE_INVALID',
    )
    t.throws(
      () =>
        post([
          ['cash_at_transaction_point', 5, 5],
          ['suspense', 5, 5],
        ]),
      { message: 'LEDGER_LINE_INVALID' },
      'a two-sided line → LEDGER_LINE_INVALID',
    )
    t.throws(
      () =>
        post([
          ['cash_at_transaction_point', 0, 0],
          ['suspense', 0, 0],
        ]),
      { message: 'LEDGER_LINE_INVALID' },
      'an empty line → LEDGER_LINE_INVALID',
    )

    // Control: the same statements with balanced lines are accepted (then rolled back on purpose),
    // so the refusals above are about the balance, not about the raw SQL.
    const rolledBack = new Error('roll back on purpose')
    t.throws(
      () =>
        sqlite.transaction(() => {
          line.run(id, 'cash_at_transaction_point', 'central', 100_000, 0)
          line.run(id, 'suspense', 'central', 0, 100_000)
          header.run(id)
          t.equal(
            sqlite.prepare('SELECT COUNT(*) FROM journal_entries WHERE id = ?').pluck().get(id),
            1,
            'a balanced entry is accepted',
          )
          throw rolledBack
        })(),
      rolledBack,
    )
    t.same(rowCounts(ta.app), before, 'nothing remains of any attempt')
  },
)

t.test(
  '§9 entries are never edited: a line cannot be added to an existing entry (LEDGER_ENTRY_SEALED); ' +
    'UPDATE/DELETE → APPEND_ONLY',
  async (t) => {
    const { ta, repaymentTx } = await knownSequence(t)
    const sqlite = ta.app.sqlite
    const before = rowCounts(ta.app)
    const entryId = sqlite
      .prepare('SELECT id FROM journal_entries WHERE loan_transaction_id = ?')
      .pluck()
      .get(repaymentTx) as number
    const lineId = sqlite.prepare('SELECT MIN(id) FROM journal_lines WHERE entry_id = ?').pluck().get(entryId) as number
    const addLine = sqlite.prepare(
      'INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id) VALUES (?, ?, ' +
        "'central', ?, ?, NULL)",
    )
    t.throws(
      () => addLine.run(entryId, 'suspense', 1_000, 0),
      { message: 'LEDGER_ENTRY_SEALED' },
      'one more line on an existing entry → LEDGER_ENTRY_SEALED',
    )
    // Even a balanced pair added to the sealed entry is refused (the first line already fails).
    t.throws(
      () =>
        sqlite.transaction(() => {
          addLine.run(entryId, 'suspense', 1_000, 0)
          addLine.run(entryId, 'cash_at_transaction_point', 0, 1_000)
        })(),
      { message: 'LEDGER_ENTRY_SEALED' },
      'a balanced pair on an existing entry → LEDGER_ENTRY_SEALED',
    )

    const statements: [string, string, unknown][] = [
      ['UPDATE journal_lines', 'UPDATE journal_lines SET debit = debit + 1 WHERE id = ?', lineId],
      ['UPDATE journal_lines (no-op value)', 'UPDATE journal_lines SET account = account WHERE id = ?', lineId],
      ['DELETE journal_lines', 'DELETE FROM journal_lines WHERE id = ?', lineId],
      ['UPDATE journal_entries', "UPDATE journal_entries SET description = 'edited' WHERE id = ?", entryId],
      ['DELETE journal_entries', 'DELETE FROM journal_entries WHERE id = ?', entryId],
      ['UPDATE loan_transactions', 'UPDATE loan_transactions SET amount = amount + 1 WHERE id = ?', repaymentTx],
      ['DELETE loan_transactions', 'DELETE FROM loan_transactions WHERE id = ?', repaymentTx],
    ]
    for (const [what, sql, param] of statements) {
      t.throws(() => sqlite.prepare(sql).run(param), { message: 'APPEND_ONLY' }, `${what} → APPEND_ONLY`)
    }
    t.same(rowCounts(ta.app), before, 'nothing changed')
    t.same((await trialBalance(t, ta)).accounts, AFTER_REPAYMENT, 'the trial balance is as before')
  },
)

t.test(
  '§9 ledger reads are for finance, auditor and admin: 200; branch officer and partner officer: 403',
  async (t) => {
    const { ta } = await knownSequence(t)
    for (const url of ['/v1/ledger/trial-balance', '/v1/ledger/entries']) {
      for (const who of ['finance', 'auditor', 'admin'] as const) {
        const res = await ta.as(who, { method: 'GET', url })
        t.equal(res.statusCode, 200, `${who} GET ${url} → 200`)
      }
      for (const who of ['officerA', 'partnerA', 'managerA'] as const) {
        const res = await ta.as(who, { method: 'GET', url })
        t.equal(res.statusCode, 403, `${who} GET ${url} → 403`)
        t.match(res.headers['content-type'], /application\/problem\+json/)
      }
      t.equal((await ta.as(null, { method: 'GET', url })).statusCode, 401, `no key GET ${url} → 401`)
    }
    // A CSV request does not get round the check.
    t.equal(
      (await ta.as('officerA', { method: 'GET', url: '/v1/ledger/trial-balance', headers: { accept: 'text/csv' } }))
        .statusCode,
      403,
      'officerA CSV → 403',
    )
  },
)
