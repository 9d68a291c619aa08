/**
 * Area-wide relief (docs/rules.md §18): a disaster or epidemic decision freezing or extending every eligible
 * loan of chosen transaction points — preview, four eyes, bounded batches, resumable, each loan's own limits.
 *
 * Each test runs on its own app (a decision takes every loan of a point). Business date 2026-06-30.
 * Loans at point A (session day 15), POOR at 5500 ppm/month, interest = balance × days × 5500 / 30,000,000:
 * - "36-month": 30,000,000 over 36 months disbursed 2026-06-15 → instalment 1 due 2026-07-15; extension limit
 *   floor(36 / 2) = 18 months; interest to 2026-06-30 (15 days) = 82,500.
 * - "12-month": 12,000,000 over 12 months disbursed 2026-06-15 → limit 12 months; interest 33,000.
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts, type TestApp } from '../helpers/app.js'
import { approvedLoan, disbursedLoan, expectStatus, unique } from '../helpers/origination.js'
import { assertLedgerMatchesLoans } from '../helpers/ledger.js'
import type { Actor } from '../../src/platform/auth.js'
import { applyBatch, startApplying } from '../../src/modules/relief/service.js'

const loan36 = async (ta: TestApp) => (await disbursedLoan(ta)).loanId
const loan12 = async (ta: TestApp) =>
  (await disbursedLoan(ta, { amount: 12_000_000, termMonths: 12, principalPlan: { everyMonths: 1, graceMonths: 0 } }))
    .loanId

const propose = (
  ta: TestApp,
  body: Record<string, unknown>,
  who: 'managerA' | 'managerA2' | 'officerA' | 'partnerA' | 'managerB' = 'managerA',
) =>
  ta.as(who, {
    method: 'POST',
    url: '/v1/relief-decisions',
    payload: {
      decisionNo: unique('QD-TT'),
      cause: 'Bão số 3 (storm No. 3), tháng 6/2026',
      transactionPointIds: [ta.world.pointA],
      ...body,
    },
  })
const act = (
  ta: TestApp,
  who: 'managerA' | 'managerA2' | 'admin' | 'managerB',
  id: number,
  action: 'approve' | 'resume',
  key = unique(action),
) => ta.as(who, { method: 'POST', url: `/v1/relief-decisions/${id}/${action}`, headers: { 'idempotency-key': key } })
const loanTx = (ta: TestApp, loanId: number, kind: string) =>
  ta.app.sqlite
    .prepare('SELECT id, value_date AS valueDate, details FROM loan_transactions WHERE loan_id = ? AND kind = ?')
    .all(loanId, kind) as { id: number; valueDate: string; details: string }[]

interface LoanLine {
  loanId: number
  eligible: boolean
  reason: string | null
  outstandingPrincipal: number
  interest: number
  instalmentNumber: number | null
  newDueDate: string | null
  result: string | null
  resultCode: string | null
  transactionId: number | null
  batchNo: number | null
}
const lineOf = (d: { loans: LoanLine[] }, loanId: number) => d.loans.find((l) => l.loanId === loanId)!

/** Each test on its own app; the ledger must still match the loans at its end. */
function test(name: string, fn: (t: Test, ta: TestApp) => Promise<void>) {
  return t.test(name, async (t) => {
    const ta = await buildTestApp(t)
    await fn(t, ta)
    assertLedgerMatchesLoans(t, ta.app)
  })
}

