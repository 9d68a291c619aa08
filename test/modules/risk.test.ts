/**
 * Risk handling over HTTP (docs/rules.md §7, §9; the loans API): extension of an
 * instalment, freeze, write-off — each with decision number and cause, approved by a
 * branch manager of the loan's branch, audited. The write-off is proposed by one manager and
 * approved by another (its conditions are in write-off-controls.test.ts).
 *
 * The loan of every test: POOR (5500 ppm/month, overdue 130 %), 12,000,000 VND, 12 months,
 * principal every month (12 × 1,000,000), session day 15, disbursed 2025-01-10 → instalment k
 * due 2025-02-15, 2025-03-15, … Interest = balance × days × 5500 / 30,000,000 over (from, to],
 * rounded half-up once per period per component. Period 1 = 36 days → 79,200;
 * period 2 (02-15, 03-15] = 28 days.
 * Extension limit for a term ≤ 12 months: 12 months from the ORIGINAL due date.
 */
import t from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { LOAN_12M, paid, unique } from '../helpers/origination.js'
import { overdueLoan } from '../helpers/loan-controls.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta

const test = ledgerCheckedTest(t, app)

// LOAN_12M of test/helpers/origination.ts (= overdueLoan's); households get their poverty status from branch staff.
const loan12 = async (over: Partial<typeof LOAN_12M> = {}) => (await overdueLoan(ta, over)).loanId

type Who = 'officerA' | 'managerA' | 'managerA2' | 'managerB' | 'partnerA' | 'admin'
const risk = (who: Who, loanId: number, action: 'extensions' | 'freeze' | 'write-off', payload: object) =>
  as(who, { method: 'POST', url: `/v1/loans/${loanId}/${action}`, payload })
const decision = (cause = 'Storm No. 3 destroyed the crop') => ({ decisionNo: unique('QD-RR'), cause })

