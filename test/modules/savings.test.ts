/**
 * Members' savings over HTTP: one account per household, deposits at the counter
 * and at collection sessions, withdrawals (above the threshold a second person approves), the
 * statement (JSON, CSV), ledger entries on savings_deposits under the central fund, the reports
 * and reconciliation. Business date 2026-06-30; threshold 2,000,000 VND (the default).
 */
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { unique } from '../helpers/origination.js'
import { loanOfMember, memberHousehold, move, openSavings } from '../helpers/savings.js'
import { expectedSavingsByHousehold } from '../../src/modules/savings/service.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import { MIGRATIONS_FOLDER } from '../../src/platform/database.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const entryLines = (entryId: number) =>
  app.sqlite
    .prepare(
      'SELECT account, funding_source AS fund, debit, credit FROM journal_lines WHERE entry_id = ? ORDER BY ' + 'id',
    )
    .all(entryId)
const account = async (id: number, who: 'officerA' | 'managerA' = 'officerA') =>
  (await as(who, { method: 'GET', url: `/v1/savings-accounts/${id}` })).json()

t.test(
  "when a household gets a savings account, then it is one per household, at its group's point, in the " +
    "caller's scope",
  async (t) => {
    const h = await memberHousehold(ta)
    const res = await as('partnerA', {
      method: 'POST',
      url: '/v1/savings-accounts',
      payload: { householdId: h, monthlyCommitment: 50_000 },
    })
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), {
      householdId: h,
      transactionPointId: world.pointA,
      branchId: world.branchA,
      fundingSource: 'central',
      status: 'open',
      openedOn: '2026-06-30',
      monthlyCommitment: 50_000,
      balance: 0,
      available: 0,
      headName: 'Nguyễn Văn A',
    })

    const before = rowCounts(app)
    const again = await as('officerA', { method: 'POST', url: '/v1/savings-accounts', payload: { householdId: h } })
    t.equal(again.statusCode, 409)
    t.match(again.json(), { code: 'SAVINGS_ACCOUNT_EXISTS', accountId: res.json().id })
    const outside = await as('officerB', { method: 'POST', url: '/v1/savings-accounts', payload: { householdId: h } })
    t.equal(outside.statusCode, 422)
    t.equal(outside.json().code, 'REFERENCE_NOT_FOUND', 'another branch cannot tell the household exists')
    t.equal(
      (await as('partnerA2', { method: 'POST', url: '/v1/savings-accounts', payload: { householdId: h } })).json().code,
      'REFERENCE_NOT_FOUND',
      'another partner neither',
    )
    t.equal(
      (await as('auditor', { method: 'POST', url: '/v1/savings-accounts', payload: { householdId: h } })).statusCode,
      403,
    )
    t.equal(
      (
        await as('officerA', {
          method: 'POST',
          url: '/v1/savings-accounts',
          payload: { householdId: h, colour: 'red' },
        })
      ).statusCode,
      400,
      'unknown fields refused',
    )
    t.same(rowCounts(app), before, 'nothing written')
    t.equal(
      (await as('officerB', { method: 'GET', url: `/v1/savings-accounts/${res.json().id}` })).statusCode,
      404,
      'out of scope reads 404',
    )
  },
)

