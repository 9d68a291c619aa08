/**
 * Write-off with four eyes, its conditions, and recoveries after it (docs/rules.md §7, §9).
 *
 * The loan of most tests (test/helpers/loan-controls.ts): POOR 5500 ppm/month, overdue 130 %,
 * 12,000,000 VND, 12 × 1,000,000 monthly, session day 15, disbursed 2025-01-10.
 * Written off on 2025-03-01 with nothing paid:
 *   principal 12,000,000 (instalment 1 overdue since 2025-02-16);
 *   interest  period 1: 12,000,000 × 36 days × 5500 / 30,000,000 = 79,200
 * + period 2 so far (02-15, 03-01], 14 days, in term: 11,000,000 × 14 × 5500 / 30,000,000 = 28,233.33 → 28,233
 *           + penalty on the overdue 1,000,000: 1,000,000 × 14 × 5500 × 130 % / 30,000,000 = 3,336.67 → 3,337
 *           = 110,770.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { expectStatus, unique } from '../helpers/origination.js'
import { assertRejected } from '../helpers/problem.js'
import {
  decideWriteOff,
  disbursedLoanOf,
  OVERDUE_LOAN,
  overdueLoan,
  proposeWriteOff,
  recover,
  writeOffBody,
  writtenOffLoan,
} from '../helpers/loan-controls.js'
import { verifyInvariants } from '../../src/modules/ledger/verify.js'
import { postJournal } from '../../src/modules/ledger/journal.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const WRITTEN_OFF = { principal: 12_000_000, interest: 110_770 }
const loanOf = async (loanId: number) => (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}` })).json()
const audit = async (loanId: number) =>
  (await as('auditor', { method: 'GET', url: `/v1/audit?entity=loan&id=${loanId}&limit=100` })).json().items as {
    action: string
    userId: number
    after: Record<string, unknown>
  }[]
const loanLines = (loanId: number) =>
  Object.fromEntries(
    (
      app.sqlite
        .prepare(
          'SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? GROUP BY account',
        )
        .all(loanId) as { account: string; net: number }[]
    ).map((r) => [r.account, r.net]),
  )

t.test(
  'when a branch manager proposes a write-off, then a proposal waits for approval and the loan is unchanged',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    const journalBefore = rowCounts(app).journal_entries
    const body = writeOffBody({
      valueDate: '2025-03-01',
      cause: 'borrower_deceased',
      causeDetail: 'Người vay mất ngày 20/02/2025',
    })
    const res = await proposeWriteOff(ta, 'managerA', loanId, body)
    t.equal(res.statusCode, 201, res.body)
    t.match(res.json(), {
      loanId,
      branchId: world.branchA,
      status: 'pending_approval',
      decisionNo: body.decisionNo,
      cause: 'borrower_deceased',
      causeDetail: body.causeDetail,
      valueDate: '2025-03-01',
      writtenOff: WRITTEN_OFF,
      proposedBy: world.userIds.managerA,
      proposedOn: '2026-06-30',
      decidedBy: null,
      transactionId: null,
    })
    t.match(await loanOf(loanId), { status: 'active', classification: 'overdue', outstandingPrincipal: 12_000_000 })
    t.equal(rowCounts(app).journal_entries, journalBefore, 'no journal entry before approval')
    const listed = (
      await as('managerA2', { method: 'GET', url: '/v1/write-off-proposals?status=pending_approval' })
    ).json().items
    const queued = listed.find((p: { loanId: number }) => p.loanId === loanId)
    t.ok(queued, "in the approvers' queue")
    const borrower = app.sqlite
      .prepare(
        'SELECT h.head_name AS householdName, h.national_id AS nationalId FROM loans l JOIN households h ON ' +
          'h.id = l.household_id WHERE l.id = ?',
      )
      .get(loanId)
    t.same(
      { householdName: queued.householdName, nationalId: queued.nationalId },
      borrower,
      "with the borrower's name and citizen ID",
    )
    t.match(
      (await audit(loanId)).find((e) => e.action === 'loan.write_off_propose'),
      { userId: world.userIds.managerA, after: { cause: 'borrower_deceased', decisionNo: body.decisionNo } },
    )
    t.equal((await decideWriteOff(ta, 'managerA2', loanId, 'reject')).statusCode, 200, 'cleanup: rejected')
  },
)

t.test('when the proposer approves their own write-off, then 403 FOUR_EYES and nothing is written', async (t) => {
  const { loanId } = await overdueLoan(ta)
  t.equal((await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode, 201)
  const before = rowCounts(app)
  assertRejected(t, await decideWriteOff(ta, 'managerA', loanId, 'approve'), 403, 'FOUR_EYES')
  t.same(rowCounts(app), before, 'nothing written')
  t.match(await loanOf(loanId), { status: 'active' })
  t.equal(
    (await decideWriteOff(ta, 'managerA', loanId, 'reject', { reason: 'Rút lại đề xuất' })).statusCode,
    200,
    'the proposer may withdraw it',
  )
})

t.test(
  'when another manager of the branch approves, then the loan is written off and the principal moves to ' +
    'write_off_losses',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    const proposed = (await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).json()
    const res = await decideWriteOff(ta, 'managerA2', loanId, 'approve')
    t.equal(res.statusCode, 200, res.body)
    const body = res.json()
    t.same(body.writtenOff, WRITTEN_OFF)
    t.match(body.proposal, {
      id: proposed.id,
      status: 'approved',
      decidedBy: world.userIds.managerA2,
      decidedOn: '2026-06-30',
      transactionId: body.transactionId,
      writtenOff: WRITTEN_OFF,
    })
    t.match(body.loan, {
      status: 'written_off',
      classification: 'written_off',
      writtenOffOn: '2025-03-01',
      outstandingPrincipal: 0,
      payoffAmount: 0,
    })
    t.match(await loanOf(loanId), {
      status: 'written_off',
      writeOff: { ...WRITTEN_OFF, recovered: 0, recoverable: 12_110_770 },
    })
    const entry = app.sqlite
      .prepare(
        'SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries ' +
          'WHERE loan_transaction_id = ?) ORDER BY account',
      )
      .all(body.transactionId)
    t.same(entry, [
      { account: 'loans_receivable', debit: 0, credit: 12_000_000 },
      { account: 'write_off_losses', debit: 12_000_000, credit: 0 },
    ])
    const tx = (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` }))
      .json()
      .items.find((x: { kind: string }) => x.kind === 'write_off')
    t.match(tx.details, {
      cause: 'natural_disaster',
      proposalId: proposed.id,
      proposedBy: world.userIds.managerA,
      approvedBy: world.userIds.managerA2,
    })
    t.match(
      (await audit(loanId)).find((e) => e.action === 'loan.write_off'),
      {
        userId: world.userIds.managerA2,
        after: { writtenOff: WRITTEN_OFF, proposedBy: world.userIds.managerA, approvedBy: world.userIds.managerA2 },
      },
    )
    const history = (await as('auditor', { method: 'GET', url: `/v1/loans/${loanId}/write-off-proposals` })).json()
      .items
    t.equal(history.length, 1)
  },
)

t.test("when an admin approves a manager's proposal, then the loan is written off", async (t) => {
  const { loanId } = await overdueLoan(ta)
  t.equal((await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode, 201)
  const res = await as('admin', { method: 'POST', url: `/v1/loans/${loanId}/write-off/approve` })
  t.equal(res.statusCode, 200, `no body needed: ${res.body}`)
  t.equal(res.json().loan.status, 'written_off')
})

t.test(
  'when nothing is overdue (a performing loan), then 422 WRITE_OFF_NOT_ALLOWED NOT_OVERDUE and nothing is written',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    const before = rowCounts(app)
    // 2025-02-10: instalment 1 (due 02-15) is not yet due.
    const res = await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-02-10' }))
    const problem = assertRejected(t, res, 422, 'WRITE_OFF_NOT_ALLOWED')
    t.equal(problem.reason, 'NOT_OVERDUE')
    // A loan disbursed recently (2026-06-15; first due 2026-07-15): on the business date nothing is overdue.
    const fresh = await disbursedLoanOf(ta)
    const before2 = rowCounts(app)
    t.equal(
      assertRejected(t, await proposeWriteOff(ta, 'managerA', fresh.loanId), 422, 'WRITE_OFF_NOT_ALLOWED').reason,
      'NOT_OVERDUE',
    )
    t.same(rowCounts(app), before2, 'nothing written')
    t.ok(before.write_off_proposals === before2.write_off_proposals, 'no proposal stored')
  },
)

t.test('when the value date is the disbursement day, then 422 WRITE_OFF_NOT_ALLOWED DISBURSEMENT_DAY', async (t) => {
  // Disbursed on the business date itself, written off the same day (the case of the issue).
  const today = await disbursedLoanOf(ta, { valueDate: '2026-06-30' })
  const before = rowCounts(app)
  t.equal(
    assertRejected(t, await proposeWriteOff(ta, 'managerA', today.loanId), 422, 'WRITE_OFF_NOT_ALLOWED').reason,
    'DISBURSEMENT_DAY',
  )
  const { loanId } = await overdueLoan(ta)
  const before2 = rowCounts(app)
  t.equal(
    assertRejected(
      t,
      await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: OVERDUE_LOAN.valueDate })),
      422,
      'WRITE_OFF_NOT_ALLOWED',
    ).reason,
    'DISBURSEMENT_DAY',
  )
  t.same(rowCounts(app), before2, 'nothing written')
  t.equal(before.write_off_proposals, before2.write_off_proposals)
})

t.test('when the cause is not an objective cause of the list, then 400 VALIDATION_ERROR naming cause', async (t) => {
  const { loanId } = await overdueLoan(ta)
  const before = rowCounts(app)
  const bad = assertRejected(
    t,
    await proposeWriteOff(
      ta,
      'managerA',
      loanId,
      writeOffBody({ cause: 'bad_business_decision', valueDate: '2025-03-01' }),
    ),
    400,
    'VALIDATION_ERROR',
  )
  t.ok(
    bad.errors.some((e: { field: string }) => /cause/.test(e.field)),
    'cause is named',
  )
  assertRejected(
    t,
    await proposeWriteOff(ta, 'managerA', loanId, { cause: 'fire', valueDate: '2025-03-01' }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(rowCounts(app), before, 'nothing written')
})

t.test(
  'when a proposal is pending, then a second one is 409 DUPLICATE; after a rejection a new one is accepted',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    t.equal((await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode, 201)
    const before = rowCounts(app)
    assertRejected(
      t,
      await proposeWriteOff(ta, 'managerA2', loanId, writeOffBody({ valueDate: '2025-03-01' })),
      409,
      'DUPLICATE',
    )
    t.same(rowCounts(app), before, 'nothing written')
    const rejected = await decideWriteOff(ta, 'managerA2', loanId, 'reject', { reason: 'Chưa có xác nhận của UBND xã' })
    t.equal(rejected.statusCode, 200, rejected.body)
    t.match(rejected.json(), {
      status: 'rejected',
      rejectionReason: 'Chưa có xác nhận của UBND xã',
      decidedBy: world.userIds.managerA2,
    })
    t.match(await loanOf(loanId), { status: 'active' }, 'a rejection leaves the loan as it was')
    assertRejected(t, await decideWriteOff(ta, 'managerA2', loanId, 'approve'), 404, 'NOT_FOUND')
    t.equal(
      (await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode,
      201,
      'a new proposal',
    )
    t.equal((await decideWriteOff(ta, 'managerA', loanId, 'reject', { reason: 'x' })).statusCode, 200)
  },
)

t.test(
  'when someone outside the roles or the branch acts on a write-off, then 403/404 and nothing is written',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    const before = rowCounts(app)
    for (const who of ['officerA', 'partnerA', 'finance', 'auditor', 'admin'] as const) {
      t.equal(
        (await proposeWriteOff(ta, who, loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode,
        403,
        `${who} cannot propose`,
      )
    }
    assertRejected(
      t,
      await proposeWriteOff(ta, 'managerB', loanId, writeOffBody({ valueDate: '2025-03-01' })),
      404,
      'NOT_FOUND',
    )
    t.same(rowCounts(app), before, 'nothing written')
    t.equal((await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode, 201)
    const pending = rowCounts(app)
    t.equal((await decideWriteOff(ta, 'officerA', loanId, 'approve')).statusCode, 403, 'officer cannot approve')
    t.equal((await decideWriteOff(ta, 'finance', loanId, 'approve')).statusCode, 403, 'finance cannot approve')
    assertRejected(t, await decideWriteOff(ta, 'managerB', loanId, 'approve'), 404, 'NOT_FOUND')
    assertRejected(t, await decideWriteOff(ta, 'managerB', loanId, 'reject'), 404, 'NOT_FOUND')
    t.same(rowCounts(app), pending, 'nothing written')
    t.equal((await decideWriteOff(ta, 'managerA2', loanId, 'reject')).statusCode, 200)
  },
)

t.test(
  "when a repayment was posted after the proposal's value date, then the approval is refused (LOAN_CLOSED) " +
    'and nothing is written',
  async (t) => {
    const { loanId } = await overdueLoan(ta)
    t.equal((await proposeWriteOff(ta, 'managerA', loanId, writeOffBody({ valueDate: '2025-03-01' }))).statusCode, 201)
    const pay = await as('officerA', {
      method: 'POST',
      url: `/v1/loans/${loanId}/repayments`,
      headers: { 'idempotency-key': unique('pay') },
      payload: { amount: 500_000, valueDate: '2025-03-10' },
    })
    t.equal(pay.statusCode, 201, pay.body)
    const before = rowCounts(app)
    assertRejected(t, await decideWriteOff(ta, 'managerA2', loanId, 'approve'), 422, 'LOAN_CLOSED')
    t.same(rowCounts(app), before, 'nothing written')
    t.match(
      (await as('managerA2', { method: 'GET', url: `/v1/loans/${loanId}/write-off-proposals` })).json().items,
      [{ status: 'pending_approval' }],
      'still pending',
    )
    t.equal(
      (await decideWriteOff(ta, 'managerA2', loanId, 'reject', { reason: 'Người vay đã trả nợ' })).statusCode,
      200,
    )
  },
)

t.test('when a loan is written off, then it takes no repayment and the write-off cannot be reversed', async (t) => {
  const { loanId, writeOffTransactionId } = await writtenOffLoan(ta)
  const before = rowCounts(app)
  const pay = await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    headers: { 'idempotency-key': unique('pay') },
    payload: { amount: 1, valueDate: '2025-03-02' },
  })
  assertRejected(t, pay, 409, 'INVALID_STATE')
  assertRejected(t, await proposeWriteOff(ta, 'managerA', loanId, writeOffBody()), 409, 'INVALID_STATE')
  const undo = await as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/transactions/${writeOffTransactionId}/reverse`,
    payload: { reason: 'x' },
  })
  t.equal(undo.statusCode, 409)
  t.same(rowCounts(app), before, 'nothing written')
})

t.test(
  'when money is received after the write-off, then a recovery transaction and its entry are posted (cash / ' +
    'write_off_recoveries)',
  async (t) => {
    const { loanId } = await writtenOffLoan(ta)
    const key = unique('rec')
    const res = await recover(
      ta,
      'officerA',
      loanId,
      { amount: 2_000_000, valueDate: '2026-06-20', reference: 'PT-0001' },
      key,
    )
    t.equal(res.statusCode, 201, res.body)
    t.same(res.json(), {
      transactionId: res.json().transactionId,
      loanId,
      amount: 2_000_000,
      valueDate: '2026-06-20',
      reference: 'PT-0001',
      writtenOff: WRITTEN_OFF,
      recovered: 2_000_000,
      recoverable: 10_110_770,
    })
    const again = await recover(
      ta,
      'officerA',
      loanId,
      { amount: 2_000_000, valueDate: '2026-06-20', reference: 'PT-0001' },
      key,
    )
    t.equal(again.headers['idempotency-replayed'], 'true', 'the same key replays')
    t.equal(again.body, res.body)
    const txs = (await as('partnerA', { method: 'GET', url: `/v1/loans/${loanId}/transactions` })).json().items
    const recoveries = txs.filter((x: { kind: string }) => x.kind === 'recovery')
    t.equal(recoveries.length, 1, "one recovery in the loan's transactions")
    t.match(recoveries[0], {
      id: res.json().transactionId,
      amount: 2_000_000,
      valueDate: '2026-06-20',
      reference: 'PT-0001',
      allocation: null,
      createdBy: world.userIds.officerA,
    })
    const entry = app.sqlite
      .prepare(
        'SELECT account, debit, credit, loan_id AS loanId, funding_source AS fund FROM journal_lines WHERE ' +
          'entry_id = (SELECT id FROM journal_entries WHERE loan_transaction_id = ?) ORDER BY account',
      )
      .all(res.json().transactionId)
    t.same(entry, [
      { account: 'cash_at_transaction_point', debit: 2_000_000, credit: 0, loanId, fund: 'central' },
      { account: 'write_off_recoveries', debit: 0, credit: 2_000_000, loanId, fund: 'central' },
    ])
    const lines = loanLines(loanId)
    t.equal(lines.loans_receivable, 0, 'the receivable stays 0')
    t.equal(lines.write_off_losses, 12_000_000, 'the loss stays as booked')
    t.match(await loanOf(loanId), {
      status: 'written_off',
      outstandingPrincipal: 0,
      writeOff: { recovered: 2_000_000, recoverable: 10_110_770 },
    })
    t.match(
      (await audit(loanId)).find((e) => e.action === 'loan.recovery'),
      { userId: world.userIds.officerA, after: { amount: 2_000_000, recovered: 2_000_000 } },
    )
    t.same(verifyInvariants(app.sqlite).failures, [], 'the verifier accepts recoveries')
  },
)

t.test(
  'when recoveries would exceed what was written off, then 422 OVERPAYMENT and nothing is written; up to it ' +
    'is accepted',
  async (t) => {
    const { loanId } = await writtenOffLoan(ta)
    const before = rowCounts(app)
    const over = assertRejected(
      t,
      await recover(ta, 'managerA', loanId, { amount: 12_110_771, valueDate: '2026-06-30' }),
      422,
      'OVERPAYMENT',
    )
    t.equal(over.recoverable, 12_110_770)
    t.same(rowCounts(app), before, 'nothing written')
    t.equal((await recover(ta, 'managerA', loanId, { amount: 12_000_000, valueDate: '2026-06-30' })).statusCode, 201)
    const before2 = rowCounts(app)
    t.equal(
      assertRejected(
        t,
        await recover(ta, 'managerA', loanId, { amount: 110_771, valueDate: '2026-06-30' }),
        422,
        'OVERPAYMENT',
      ).recoverable,
      110_770,
    )
    t.same(rowCounts(app), before2, 'nothing written')
    const last = await recover(ta, 'officerA', loanId, { amount: 110_770, valueDate: '2026-06-30' })
    t.equal(last.statusCode, 201)
    t.equal(last.json().recoverable, 0, 'everything written off recovered')
    assertRejected(t, await recover(ta, 'officerA', loanId, { amount: 1, valueDate: '2026-06-30' }), 422, 'OVERPAYMENT')
  },
)

t.test(
  'when a recovery is not on a written-off loan, not dated after the write-off, or has no key, then it is ' +
    'refused and nothing is written',
  async (t) => {
    const active = await overdueLoan(ta)
    const { loanId } = await writtenOffLoan(ta)
    const before = rowCounts(app)
    assertRejected(
      t,
      await recover(ta, 'officerA', active.loanId, { amount: 1_000, valueDate: '2026-06-30' }),
      409,
      'INVALID_STATE',
    )
    assertRejected(
      t,
      await recover(ta, 'officerA', loanId, { amount: 1_000, valueDate: '2025-02-28' }),
      422,
      'DATE_ORDER',
    )
    assertRejected(
      t,
      await recover(ta, 'officerA', loanId, { amount: 1_000, valueDate: '2026-07-01' }),
      422,
      'DATE_IN_FUTURE',
    )
    assertRejected(
      t,
      await recover(ta, 'officerA', loanId, { amount: 1_000, valueDate: '2026-06-30' }, null),
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
    )
    assertRejected(
      t,
      await recover(ta, 'officerA', loanId, { amount: 0, valueDate: '2026-06-30' }),
      400,
      'VALIDATION_ERROR',
    )
    for (const who of ['partnerA', 'finance', 'auditor', 'admin'] as const) {
      t.equal(
        (await recover(ta, who, loanId, { amount: 1_000, valueDate: '2026-06-30' })).statusCode,
        403,
        `${who} → 403`,
      )
    }
    assertRejected(
      t,
      await recover(ta, 'officerB', loanId, { amount: 1_000, valueDate: '2026-06-30' }),
      404,
      'NOT_FOUND',
    )
    t.same(rowCounts(app), before, 'nothing written')
  },
)

t.test('when a recovery journal line has no recovery transaction, then the invariant verifier names it', async (t) => {
  const other = await buildTestApp(t)
  const { loanId } = await writtenOffLoan(other)
  t.same(verifyInvariants(other.app.sqlite).failures, [], 'consistent before')
  postJournal(other.app.sqlite, {
    kind: 'manual',
    valueDate: '2026-06-30',
    postedOn: '2026-06-30',
    description: 'a recovery without its transaction',
    lines: [
      { account: 'cash_at_transaction_point', debit: 5, loanId, fundingSource: 'central' },
      { account: 'write_off_recoveries', credit: 5, loanId, fundingSource: 'central' },
    ],
  })
  const failures = verifyInvariants(other.app.sqlite).failures
  t.match(failures, [
    { invariant: 'recoveries', detail: new RegExp(`loan ${loanId}: write_off_recoveries 5 ≠ recovery transactions 0`) },
  ])
  await other.app.close()
})

t.test(
  "when a recovery is received at the counter, then the day's reconciliation counts it as posted cash, not " +
    'as unexpected',
  async (t) => {
    const { loanId } = await writtenOffLoan(ta)
    expectStatus(
      await recover(ta, 'officerA', loanId, { amount: 750_000, valueDate: '2026-06-22', reference: 'PT-REC' }),
      201,
      'recovery',
    )
    const pointId = app.sqlite
      .prepare('SELECT transaction_point_id FROM loans WHERE id = ?')
      .pluck()
      .get(loanId) as number
    const rec = await as('finance', {
      method: 'POST',
      url: '/v1/reconciliations',
      payload: {
        transactionPointId: pointId,
        date: '2026-06-22',
        lines: [{ loanId, amount: 750_000, reference: 'PT-REC' }],
      },
    })
    t.equal(rec.statusCode, 201, rec.body)
    const line = rec.json().lines.find((l: { loanId: number }) => l.loanId === loanId)
    t.match(line, { statementAmount: 750_000, postedAmount: 750_000, result: 'matched' })
  },
)