test(
  'the preview lists the eligible loans with their principal and interest, and each loan left out with the ' +
    "reason its own limits give; approval by a second manager extends each eligible loan's first instalment",
  async (t, ta) => {
    const long = await loan36(ta)
    const short = await loan12(ta)
    const waiting = (await approvedLoan(ta)).loanId
    const elsewhere = (await disbursedLoan(ta, { group: 'groupB' })).loanId
    const counts = rowCounts(ta.app)
    const res = expectStatus(await propose(ta, { kind: 'extension', months: 13 }), 201, 'propose')
    const d = res.json()
    t.match(d, { status: 'proposed', kind: 'extension', months: 13, valueDate: '2026-06-30', proposedOn: '2026-06-30' })
    // 36-month: 2026-07-15 + 13 months = 2027-08-15, within 18 months; 12-month: 13 > 12 → EXTENSION_TOO_LONG.
    t.match(lineOf(d, long), {
      eligible: true,
      reason: null,
      outstandingPrincipal: 30_000_000,
      interest: 82_500,
      instalmentNumber: 1,
      newDueDate: '2027-08-15',
      result: null,
    })
    t.match(lineOf(d, short), {
      eligible: false,
      reason: 'EXTENSION_TOO_LONG',
      outstandingPrincipal: 12_000_000,
      interest: 33_000,
    })
    t.match(lineOf(d, waiting), { eligible: false, reason: 'NOT_ACTIVE', outstandingPrincipal: 0 })
    t.notOk(
      d.loans.some((l: LoanLine) => l.loanId === elsewhere),
      "another branch's point is not in the decision",
    )
    t.same(d.preview, {
      eligible: 1,
      outstandingPrincipal: 30_000_000,
      interest: 82_500,
      excluded: 2,
      excludedByReason: { EXTENSION_TOO_LONG: 1, NOT_ACTIVE: 1 },
    })
    const after = rowCounts(ta.app)
    t.equal(after.loan_transactions, counts.loan_transactions, 'a proposal changes no loan')

    const self = await act(ta, 'managerA', d.id, 'approve')
    t.equal(self.statusCode, 403)
    t.equal(self.json().code, 'FOUR_EYES', 'the proposer cannot approve')
    const approved = expectStatus(await act(ta, 'managerA2', d.id, 'approve'), 200, 'approve').json()
    t.match(approved, { status: 'applied', decidedBy: ta.world.userIds.managerA2, completedOn: '2026-06-30' })
    t.same(approved.progress, { applied: 1, skipped: 0, pending: 0, batches: 1 })
    const [ext] = loanTx(ta, long, 'extension')
    t.equal(lineOf(approved, long).transactionId, ext!.id)
    t.match(JSON.parse(ext!.details), {
      decisionNo: d.decisionNo,
      instalmentNumber: 1,
      newDueDate: '2027-08-15',
      approvedBy: ta.world.userIds.managerA2,
    })
    t.equal(loanTx(ta, short, 'extension').length, 0, 'the loan over its limit is untouched')
    const schedule = (await ta.as('officerA', { method: 'GET', url: `/v1/loans/${long}/schedule` })).json()
    t.equal(JSON.stringify(schedule).includes('2027-08-15'), true, 'the schedule shows the new due date')
    const audits = ta.app.sqlite
      .prepare("SELECT action FROM audit_log WHERE entity = 'relief_decision' AND entity_id = ? ORDER BY id")
      .pluck()
      .all(String(d.id))
    t.same(
      audits,
      ['relief.propose', 'relief.approve', 'relief.apply_batch'],
      'proposal, approval and each batch audited',
    )
  },
)