t.test(
  'when savings are deposited, then the balance grows and one entry Dr cash / Cr savings_deposits (central) ' +
    'is posted; the key replays',
  async (t) => {
    const id = await openSavings(ta, await memberHousehold(ta))
    const before = rowCounts(app)
    const noKey = await move(ta, 'officerA', id, 'deposits', { amount: 100_000, valueDate: '2026-06-30' }, null)
    t.equal(noKey.statusCode, 400)
    t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
    t.equal(
      (await move(ta, 'officerA', id, 'deposits', { amount: 100_000, valueDate: '2026-07-01' })).json().code,
      'DATE_IN_FUTURE',
    )
    t.equal(
      (await move(ta, 'officerA', id, 'deposits', { amount: 0, valueDate: '2026-06-30' })).statusCode,
      400,
      'amount must be > 0',
    )
    t.equal(
      (await move(ta, 'officerA', id, 'deposits', { amount: 1.5, valueDate: '2026-06-30' })).statusCode,
      400,
      'no fractions of a VND',
    )
    t.equal(
      (await move(ta, 'partnerA', id, 'deposits', { amount: 100_000, valueDate: '2026-06-30' })).statusCode,
      403,
      'partner officers do not take cash',
    )
    t.equal((await move(ta, 'officerB', id, 'deposits', { amount: 100_000, valueDate: '2026-06-30' })).statusCode, 404)
    t.same(rowCounts(app), before, 'refused deposits write nothing')

    const key = unique('dep')
    const res = await move(
      ta,
      'officerA',
      id,
      'deposits',
      { amount: 100_000, valueDate: '2026-06-20', reference: 'BL-1' },
      key,
    )
    t.equal(res.statusCode, 201, res.body)
    const body = res.json()
    t.match(body.transaction, {
      accountId: id,
      kind: 'deposit',
      amount: 100_000,
      valueDate: '2026-06-20',
      postedOn: '2026-06-30',
      reference: 'BL-1',
      collectionSessionId: null,
    })
    t.equal(body.account.balance, 100_000)
    t.same(entryLines(body.transaction.journalEntryId), [
      { account: 'cash_at_transaction_point', fund: 'central', debit: 100_000, credit: 0 },
      { account: 'savings_deposits', fund: 'central', debit: 0, credit: 100_000 },
    ])
    const replay = await move(
      ta,
      'officerA',
      id,
      'deposits',
      { amount: 100_000, valueDate: '2026-06-20', reference: 'BL-1' },
      key,
    )
    t.equal(replay.headers['idempotency-replayed'], 'true')
    t.same(replay.json(), body)
    t.equal((await account(id)).balance, 100_000, 'posted once')
    t.equal(
      (await move(ta, 'officerA', id, 'deposits', { amount: 200_000, valueDate: '2026-06-20' }, key)).json().code,
      'IDEMPOTENCY_KEY_REUSED',
    )
  },
)

t.test(
  'when a withdrawal exceeds the balance (also on its back-dated value date), then 422 INSUFFICIENT_SAVINGS ' +
    'and nothing is written',
  async (t) => {
    const id = await openSavings(ta, await memberHousehold(ta))
    await move(ta, 'officerA', id, 'deposits', { amount: 300_000, valueDate: '2026-06-10' })
    await move(ta, 'officerA', id, 'deposits', { amount: 500_000, valueDate: '2026-06-25' })
    const before = rowCounts(app)
    const over = await move(ta, 'officerA', id, 'withdrawals', { amount: 800_001, valueDate: '2026-06-30' })
    t.equal(over.statusCode, 422)
    t.match(over.json(), { code: 'INSUFFICIENT_SAVINGS', available: 800_000 })
    const early = await move(ta, 'officerA', id, 'withdrawals', { amount: 400_000, valueDate: '2026-06-15' })
    t.match(early.json(), { code: 'INSUFFICIENT_SAVINGS', available: 300_000 }, 'on 06-15 only 300,000 had been saved')
    t.same(rowCounts(app), before)

    const ok = await move(ta, 'managerA', id, 'withdrawals', { amount: 800_000, valueDate: '2026-06-30' })
    t.equal(ok.statusCode, 201, ok.body)
    t.match(ok.json(), {
      withdrawal: {
        status: 'paid',
        amount: 800_000,
        proposedBy: world.userIds.managerA,
        decidedBy: world.userIds.managerA,
      },
      approvalThreshold: 2_000_000,
      account: { balance: 0 },
    })
    const txId = ok.json().withdrawal.transactionId
    const entry = app.sqlite
      .prepare('SELECT journal_entry_id FROM savings_transactions WHERE id = ?')
      .pluck()
      .get(txId) as number
    t.same(
      entryLines(entry),
      [
        { account: 'savings_deposits', fund: 'central', debit: 800_000, credit: 0 },
        { account: 'cash_at_transaction_point', fund: 'central', debit: 0, credit: 800_000 },
      ],
      'a withdrawal posts Dr savings_deposits / Cr cash',
    )
    t.equal(
      (await move(ta, 'officerA', id, 'withdrawals', { amount: 1, valueDate: '2026-06-30' })).json().code,
      'INSUFFICIENT_SAVINGS',
      'never negative',
    )
  },
)