const getLoan = async (loanId: number, asOf?: string) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}${asOf ? `?asOf=${asOf}` : ''}` })).json()
const getSchedule = async (loanId: number, asOf?: string) =>
  (await as('officerA', { method: 'GET', url: `/v1/loans/${loanId}/schedule${asOf ? `?asOf=${asOf}` : ''}` })).json()
const audit = async (loanId: number) =>
  (await as('auditor', { method: 'GET', url: `/v1/audit?entity=loan&id=${loanId}&limit=100` })).json().items as {
    action: string
    userId: number
    after: Record<string, unknown>
  }[]

test(
  '§7 extension moves a due date: paid after the original date but before the new one → no penalty, not ' + 'overdue',
  async (t) => {
    const loanId = await loan12()
    const d = decision()
    const res = await risk('managerA', loanId, 'extensions', {
      ...d,
      instalmentNumber: 1,
      newDueDate: '2025-03-10',
      valueDate: '2025-02-10',
    })
    t.equal(res.statusCode, 201, res.body)
    t.type(res.json().transactionId, 'number')
    // Payment on 2025-03-01 (original due 02-15, extended to 03-10): instalment 1 stays in term at the contract
    // rate.
    // interest: period 1 = 79,200 (instalment 1) + period 2 so far (02-15, 03-01] = 14 days on 12,000,000 (all in
    // term)
    //             = 12,000,000 × 14 × 5500 / 30,000,000 = 30,800 (instalment 2) → 110,000
    //   principal due: instalment 1 (original due date ≤ 03-01, not overdue) = 1,000,000
    const before = await getLoan(loanId, '2025-03-01')
    t.match(before, {
      overdueInterest: 0,
      overduePrincipal: 0,
      interestDue: 110_000,
      principalDueNow: 1_000_000,
      classification: 'extended',
    })
    const repayment = await paid(t, ta, loanId, 1_110_000, '2025-03-01')
    t.same(
      repayment.allocation,
      { overdueInterest: 0, overduePrincipal: 0, interest: 110_000, principal: 1_000_000, prepaid: 0 },
      'no overdue interest, no penalty',
    )
    const line = (await getSchedule(loanId, '2025-03-15')).instalments[0]
    t.match(line, {
      number: 1,
      dueDate: '2025-02-15',
      effectiveDueDate: '2025-03-10',
      extended: true,
      overdueSince: null,
      penaltyCharged: 0,
      paidOffOn: '2025-03-01',
      status: 'paid',
    })

    // The same loan without the extension, paid the same day: instalment 1 overdue from 02-16,
    // penalty 1,000,000 × 14 × 5500 × 130 % / 30,000,000 = 3,336.67 → 3,337; overdue interest 79,200 + 3,337 =
    // 82,537.
    const plain = await loan12()
    t.match(await getLoan(plain, '2025-03-01'), {
      overdueInterest: 82_537,
      overduePrincipal: 1_000_000,
      classification: 'overdue',
    })

    const entries = await audit(loanId)
    const ext = entries.find((e) => e.action === 'loan.extend')
    t.ok(ext, 'audited')
    t.match(ext, {
      userId: world.userIds.managerA,
      after: {
        decisionNo: d.decisionNo,
        cause: d.cause,
        approvedBy: world.userIds.managerA,
        instalmentNumber: 1,
        newDueDate: '2025-03-10',
      },
    })
  },
)

test(
  '§7 extending an instalment already overdue: back in term from the decision; penalty so far stays; ' +
    'overdueSince kept',
  async (t) => {
    const loanId = await loan12()
    // Instalment 1 (due 2025-02-15) unpaid → overdue from 02-16. Extension decided 2025-03-01, new due date
    // 2025-04-10.
    const res = await risk('managerA', loanId, 'extensions', {
      ...decision(),
      instalmentNumber: 1,
      newDueDate: '2025-04-10',
      valueDate: '2025-03-01',
    })
    t.equal(res.statusCode, 201, res.body)
    // Payment on 2025-03-10:
    // penalty (02-15, 03-01] 14 days on 1,000,000 at 130 %: 1,000,000 × 14 × 5500 × 1.3 / 30,000,000 = 3,336.67 →
    // 3,337 (overdue interest)
    //   interest: instalment 1's 79,200 (no longer overdue) + period 2 so far, one rounding over two segments:
    // (11,000,000 × 14 days [02-16..03-01] + 12,000,000 × 9 days [03-02..03-10]) × 5500 / 30,000,000 = 48,033.33 →
    // 48,033
    //   principal due: instalment 1 (original due date passed, not overdue any more) 1,000,000
    //   total 3,337 + 79,200 + 48,033 + 1,000,000 = 1,130,570
    t.match(await getLoan(loanId, '2025-03-10'), {
      overduePrincipal: 0,
      overdueInterest: 3_337,
      interestDue: 127_233,
      principalDueNow: 1_000_000,
    })
    const repayment = await paid(t, ta, loanId, 1_130_570, '2025-03-10')
    t.same(repayment.allocation, {
      overdueInterest: 3_337,
      overduePrincipal: 0,
      interest: 127_233,
      principal: 1_000_000,
      prepaid: 0,
    })
    const [line1, line2] = (await getSchedule(loanId, '2025-03-10')).instalments
    t.match(
      line1,
      {
        number: 1,
        effectiveDueDate: '2025-04-10',
        extended: true,
        overdueSince: '2025-02-16',
        paidOffOn: '2025-03-10',
      },
      'overdueSince stays as the record that it was late',
    )
    t.match(line2, {
      number: 2,
      penaltyCharged: 3_337,
      penaltyPaid: 3_337,
      interestCharged: 48_033,
      interestPaid: 48_033,
    })
  },
)

test('§7 extension beyond the limit → 422 EXTENSION_TOO_LONG; at the limit → 201', async (t) => {
  const loanId = await loan12()
  const before = rowCounts(app)
  // Instalment 2 due 2025-03-15; limit 12 months → 2026-03-15.
  const tooLong = await risk('managerA', loanId, 'extensions', {
    ...decision(),
    instalmentNumber: 2,
    newDueDate: '2026-03-16',
    valueDate: '2025-03-01',
  })
  t.equal(tooLong.statusCode, 422)
  t.equal(tooLong.json().code, 'EXTENSION_TOO_LONG')
  t.same(rowCounts(app), before, 'nothing written')
  const notLater = await risk('managerA', loanId, 'extensions', {
    ...decision(),
    instalmentNumber: 2,
    newDueDate: '2025-03-15',
    valueDate: '2025-03-01',
  })
  t.equal(notLater.statusCode, 422)
  t.equal(notLater.json().code, 'INVALID_EXTENSION', 'the new date must be after the current one')
  t.same(rowCounts(app), before, 'nothing written')
  const atLimit = await risk('managerA', loanId, 'extensions', {
    ...decision(),
    instalmentNumber: 2,
    newDueDate: '2026-03-15',
    valueDate: '2025-03-01',
  })
  t.equal(atLimit.statusCode, 201, atLimit.body)
  t.equal((await getSchedule(loanId)).instalments[1].effectiveDueDate, '2026-03-15')

  // A 36-month loan: limit floor(36 / 2) = 18 months. Instalment 1 due 2025-02-15 → at most 2026-08-15.
  const long = await loan12({ termMonths: 36, amount: 36_000_000 })
  const over18 = await risk('managerA', long, 'extensions', {
    ...decision(),
    instalmentNumber: 1,
    newDueDate: '2026-08-16',
    valueDate: '2025-02-10',
  })
  t.equal(over18.statusCode, 422)
  t.equal(over18.json().code, 'EXTENSION_TOO_LONG')
  t.equal(
    (
      await risk('managerA', long, 'extensions', {
        ...decision(),
        instalmentNumber: 1,
        newDueDate: '2026-08-15',
        valueDate: '2025-02-10',
      })
    ).statusCode,
    201,
  )
})

test('§7 freeze: no interest accrues in the window (interestCharged with and without)', async (t) => {
  // Two identical loans, instalment 1 paid on 2025-02-15 (79,200 + 1,000,000): balance 11,000,000.
  const plain = await loan12()
  const frozen = await loan12()
  await paid(t, ta, plain, 1_079_200, '2025-02-15')
  await paid(t, ta, frozen, 1_079_200, '2025-02-15')
  const d = decision('Flood')
  const res = await risk('managerA', frozen, 'freeze', { ...d, fromDate: '2025-02-20', untilDate: '2025-03-05' })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().frozenPrincipal, 11_000_000)
  // Period 2 (02-15, 03-15] = 28 days; frozen (02-20, 03-05] = 8 + 5 = 13 days; 15 days bear interest.
  //   without: 11,000,000 × 28 × 5500 / 30,000,000 = 56,466.67 → 56,467
  //   with:    11,000,000 × 15 × 5500 / 30,000,000 = 30,250
  const a = (await getSchedule(plain, '2025-03-15')).instalments[1]
  const b = (await getSchedule(frozen, '2025-03-15')).instalments[1]
  t.equal(a.interestCharged, 56_467, 'not frozen')
  t.equal(b.interestCharged, 30_250, 'frozen 13 days')
  t.equal(b.effectiveDueDate, '2025-03-15', 'a due date outside the window does not move')
  // Inside the window nothing accrues: 02-20 and 03-05 show the same interest (5 days before: 11,000,000 × 5 × 5500
  // / 30,000,000 = 10,083.33 → 10,083).
  t.match(await getLoan(frozen, '2025-02-20'), { interestDue: 10_083, classification: 'in_term' })
  t.match(await getLoan(frozen, '2025-03-01'), { interestDue: 10_083, classification: 'frozen' })
  t.match(await getLoan(frozen, '2025-03-05'), { interestDue: 10_083, classification: 'frozen' })
  t.match(
    await getLoan(frozen, '2025-03-06'),
    { interestDue: 10_083 + 2_017, classification: 'in_term' },
    '1 day after: + 11,000,000 × 1 × 5500 / 30,000,000 = 2,016.67 (rounded once: 12,100 total)',
  )
  const e = (await audit(frozen)).find((x) => x.action === 'loan.freeze')
  t.match(e, {
    userId: world.userIds.managerA,
    after: { decisionNo: d.decisionNo, cause: 'Flood', fromDate: '2025-02-20', untilDate: '2025-03-05' },
  })
})

test('§7 freeze moves an instalment due inside the window to its end (not overdue during the freeze)', async (t) => {
  const loanId = await loan12()
  await paid(t, ta, loanId, 1_079_200, '2025-02-15')
  t.equal(
    (await risk('managerA', loanId, 'freeze', { ...decision(), fromDate: '2025-03-10', untilDate: '2025-03-20' }))
      .statusCode,
    201,
  )
  const line = (await getSchedule(loanId, '2025-03-18')).instalments[1]
  t.match(line, { number: 2, dueDate: '2025-03-15', effectiveDueDate: '2025-03-20', overdueSince: null })
  t.match(await getLoan(loanId, '2025-03-18'), { overduePrincipal: 0, classification: 'frozen' })
  t.match(
    await getLoan(loanId, '2025-03-21'),
    { overduePrincipal: 1_000_000, classification: 'overdue' },
    'unpaid after the window → overdue',
  )
  const tooLong = await risk('managerA', loanId, 'freeze', {
    ...decision(),
    fromDate: '2025-04-01',
    untilDate: '2030-04-02',
  })
  t.equal(tooLong.statusCode, 422)
  t.equal(tooLong.json().code, 'FREEZE_TOO_LONG', 'at most 5 years')
})

test('§7 write-off closes the loan as written_off; the ledger moves the principal to write_off_losses', async (t) => {
  const loanId = await loan12()
  const d = { decisionNo: unique('QD-RR'), cause: 'borrower_deceased', causeDetail: 'Borrower died; no heir' }
  t.equal((await risk('managerA', loanId, 'write-off', { ...d, valueDate: '2025-03-01' })).statusCode, 201, 'proposed')
  const res = await as('managerA2', { method: 'POST', url: `/v1/loans/${loanId}/write-off/approve`, payload: {} })
  t.equal(res.statusCode, 200, res.body)
  // Unpaid on 2025-03-01 (nothing paid; instalment 1 overdue since 02-16): principal 12,000,000;
  // interest: period 1 79,200 + period 2 (02-15, 03-01] 14 days on the 11,000,000 in term = 28,233.33 → 28,233
  // + penalty on the overdue 1,000,000: 1,000,000 × 14 × 5500 × 130 % / 30,000,000 = 3,336.67 → 3,337 → 110,770.
  t.same(res.json().writtenOff, { principal: 12_000_000, interest: 110_770 })
  t.match(res.json().loan, {
    status: 'written_off',
    classification: 'written_off',
    writtenOffOn: '2025-03-01',
    outstandingPrincipal: 0,
    payoffAmount: 0,
  })
  t.match(await getLoan(loanId), { status: 'written_off', outstandingPrincipal: 0 })
  const listed = (await as('officerA', { method: 'GET', url: '/v1/loans?status=written_off&limit=500' })).json().items
  t.ok(
    listed.some((l: { id: number; classification: string }) => l.id === loanId && l.classification === 'written_off'),
    'the projection says written off',
  )

  const balances = Object.fromEntries(
    (
      app.sqlite
        .prepare(
          'SELECT account, SUM(debit) - SUM(credit) AS net FROM journal_lines WHERE loan_id = ? GROUP BY account',
        )
        .all(loanId) as { account: string; net: number }[]
    ).map((r) => [r.account, r.net]),
  )
  t.equal(balances.loans_receivable, 0, 'receivable cleared')
  t.equal(balances.write_off_losses, 12_000_000, 'write_off_losses debited with the unpaid principal')
  const entry = app.sqlite
    .prepare(
      `SELECT account, debit, credit FROM journal_lines WHERE entry_id = (SELECT id FROM journal_entries WHERE
        loan_transaction_id = ?) ORDER BY account`,
    )
    .all(res.json().transactionId)
  t.same(entry, [
    { account: 'loans_receivable', debit: 0, credit: 12_000_000 },
    { account: 'write_off_losses', debit: 12_000_000, credit: 0 },
  ])

  const before = rowCounts(app)
  const later = await as('officerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/repayments`,
    headers: { 'idempotency-key': unique('pay') },
    payload: { amount: 1, valueDate: '2025-03-02' },
  })
  t.equal(later.statusCode, 409)
  t.equal(later.json().code, 'INVALID_STATE')
  const again = await risk('managerA', loanId, 'write-off', { decisionNo: unique('QD-RR'), cause: 'fire' })
  t.equal(again.statusCode, 409)
  t.equal(again.json().code, 'INVALID_STATE')
  const undo = await as('managerA', {
    method: 'POST',
    url: `/v1/loans/${loanId}/transactions/${res.json().transactionId}/reverse`,
    payload: { reason: 'x' },
  })
  t.equal(undo.statusCode, 409, 'a write-off is not reversed by a reversal')
  t.same(rowCounts(app), before, 'nothing written')
  const e = (await audit(loanId)).find((x) => x.action === 'loan.write_off')
  t.match(e, {
    userId: world.userIds.managerA2,
    after: {
      decisionNo: d.decisionNo,
      cause: d.cause,
      causeDetail: d.causeDetail,
      proposedBy: world.userIds.managerA,
      approvedBy: world.userIds.managerA2,
      writtenOff: { principal: 12_000_000, interest: 110_770 },
    },
  })
})