test(
  'a freeze decision skips a loan frozen already, and a loan its own rules refuse at approval is skipped and ' +
    'reported while the others are frozen',
  async (t, ta) => {
    const a = await loan36(ta)
    const b = await loan36(ta)
    const frozen = await loan36(ta)
    expectStatus(
      await ta.as('managerA', {
        method: 'POST',
        url: `/v1/loans/${frozen}/freeze`,
        payload: { decisionNo: unique('QD'), cause: 'lũ', fromDate: '2026-06-20', untilDate: '2026-09-20' },
      }),
      201,
      'single freeze',
    )
    const d = expectStatus(await propose(ta, { kind: 'freeze', months: 6 }), 201, 'propose').json()
    t.match(lineOf(d, frozen), { eligible: false, reason: 'ALREADY_FROZEN' })
    t.match(lineOf(d, a), { eligible: true, newDueDate: '2026-12-30' })
    t.same(d.preview.excludedByReason, { ALREADY_FROZEN: 1 })
    // Between the proposal and the approval, loan b is frozen on its own: the decision skips it.
    expectStatus(
      await ta.as('managerA2', {
        method: 'POST',
        url: `/v1/loans/${b}/freeze`,
        payload: { decisionNo: unique('QD'), cause: 'lũ', fromDate: '2026-06-25', untilDate: '2026-08-25' },
      }),
      201,
      'freeze of b',
    )
    const done = expectStatus(await act(ta, 'admin', d.id, 'approve'), 200, 'approve').json()
    t.same(done.progress, { applied: 1, skipped: 1, pending: 0, batches: 1 })
    t.match(lineOf(done, b), { result: 'skipped', resultCode: 'ALREADY_FROZEN', transactionId: null })
    t.match(lineOf(done, a), { result: 'applied' })
    const [f] = loanTx(ta, a, 'freeze')
    t.match(f, { valueDate: '2026-06-30' })
    t.match(JSON.parse(f!.details), { untilDate: '2026-12-30', decisionNo: d.decisionNo })
    const onLoan = (await ta.as('officerA', { method: 'GET', url: `/v1/loans/${a}?asOf=2026-07-01` })).json()
    t.equal(onLoan.classification, 'frozen', 'frozen the day after the value date')
  },
)

test(
  'a decision stopped midway stays applying with its progress; resume continues where it stopped and never ' +
    'applies twice to a loan',
  async (t, ta) => {
    const loans = [await loan36(ta), await loan36(ta), await loan36(ta)]
    const d = expectStatus(await propose(ta, { kind: 'freeze', untilDate: '2026-09-30' }), 201, 'propose').json()
    t.equal(d.preview.eligible, 3)
    const approver: Actor = {
      userId: ta.world.userIds.managerA2,
      name: 'manager A2',
      role: 'branch_manager',
      branchId: ta.world.branchA,
      partnerId: null,
    }
    // The approval and one batch of a single loan commit; then the process "crashes".
    ta.app.commands.runNow((ctx) => startApplying(ctx, d.id), approver)
    ta.app.commands.runNow((ctx) => ({ statusCode: 200, body: applyBatch(ctx, d.id, 1) }), approver)
    const midway = (await ta.as('managerA', { method: 'GET', url: `/v1/relief-decisions/${d.id}` })).json()
    t.match(midway, { status: 'applying' })
    t.same(midway.progress, { applied: 1, skipped: 0, pending: 2, batches: 1 })
    t.equal(lineOf(midway, loans[0]!).result, 'applied', 'the first loan by id went first')
    const resumed = expectStatus(await act(ta, 'managerA2', d.id, 'resume'), 200, 'resume').json()
    t.match(resumed, { status: 'applied' })
    t.same(resumed.progress, { applied: 3, skipped: 0, pending: 0, batches: 2 })
    t.same(
      loans.map((id) => lineOf(resumed, id).batchNo),
      [1, 2, 2],
    )
    const counts = rowCounts(ta.app)
    const again = expectStatus(await act(ta, 'admin', d.id, 'approve'), 200, 'approve again').json()
    t.same(again, resumed, 'an applied decision is answered as it is')
    t.same(
      { ...rowCounts(ta.app), idempotency_keys: 0, audit_log: 0 },
      { ...counts, idempotency_keys: 0, audit_log: 0 },
    )
    for (const id of loans) t.equal(loanTx(ta, id, 'freeze').length, 1, `loan ${id} frozen once`)
    const replay = await act(ta, 'managerA2', d.id, 'resume', 'same')
    const replayed = await act(ta, 'managerA2', d.id, 'resume', 'same')
    t.equal(replayed.headers['idempotency-replayed'], 'true')
    t.same(replayed.json(), replay.json())
  },
)