t.test(
  'when a withdrawal is above the threshold, then it waits for a DIFFERENT approver, reserves the balance, ' +
    'and money moves only at approval',
  async (t) => {
    const id = await openSavings(ta, await memberHousehold(ta))
    await move(ta, 'officerA', id, 'deposits', { amount: 5_000_000, valueDate: '2026-06-01' })
    const ledgerBefore = app.sqlite
      .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'savings_deposits'")
      .pluck()
      .get() as number
    const res = await move(ta, 'managerA', id, 'withdrawals', {
      amount: 3_000_000,
      valueDate: '2026-06-29',
      reference: 'house repair',
    })
    t.equal(res.statusCode, 201, res.body)
    const w = res.json().withdrawal
    t.match(w, { status: 'pending_approval', transactionId: null, decidedBy: null })
    t.match(res.json().account, { balance: 5_000_000, pendingWithdrawals: 3_000_000, available: 2_000_000 })
    t.equal(
      app.sqlite
        .prepare("SELECT COALESCE(SUM(credit) - SUM(debit), 0) FROM journal_lines WHERE account = 'savings_deposits'")
        .pluck()
        .get(),
      ledgerBefore,
      'no money moved',
    )

    const before = rowCounts(app)
    const reserved = await move(ta, 'officerA', id, 'withdrawals', { amount: 2_000_001, valueDate: '2026-06-30' })
    t.match(
      reserved.json(),
      { code: 'INSUFFICIENT_SAVINGS', available: 2_000_000, reserved: 3_000_000 },
      'the pending withdrawal reserves its amount',
    )
    const approve = (who: 'managerA' | 'managerA2' | 'officerA' | 'managerB' | 'admin', key = unique('appr')) =>
      as(who, {
        method: 'POST',
        url: `/v1/savings-accounts/${id}/withdrawals/${w.id}/approve`,
        headers: { 'idempotency-key': key },
      })
    const self = await approve('managerA')
    t.equal(self.statusCode, 403)
    t.equal(self.json().code, 'FOUR_EYES', 'the proposer cannot approve')
    t.equal((await approve('officerA')).statusCode, 403, 'an officer cannot approve')
    t.equal((await approve('managerB')).statusCode, 404, 'a manager of another branch cannot see it')
    t.same(rowCounts(app), before, 'refusals write nothing')

    const ok = await approve('managerA2')
    t.equal(ok.statusCode, 200, ok.body)
    t.match(ok.json(), {
      withdrawal: { status: 'paid', decidedBy: world.userIds.managerA2, decidedOn: '2026-06-30' },
      account: { balance: 2_000_000, pendingWithdrawals: 0, available: 2_000_000 },
    })
    const tx = app.sqlite
      .prepare(
        'SELECT kind, amount, value_date AS valueDate, withdrawal_id AS withdrawalId FROM ' +
          'savings_transactions WHERE id = ?',
      )
      .get(ok.json().withdrawal.transactionId)
    t.same(
      tx,
      { kind: 'withdrawal', amount: 3_000_000, valueDate: '2026-06-30', withdrawalId: w.id },
      "paid with the approval's business date",
    )
    const again = await approve('admin')
    t.equal(again.statusCode, 409)
    t.equal(again.json().code, 'INVALID_STATE')
  },
)