test('risk actions need a branch manager of the loan’s branch (officer → 403), nothing written', async (t) => {
  const loanId = await loan12()
  const before = rowCounts(app)
  const bodies = {
    extensions: { ...decision(), instalmentNumber: 1, newDueDate: '2025-03-10', valueDate: '2025-02-10' },
    freeze: { ...decision(), fromDate: '2025-02-20', untilDate: '2025-03-05' },
    'write-off': { decisionNo: unique('QD-RR'), cause: 'natural_disaster', valueDate: '2025-03-01' },
  } as const
  for (const action of ['extensions', 'freeze', 'write-off'] as const) {
    t.equal((await risk('officerA', loanId, action, bodies[action])).statusCode, 403, `${action}: branch officer → 403`)
    t.equal(
      (await risk('partnerA', loanId, action, bodies[action])).statusCode,
      403,
      `${action}: partner officer → 403`,
    )
    t.ok(
      [403, 404].includes((await risk('managerB', loanId, action, bodies[action])).statusCode),
      `${action}: manager of another branch → 403/404`,
    )
    const missing = await risk('managerA', loanId, action, { ...bodies[action], decisionNo: undefined })
    t.equal(missing.statusCode, 400, `${action}: decisionNo required`)
  }
  t.same(rowCounts(app), before, 'nothing written')
  t.same(
    (await audit(loanId)).filter(
      (e) => e.action.startsWith('loan.extend') || e.action === 'loan.freeze' || e.action.startsWith('loan.write_off'),
    ),
    [],
    'nothing audited',
  )
})

test(
  'when an extension or a freeze is reversed, then the loan replays without it and the ledger invariants ' +
    'still hold',
  async (t) => {
    for (const [action, body] of [
      ['extensions', { instalmentNumber: 1, newDueDate: '2025-03-10', valueDate: '2025-02-10' }],
      ['freeze', { fromDate: '2025-02-20', untilDate: '2025-03-05' }],
    ] as const) {
      const loanId = await loan12()
      const made = await risk('managerA', loanId, action, { ...decision(), ...body })
      if (made.statusCode !== 201) {
        t.fail(`${action}: ${made.body}`)
        continue
      }
      const reversed = await as('officerA', {
        method: 'POST',
        url: `/v1/loans/${loanId}/transactions/${made.json().transactionId}/reverse`,
        payload: { reason: 'decision entered on the wrong loan' },
      })
      t.equal(reversed.statusCode, 201, `${action} reversed: ${reversed.body}`)
      t.not(
        (await getLoan(loanId, '2025-03-01')).classification,
        action === 'extensions' ? 'extended' : 'frozen',
        `${action}: no longer applies`,
      )
    }
  },
)