test('rejection, states and refused requests change nothing', async (t, ta) => {
  await loan36(ta)
  const counts = rowCounts(ta.app)
  const code = async (res: Awaited<ReturnType<typeof propose>>, status: number, c: string) => {
    t.equal(res.statusCode, status, c, { body: res.body })
    t.equal(res.json().code, c)
  }
  await code(await propose(ta, { kind: 'extension', months: 3 }, 'officerA'), 403, 'FORBIDDEN')
  await code(await propose(ta, { kind: 'extension', months: 3 }, 'partnerA'), 403, 'FORBIDDEN')
  await code(await propose(ta, { kind: 'extension', months: 3 }, 'managerB'), 422, 'REFERENCE_NOT_FOUND')
  await code(await propose(ta, { kind: 'extension' }), 400, 'VALIDATION_ERROR')
  await code(await propose(ta, { kind: 'freeze' }), 400, 'VALIDATION_ERROR')
  await code(await propose(ta, { kind: 'freeze', months: 3, untilDate: '2026-12-31' }), 400, 'VALIDATION_ERROR')
  await code(await propose(ta, { kind: 'extension', months: 3, valueDate: '2026-07-01' }), 422, 'DATE_IN_FUTURE')
  await code(await propose(ta, { kind: 'extension', months: 3, area: 'x' }), 400, 'VALIDATION_ERROR')
  await code(
    await propose(ta, { kind: 'extension', months: 3, transactionPointIds: [ta.world.pointA, ta.world.pointA] }),
    400,
    'VALIDATION_ERROR',
  )
  t.same(rowCounts(ta.app), counts, 'refused proposals write nothing')

  const d = expectStatus(
    await propose(ta, { kind: 'extension', months: 3, decisionNo: 'QĐ-01/2026' }),
    201,
    'propose',
  ).json()
  await code(await propose(ta, { kind: 'extension', months: 3, decisionNo: 'QĐ-01/2026' }), 409, 'DUPLICATE')
  await code(await act(ta, 'managerA2', d.id, 'resume'), 409, 'INVALID_STATE')
  await code(await act(ta, 'managerB', d.id, 'approve'), 404, 'NOT_FOUND')
  t.equal((await ta.as('managerB', { method: 'GET', url: `/v1/relief-decisions/${d.id}` })).statusCode, 404)
  const noKey = await ta.as('managerA2', { method: 'POST', url: `/v1/relief-decisions/${d.id}/approve` })
  t.equal(noKey.json().code, 'IDEMPOTENCY_KEY_REQUIRED')
  // A key already used for another decision's approval: refused before anything is applied.
  const other = expectStatus(await propose(ta, { kind: 'extension', months: 3 }), 201, 'another proposal').json()
  expectStatus(await act(ta, 'managerA2', other.id, 'approve', 'used-key'), 200, 'approve the other')
  await code(await act(ta, 'managerA2', d.id, 'approve', 'used-key'), 422, 'IDEMPOTENCY_KEY_REUSED')
  t.equal((await ta.as('managerA', { method: 'GET', url: `/v1/relief-decisions/${d.id}` })).json().status, 'proposed')
  const rejected = expectStatus(
    await ta.as('managerA2', {
      method: 'POST',
      url: `/v1/relief-decisions/${d.id}/reject`,
      payload: { reason: 'sai địa bàn' },
    }),
    200,
    'reject',
  ).json()
  t.match(rejected, { status: 'rejected', rejectionReason: 'sai địa bàn', decidedBy: ta.world.userIds.managerA2 })
  await code(await act(ta, 'managerA2', d.id, 'approve'), 409, 'INVALID_STATE')
  expectStatus(
    await propose(ta, { kind: 'extension', months: 3, decisionNo: 'QĐ-01/2026' }),
    201,
    'the number is free again',
  )
  const list = (await ta.as('auditor', { method: 'GET', url: '/v1/relief-decisions?status=rejected' })).json()
  t.same(
    list.items.map((i: { id: number }) => i.id),
    [d.id],
  )
  t.equal((await ta.as('officerB', { method: 'GET', url: '/v1/relief-decisions' })).json().items.length, 0)
})