t.test('when a pending withdrawal is rejected, then its reservation is released and nothing is paid', async (t) => {
  const id = await openSavings(ta, await memberHousehold(ta))
  await move(ta, 'officerA', id, 'deposits', { amount: 2_500_000, valueDate: '2026-06-01' })
  const w = (await move(ta, 'officerA', id, 'withdrawals', { amount: 2_500_000, valueDate: '2026-06-30' })).json()
    .withdrawal
  t.equal(w.status, 'pending_approval')
  const url = `/v1/savings-accounts/${id}/withdrawals/${w.id}/reject`
  t.equal(
    (await as('managerA', { method: 'POST', url, headers: { 'idempotency-key': unique('rej') }, payload: {} }))
      .statusCode,
    400,
    'a reason is required',
  )
  const res = await as('managerA', {
    method: 'POST',
    url,
    headers: { 'idempotency-key': unique('rej') },
    payload: { reason: 'member withdrew the request' },
  })
  t.equal(res.statusCode, 200, res.body)
  t.match(res.json(), {
    withdrawal: { status: 'rejected', rejectionReason: 'member withdrew the request', transactionId: null },
    account: { balance: 2_500_000, available: 2_500_000 },
  })
  const list = await as('auditor', { method: 'GET', url: `/v1/savings-accounts/${id}/withdrawals?status=rejected` })
  t.equal(list.json().items.length, 1)
})

t.test(
  'when the threshold setting changes, then it decides which withdrawals need approval (admin only)',
  async (t) => {
    t.equal(
      (await as('officerA', { method: 'GET', url: '/v1/savings-accounts/settings' })).json()
        .withdrawalApprovalThreshold,
      2_000_000,
      'default 2,000,000 VND',
    )
    t.equal(
      (
        await as('managerA', {
          method: 'PUT',
          url: '/v1/savings-accounts/settings',
          payload: { withdrawalApprovalThreshold: 100 },
        })
      ).statusCode,
      403,
    )
    const set = await as('admin', {
      method: 'PUT',
      url: '/v1/savings-accounts/settings',
      payload: { withdrawalApprovalThreshold: 100_000 },
    })
    t.equal(set.statusCode, 200, set.body)
    const id = await openSavings(ta, await memberHousehold(ta))
    await move(ta, 'officerA', id, 'deposits', { amount: 500_000, valueDate: '2026-06-01' })
    t.equal(
      (await move(ta, 'officerA', id, 'withdrawals', { amount: 100_000, valueDate: '2026-06-30' })).json().withdrawal
        .status,
      'paid',
      'at the threshold: paid at once',
    )
    t.equal(
      (await move(ta, 'officerA', id, 'withdrawals', { amount: 100_001, valueDate: '2026-06-30' })).json().withdrawal
        .status,
      'pending_approval',
      'above it: waits',
    )
    await as('admin', {
      method: 'PUT',
      url: '/v1/savings-accounts/settings',
      payload: { withdrawalApprovalThreshold: 2_000_000 },
    })
  },
)

t.test(
  'when the statement is read, then it shows opening balance, each movement with its running balance and ' +
    'the closing balance (JSON and CSV)',
  async (t) => {
    const h = await memberHousehold(ta)
    const id = await openSavings(ta, h)
    await move(ta, 'officerA', id, 'deposits', { amount: 100_000, valueDate: '2026-05-15' })
    await move(ta, 'officerA', id, 'deposits', { amount: 50_000, valueDate: '2026-06-15' })
    await move(ta, 'officerA', id, 'withdrawals', { amount: 30_000, valueDate: '2026-06-20' })
    const res = await as('auditor', {
      method: 'GET',
      url: `/v1/savings-accounts/${id}/statement?from=2026-06-01&to=2026-06-30`,
    })
    t.equal(res.statusCode, 200, res.body)
    const s = res.json()
    t.match(s, {
      accountId: id,
      householdId: h,
      openingBalance: 100_000,
      totalDeposits: 50_000,
      totalWithdrawals: 30_000,
      closingBalance: 120_000,
    })
    t.same(
      s.lines.map((l: { deposit: number; withdrawal: number; balance: number }) => [
        l.deposit,
        l.withdrawal,
        l.balance,
      ]),
      [
        [50_000, 0, 150_000],
        [0, 30_000, 120_000],
      ],
    )
    t.equal(s.lines[0].description, 'Gửi tiết kiệm tại quầy')

    const csv = await as('officerA', {
      method: 'GET',
      url: `/v1/savings-accounts/${id}/statement?from=2026-06-01&to=2026-06-30`,
      headers: { accept: 'text/csv' },
    })
    t.equal(csv.statusCode, 200)
    t.match(csv.headers['content-type'], /text\/csv/)
    t.ok(csv.body.startsWith('\uFEFF'), 'UTF-8 BOM so Excel reads Vietnamese')
    const rows = csv.body.slice(1).trim().split('\r\n')
    t.equal(rows[0], 'Ngày,Diễn giải,Gửi,Rút,Số dư,Tham chiếu', 'Vietnamese headers')
    t.equal(rows[1], '2026-06-01,Số dư đầu kỳ,,,100000,')
    t.equal(rows[rows.length - 1], '2026-06-30,Số dư cuối kỳ,50000,30000,120000,', 'amounts stay plain integers')
    t.equal(
      (
        await as('officerA', {
          method: 'GET',
          url: `/v1/savings-accounts/${id}/statement?from=2026-07-01&to=2026-06-30`,
        })
      ).statusCode,
      400,
      'from after to',
    )
  },
)

t.test(
  'when the monthly commitment is set, then the collection sheet\'s "savings expected" reads it (0 without ' +
    'an open account)',
  async (t) => {
    const h = await memberHousehold(ta)
    const other = await memberHousehold(ta)
    const id = await openSavings(ta, h)
    const res = await as('partnerA', {
      method: 'POST',
      url: `/v1/savings-accounts/${id}/commitment`,
      payload: { monthlyCommitment: 70_000 },
    })
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().monthlyCommitment, 70_000)
    t.equal(
      (
        await as('partnerB', {
          method: 'POST',
          url: `/v1/savings-accounts/${id}/commitment`,
          payload: { monthlyCommitment: 1 },
        })
      ).statusCode,
      404,
    )
    t.same(
      [...expectedSavingsByHousehold(app.sqlite, [h, other])],
      [
        [h, 70_000],
        [other, 0],
      ],
    )
    t.same([...expectedSavingsByHousehold(app.sqlite, [])], [])
  },
)

t.test(
  "when a collection session hands in savings, then the household's account is opened if missing and " +
    'credited once, with one journal entry',
  async (t) => {
    const { householdId, loanId } = await loanOfMember(ta)
    const entriesBefore = app.sqlite
      .prepare("SELECT COUNT(*) FROM journal_entries WHERE kind = 'savings_deposit'")
      .pluck()
      .get() as number
    const res = await as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: world.pointA,
        groupId: world.groupA,
        sessionDate: '2026-06-30',
        lines: [{ loanId, interest: 0, principal: 0, savings: 40_000 }],
      },
    })
    t.equal(res.statusCode, 201, res.body)
    const sessionId = res.json().id
    const list = await as('officerA', { method: 'GET', url: `/v1/savings-accounts?householdId=${householdId}` })
    t.equal(list.json().items.length, 1, 'account opened by the session')
    const acc = list.json().items[0]
    t.match(acc, { householdId, balance: 40_000, transactionPointId: world.pointA, nationalId: /^\d{12}$/ })
    const tx = app.sqlite
      .prepare(
        'SELECT kind, amount, collection_session_id AS sessionId, journal_entry_id AS entryId FROM ' +
          'savings_transactions WHERE account_id = ?',
      )
      .all(acc.id) as { kind: string; amount: number; sessionId: number; entryId: number }[]
    t.equal(tx.length, 1)
    t.match(tx[0], { kind: 'deposit', amount: 40_000, sessionId })
    t.equal(
      app.sqlite.prepare("SELECT COUNT(*) FROM journal_entries WHERE kind = 'savings_deposit'").pluck().get(),
      entriesBefore + 1,
      'one entry, not two',
    )
    t.same(
      entryLines(tx[0]!.entryId).map((l) => (l as { fund: string }).fund),
      ['central', 'central'],
      'held under the central fund',
    )
    const statement = (await as('officerA', { method: 'GET', url: `/v1/savings-accounts/${acc.id}/statement` })).json()
    t.equal(statement.lines[0].description, `Gửi tiết kiệm tại buổi giao dịch ${sessionId}`)

    // A second session: the same account is credited.
    await as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: world.pointA,
        groupId: world.groupA,
        sessionDate: '2026-06-30',
        lines: [{ loanId, interest: 0, principal: 0, savings: 10_000 }],
      },
    })
    t.equal((await account(acc.id)).balance, 50_000)
    t.equal(
      app.sqlite.prepare('SELECT COUNT(*) FROM savings_accounts WHERE household_id = ?').pluck().get(householdId),
      1,
    )
  },
)

t.test(
  'when savings move at a point, then the reconciliation shows them and a closed day refuses them; reports ' +
    'include them',
  async (t) => {
    // Point B (branch B) has no other savings in this file, so its figures are exact.
    const h = await memberHousehold(ta, 'groupB')
    const id = await openSavings(ta, h, 'officerB', 30_000)
    await move(ta, 'officerB', id, 'deposits', { amount: 600_000, valueDate: '2026-06-25' })
    await move(ta, 'officerB', id, 'withdrawals', { amount: 100_000, valueDate: '2026-06-25' })
    await move(ta, 'officerB', id, 'deposits', { amount: 70_000, valueDate: '2026-06-28' })

    const rec = await as('finance', {
      method: 'POST',
      url: '/v1/reconciliations',
      payload: { transactionPointId: world.pointB, date: '2026-06-25', lines: [] },
    })
    t.equal(rec.statusCode, 201, rec.body)
    t.same(rec.json().savings, { deposits: 600_000, withdrawals: 100_000, net: 500_000 })
    t.equal(
      (await as('finance', { method: 'POST', url: `/v1/reconciliations/${rec.json().id}/close` })).statusCode,
      200,
    )
    const before = rowCounts(app)
    const closed = await move(ta, 'officerB', id, 'deposits', { amount: 1_000, valueDate: '2026-06-25' })
    t.equal(closed.statusCode, 409)
    t.equal(closed.json().code, 'RECONCILIATION_CLOSED')
    t.equal(
      (await move(ta, 'officerB', id, 'withdrawals', { amount: 1_000, valueDate: '2026-06-25' })).json().code,
      'RECONCILIATION_CLOSED',
    )
    t.same(rowCounts(app), before)

    const report = await as('officerB', { method: 'GET', url: '/v1/reports/savings?asOf=2026-06-30' })
    t.equal(report.statusCode, 200, report.body)
    t.same(report.json().items, [
      {
        branchId: world.branchB,
        transactionPointId: world.pointB,
        transactionPoint: 'Point B',
        accounts: 1,
        deposits: 670_000,
        withdrawals: 100_000,
        balance: 570_000,
        monthlyCommitment: 30_000,
      },
    ])
    t.equal(
      (await as('officerB', { method: 'GET', url: '/v1/reports/savings?asOf=2026-06-26' })).json().totals.balance,
      500_000,
      'as of a date',
    )
    const all = (await as('finance', { method: 'GET', url: '/v1/reports/savings' })).json()
    const sumOfAccounts = app.sqlite
      .prepare(
        "SELECT COALESCE(SUM(CASE kind WHEN 'deposit' THEN amount ELSE -amount END), 0) FROM savings_transactions",
      )
      .pluck()
      .get()
    t.equal(all.totals.balance, sumOfAccounts, 'the report total equals Σ account balances')
    const csv = await as('finance', { method: 'GET', url: '/v1/reports/savings?asOf=2026-06-30&format=csv' })
    t.ok(
      csv.body.startsWith(
        '\uFEFFChi nhánh,Mã điểm giao dịch,Điểm giao dịch,Số tài khoản,Tổng gửi,Tổng rút,Số dư,Cam kết hằng ' +
          'tháng\r\n',
      ),
    )

    const collections = (
      await as('officerB', { method: 'GET', url: '/v1/reports/collections?from=2026-06-01&to=2026-06-30' })
    ).json()
    t.match(
      collections.items.find((i: { transactionPointId: number }) => i.transactionPointId === world.pointB),
      { savings: 670_000, savingsWithdrawn: 100_000 },
      'counter savings count like session savings',
    )
  },
)

t.test(
  'when anyone tries to change or delete a savings movement, then the database refuses (append-only)',
  async (t) => {
    const id = await openSavings(ta, await memberHousehold(ta))
    await move(ta, 'officerA', id, 'deposits', { amount: 10_000, valueDate: '2026-06-30' })
    t.throws(
      () => app.sqlite.prepare('UPDATE savings_transactions SET amount = 1 WHERE account_id = ?').run(id),
      /APPEND_ONLY/,
    )
    t.throws(() => app.sqlite.prepare('DELETE FROM savings_transactions WHERE account_id = ?').run(id), /APPEND_ONLY/)
  },
)

t.test(
  'when a savings movement has no journal entry, or the liability drifts, then the invariant verifier names it',
  async (t) => {
    const other = await buildTestApp(t)
    const h = await memberHousehold(other)
    const id = await openSavings(other, h)
    await move(other, 'officerA', id, 'deposits', { amount: 10_000, valueDate: '2026-06-30' })
    t.ok(verifyInvariants(other.app.sqlite).ok)
    other.app.sqlite
      .prepare(
        'INSERT INTO savings_transactions (account_id, kind, amount, value_date, posted_on, ' +
          "transaction_point_id, created_by) VALUES (?, 'deposit', 5000, '2026-06-30', '2026-06-30', ?, 0)",
      )
      .run(id, other.world.pointA)
    const result = verifyInvariants(other.app.sqlite)
    t.match(
      result.failures.map((f) => f.invariant),
      ['savings_liability', 'one_entry_per_savings_transaction'],
    )
    await other.app.close()
  },
)

t.test(
  'when migration 0009 runs on a database with session savings, then accounts are created, deposits copied ' +
    'and linked, and local-budget savings moved to central',
  async (t) => {
    const db = new Database(':memory:')
    db.pragma('foreign_keys = OFF') // legacy rows name loans this fixture does not create
    const files = readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')
    const tags = (JSON.parse(files) as { entries: { tag: string }[] }).entries.map((e) => e.tag)
    const run = (tag: string) => {
      for (const sql of readFileSync(join(MIGRATIONS_FOLDER, `${tag}.sql`), 'utf8').split('--> statement-breakpoint'))
        if (sql.trim()) db.exec(sql)
    }
    for (const tag of tags.slice(0, tags.indexOf('0009_savings_accounts'))) run(tag)
    db.exec(`INSERT INTO business_date (id, date, updated_at) VALUES (1, '2026-03-31', 'x');
    INSERT INTO branches (id, code, name, province) VALUES (1, 'B', 'B', 'P');
    INSERT INTO transaction_points (id, code, name, branch_id, commune, session_day) VALUES (1, 'T', 'T',
      1, 'C', 15);
    INSERT INTO partners (id, code, name, kind, branch_id) VALUES (1, 'P', 'P', 'womens_union', 1);
    INSERT INTO groups (id, code, name, partner_id, transaction_point_id, village) VALUES (1, 'G', 'G', 1,
      1, 'V');
    INSERT INTO households (id, national_id, head_name, group_id, area, commune, village, address) VALUES
      (1, '000000000001', 'A', 1, 'rural', 'C', 'V', 'x'), (2, '000000000002', 'B', 1, 'rural', 'C', 'V',
      'x');
    INSERT INTO collection_sessions (id, transaction_point_id, group_id, session_date, line_count, total_interest,
      total_principal, total_savings, created_by) VALUES (7, 1, 1, '2026-03-15', 2, 0, 0, 80000, 3);`)
    const legacy = (entry: number, loanId: number, household: number, amount: number, fund: string) => {
      db.prepare(
        'INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit) VALUES (?, ?, ?, ?, ' +
          '0), (?, ?, ?, 0, ?)',
      ).run(entry, 'cash_at_transaction_point', fund, amount, entry, 'savings_deposits', fund, amount)
      db.prepare(
        'INSERT INTO journal_entries (id, kind, value_date, posted_on, description) VALUES (?, ' +
          "'savings_deposit', '2026-03-15', '2026-03-15', ?)",
      ).run(entry, `Savings of loan ${loanId}'s household, session 7`)
      db.prepare(
        'INSERT INTO savings_deposits (collection_session_id, loan_id, household_id, amount, value_date) ' +
          "VALUES (7, ?, ?, ?, '2026-03-15')",
      ).run(loanId, household, amount)
    }
    legacy(1, 11, 1, 50_000, 'central')
    legacy(2, 12, 2, 30_000, 'local_budget')
    run('0009_savings_accounts')
    t.same(
      db
        .prepare(
          'SELECT household_id AS h, transaction_point_id AS p, opened_on AS o, funding_source AS f FROM ' +
            'savings_accounts ORDER BY household_id',
        )
        .all(),
      [
        { h: 1, p: 1, o: '2026-03-15', f: 'central' },
        { h: 2, p: 1, o: '2026-03-15', f: 'central' },
      ],
    )
    t.same(
      db
        .prepare(
          'SELECT amount, collection_session_id AS s, journal_entry_id AS e, created_by AS by FROM ' +
            'savings_transactions ORDER BY id',
        )
        .all(),
      [
        { amount: 50_000, s: 7, e: 1, by: 3 },
        { amount: 30_000, s: 7, e: 2, by: 3 },
      ],
      'each deposit linked to the entry its session posted',
    )
    t.same(
      db
        .prepare(
          'SELECT account, funding_source AS fund, SUM(debit) - SUM(credit) AS net FROM journal_lines GROUP ' +
            'BY account, funding_source ORDER BY account, funding_source',
        )
        .all(),
      [
        { account: 'cash_at_transaction_point', fund: 'central', net: 80_000 },
        { account: 'cash_at_transaction_point', fund: 'local_budget', net: 0 },
        { account: 'savings_deposits', fund: 'central', net: -80_000 },
        { account: 'savings_deposits', fund: 'local_budget', net: 0 },
      ],
      "all members' savings (and their cash) now under central",
    )
    t.equal(db.prepare("SELECT COUNT(*) FROM journal_entries WHERE kind = 'savings_transfer'").pluck().get(), 1)
    for (const tag of tags.slice(tags.indexOf('0009_savings_accounts') + 1)) run(tag)
    const result = verifyInvariants(db)
    t.same(result.failures, [], 'the verifier accepts the migrated database')
    db.close()
  },
)

t.test(
  'when a collection session with savings runs on the writer thread, then the savings are posted there too',
  async (t) => {
    const server = await buildTestApp(t, { fileDatabase: true, writerThread: true })
    const { householdId, loanId } = await loanOfMember(server)
    const res = await server.as('officerA', {
      method: 'POST',
      url: '/v1/collection-sessions',
      headers: { 'idempotency-key': unique('session') },
      payload: {
        transactionPointId: server.world.pointA,
        groupId: server.world.groupA,
        sessionDate: '2026-06-30',
        lines: [{ loanId, interest: 0, principal: 0, savings: 40_000 }],
      },
    })
    t.equal(res.statusCode, 201, res.body)
    t.equal(
      (await server.as('officerA', { method: 'GET', url: `/v1/savings-accounts?householdId=${householdId}` })).json()
        .items[0].balance,
      40_000,
    )
  },
)
