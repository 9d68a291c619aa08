/**
 * Support payments the branch can explain (docs/rules.md §8).
 *
 * Every loan under a local policy with a support rule has a current verdict — eligible, not_yet,
 * ineligible — with a reason code, a sentence in Vietnamese and in English, and the evidence (the
 * late instalment with its due and paid dates, the exit decision that counts, the window's end, the
 * budget, the payment). GET /v1/support-evaluations lists them (JSON and CSV), GET /v1/loans/{id}
 * shows the loan's own, and the support-payment list carries recoveries.
 *
 * Loans (test/helpers/support.ts): DANANG_INTEREST_FREE, 12,000,000 VND over 12 months, 1,000,000
 * a month, disbursed 2025-01-10 → instalment k due on the 15th, 2025-02-15 … 2026-01-15; repaid on
 * time they close on 2026-01-15 and the exit window ends 2027-01-15. Business date 2026-06-30.
 * Poverty decisions are recorded by the branch officer (commune decisions go through branch staff).
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts, type KeyName, type TestApp } from '../helpers/app.js'
import { ledgerCheckedTest } from '../helpers/ledger.js'
import {
  approvedLoan,
  disbursedLoan,
  expectStatus,
  householdWithStatus,
  unique,
  type GroupName,
} from '../helpers/origination.js'
import {
  DANANG,
  createSupportPolicy,
  paymentsOf,
  recordStatus,
  repayInstalments,
  supportAction,
  supportLoan,
  type SupportLoan,
} from '../helpers/support.js'
import { addDays } from '../../src/domain/dates.js'
import { parseCsv } from '../../src/platform/csv.js'

const ta = await buildTestApp(t)
const { app, as, world } = ta
const test = ledgerCheckedTest(t, app)

interface Verdict {
  loanId: number
  householdId: number
  householdName: string
  nationalId: string
  branchId: number
  partnerId: number
  loanStatus: string
  policyCode: string
  outcome: string
  reason: string
  explanationVi: string
  explanationEn: string
  evaluatedOn: string
  evidence: {
    asOf: string
    disbursedOn: string | null
    closedOn: string | null
    instalments: { due: number; paidOnTime: number }
    lateInstalment: {
      number: number
      dueDate: string
      originalDueDate: string
      paidOn: string | null
      daysLate: number
    } | null
    exit: { recordId: number | null; decisionNo: string; effectiveDate: string; from: string; to: string } | null
    windowEnd: string | null
    budget: { amount: number; remaining: number }
    payment: {
      id: number
      loanId: number
      status: string
      amount: number
      paidOn?: string | null
      recovered?: boolean
    } | null
  }
}

/**
 * A household (branch officer records it poor since 2020) — not through the partner officer, who no longer records
 * decisions.
 */
async function poorHousehold(tapp: TestApp, group: GroupName = 'groupA'): Promise<number> {
  const id = await householdWithStatus(tapp, { group, status: null })
  await recordStatus(tapp, id, '2020-01-01', 'poor', group === 'groupB' ? 'officerB' : 'officerA')
  return id
}

async function loanOf(tapp: TestApp, opts: Parameters<typeof supportLoan>[1] = {}): Promise<SupportLoan> {
  const group = opts.group ?? 'groupA'
  return supportLoan(tapp, { group, ...opts, householdId: opts.householdId ?? (await poorHousehold(tapp, group)) })
}

async function evaluations(tapp: TestApp, query: string, who: KeyName = 'auditor'): Promise<Verdict[]> {
  const res = expectStatus(
    await tapp.as(who, { method: 'GET', url: `/v1/support-evaluations?limit=500${query ? `&${query}` : ''}` }),
    200,
    `GET /v1/support-evaluations?${query}`,
  )
  return res.json().items as Verdict[]
}
const verdictOf = async (tapp: TestApp, loanId: number, who: KeyName = 'auditor') =>
  (await evaluations(tapp, '', who)).find((v) => v.loanId === loanId)
const detailOf = async (tapp: TestApp, loanId: number, who: KeyName = 'officerA') =>
  expectStatus(await tapp.as(who, { method: 'GET', url: `/v1/loans/${loanId}` }), 200, 'GET loan').json()

/** The list item and the loan detail agree on the verdict. */
async function sameInDetail(t: Test, tapp: TestApp, v: Verdict) {
  const detail = await detailOf(tapp, v.loanId)
  const {
    loanId: _l,
    householdId: _h,
    householdName: _n,
    nationalId: _c,
    branchId: _b,
    partnerId: _p,
    loanStatus: _s,
    ...verdict
  } = v
  t.same(detail.supportVerdict, verdict, 'GET /v1/loans/{id} shows the same verdict')
}

test(
  'when a loan is repaid on time and no poverty exit is recorded yet, then its verdict is not_yet ' +
    'NO_POVERTY_EXIT with the window end, in the list and the loan detail',
  async (t) => {
    const loan = await loanOf(ta)
    await repayInstalments(ta, loan)
    const v = (await verdictOf(ta, loan.loanId))!
    t.match(v, {
      loanId: loan.loanId,
      householdId: loan.householdId,
      householdName: 'Nguyễn Văn A',
      branchId: world.branchA,
      partnerId: world.partnerA,
      loanStatus: 'closed',
      policyCode: DANANG,
      outcome: 'not_yet',
      reason: 'NO_POVERTY_EXIT',
      evaluatedOn: '2026-06-30',
      evidence: {
        disbursedOn: '2025-01-10',
        closedOn: '2026-01-15',
        instalments: { due: 12, paidOnTime: 12 },
        lateInstalment: null,
        exit: null,
        windowEnd: '2027-01-15',
        payment: null,
      },
    })
    t.match(v.nationalId, /^\d{12}$/)
    t.equal(
      v.explanationVi,
      'Chưa đủ điều kiện: khoản vay đã tất toán ngày 15/01/2026 và trả đúng hạn, nhưng chưa có quyết định ' +
        'thoát nghèo có hiệu lực sau ngày giải ngân 10/01/2025; hộ còn thời hạn đến hết ngày 15/01/2027.',
    )
    t.match(v.explanationEn, /^Not yet: .*until 2027-01-15\.$/)
    await sameInDetail(t, ta, v)
  },
)

test(
  'when the exit decision is recorded, then the verdict is eligible CONDITIONS_MET citing the decision ' +
    '(record id, number, effective date) and the payment created',
  async (t) => {
    const loan = await loanOf(ta)
    await repayInstalments(ta, loan)
    const exit = await recordStatus(ta, loan.householdId, '2026-03-01', 'escaped', 'officerA')
    const [payment] = await paymentsOf(ta, loan.householdId)
    const v = (await verdictOf(ta, loan.loanId))!
    t.match(v, {
      outcome: 'eligible',
      reason: 'CONDITIONS_MET',
      evidence: {
        exit: {
          recordId: exit.id,
          decisionNo: exit.decisionNo,
          effectiveDate: '2026-03-01',
          from: 'poor',
          to: 'escaped',
        },
        windowEnd: '2027-01-15',
        payment: { id: payment!.id, loanId: loan.loanId, status: 'pending_approval', amount: 4_000_000 },
      },
    })
    t.match(
      v.explanationVi,
      new RegExp(
        `^Đủ điều kiện nhận hỗ trợ 4\\.000\\.000 đồng: khoản vay tất toán ngày 15/01/2026, trả đúng hạn cả 12 ` +
          `kỳ, và hộ thoát nghèo theo quyết định số ${exit.decisionNo} có hiệu lực ngày 01/03/2026`,
      ),
    )
    t.match(v.explanationVi, new RegExp(`Khoản hỗ trợ số ${payment!.id} đang chờ giám đốc chi nhánh duyệt\\.$`))
    // Approving moves the payment on; the verdict's payment follows without a new evaluation.
    expectStatus(await supportAction(ta, 'managerA', payment!.id, 'approve'), 200, 'approve')
    const after = (await verdictOf(ta, loan.loanId))!
    t.equal(after.evidence.payment?.status, 'approved')
    t.match(after.explanationVi, /đã được duyệt, chờ chi trả\.$/)
    await sameInDetail(t, ta, after)
  },
)

test(
  'when an instalment was paid late, then ineligible LATE_INSTALMENT names the instalment, its due date, the ' +
    'date paid and the days late — a household told "no" is told why',
  async (t) => {
    const loan = await loanOf(ta)
    await repayInstalments(ta, loan, { lateDays: { 4: 3 } })
    await recordStatus(ta, loan.householdId, '2026-03-01', 'escaped', 'officerA')
    const v = (await verdictOf(ta, loan.loanId))!
    t.match(v, {
      outcome: 'ineligible',
      reason: 'LATE_INSTALMENT',
      evidence: {
        lateInstalment: {
          number: 4,
          dueDate: '2025-05-15',
          originalDueDate: '2025-05-15',
          paidOn: '2025-05-18',
          daysLate: 3,
        },
        instalments: { due: 12, paidOnTime: 11 },
        payment: null,
      },
    })
    t.equal(
      v.explanationVi,
      'Không đủ điều kiện: kỳ trả nợ số 4 đến hạn ngày 15/05/2025 nhưng trả ngày 18/05/2025 (trễ 3 ngày).',
    )
    t.equal(v.explanationEn, 'Not eligible: instalment 4 was due on 2025-05-15 but paid on 2025-05-18 (3 days late).')
    t.same(await paymentsOf(ta, loan.householdId), [], 'no payment')
    await sameInDetail(t, ta, v)
  },
)

test(
  'when a loan is approved but not disbursed, then it is listed as not_yet NOT_DISBURSED; a loan without a ' +
    'support rule has no verdict',
  async (t) => {
    const household = await poorHousehold(ta)
    const approved = await approvedLoan(ta, {
      householdId: household,
      localPolicyCode: DANANG,
      amount: 12_000_000,
      termMonths: 12,
      principalPlan: { everyMonths: 1, graceMonths: 0 },
    })
    const before = rowCounts(app)
    const v = (await verdictOf(ta, approved.loanId))!
    t.match(v, {
      outcome: 'not_yet',
      reason: 'NOT_DISBURSED',
      loanStatus: 'approved',
      evidence: { disbursedOn: null, instalments: { due: 0, paidOnTime: 0 } },
    })
    t.equal(v.explanationVi, 'Chưa xét: khoản vay chưa được giải ngân.')
    t.same(rowCounts(app), before, 'reading a verdict writes nothing')
    await sameInDetail(t, ta, v)

    const plain = await disbursedLoan(ta, { householdId: await poorHousehold(ta) })
    const detail = await detailOf(ta, plain.loanId)
    t.notOk('supportVerdict' in detail, 'POOR without a local policy: no supportVerdict field')
    t.notOk(
      (await evaluations(ta, '')).some((x) => x.loanId === plain.loanId),
      'not listed',
    )
  },
)

test(
  'when the policy budget left is smaller than the amount, then not_yet BUDGET_EXHAUSTED shows the budget ' +
    'left and the amount',
  async (t) => {
    const code = await createSupportPolicy(ta, { budget: 5_000_000 })
    const first = await loanOf(ta, { localPolicyCode: code })
    const second = await loanOf(ta, { localPolicyCode: code })
    for (const l of [first, second]) {
      await repayInstalments(ta, l)
      await recordStatus(ta, l.householdId, '2026-03-01', 'escaped', 'officerA')
    }
    t.match(await verdictOf(ta, first.loanId), { outcome: 'eligible', reason: 'CONDITIONS_MET' })
    const v = (await verdictOf(ta, second.loanId))!
    t.match(v, {
      outcome: 'not_yet',
      reason: 'BUDGET_EXHAUSTED',
      evidence: { budget: { amount: 4_000_000, remaining: 1_000_000 }, payment: null },
    })
    t.match(v.explanationVi, /ngân sách của chính sách còn 1\.000\.000 đồng, ít hơn mức hỗ trợ 4\.000\.000 đồng/)
    const blocked = await evaluations(ta, `policyCode=${code}&reason=BUDGET_EXHAUSTED`)
    t.same(
      blocked.map((x) => x.loanId),
      [second.loanId],
      'filter by policy and reason',
    )
  },
)

test(
  'when a household already received its payment through an earlier loan, then a second eligible loan says so ' +
    '(once per household and policy)',
  async (t) => {
    const household = await poorHousehold(ta)
    const l1 = await supportLoan(ta, { householdId: household, termMonths: 6, valueDate: '2025-01-10' })
    await repayInstalments(ta, l1)
    const l2 = await supportLoan(ta, { householdId: household, termMonths: 6, valueDate: '2025-08-01' })
    await repayInstalments(ta, l2)
    await recordStatus(ta, household, '2026-03-01', 'escaped', 'officerA')
    const [payment] = await paymentsOf(ta, household)
    t.equal(payment?.loanId, l1.loanId, 'the first loan earned it')
    const v = (await verdictOf(ta, l2.loanId))!
    t.match(v, {
      outcome: 'eligible',
      reason: 'CONDITIONS_MET',
      evidence: { payment: { id: payment!.id, loanId: l1.loanId } },
    })
    t.match(
      v.explanationVi,
      new RegExp(
        `Hộ đã có khoản hỗ trợ số ${payment!.id} theo khoản vay số ${l1.loanId} .*mỗi hộ chỉ được hỗ trợ một ` +
          `lần theo mỗi chính sách\\.$`,
      ),
    )
  },
)

/** A support policy for Huế (branch B), as DANANG_INTEREST_FREE covers Đà Nẵng only. */
async function hueSupportPolicy(tapp: TestApp): Promise<string> {
  const code = unique('HUE').replace(/-/g, '_').toUpperCase()
  expectStatus(
    await tapp.as('admin', {
      method: 'POST',
      url: '/v1/local-policies',
      payload: {
        code,
        name: `Huế support ${code}`,
        region: 'Huế',
        programmeCode: 'POOR',
        borrowerRatePpm: 0,
        budget: 1_000_000_000,
        effectiveFrom: '2000-01-01',
        supportRule: {
          amount: 3_000_000,
          requiresOnTimeRepayment: true,
          requiresPovertyExit: true,
          exitWindowMonthsAfterClosure: 12,
        },
      },
    }),
    201,
    'create a Huế policy',
  )
  return code
}

test(
  'the list filters by outcome, reason, policy, branch and household; unknown or invalid parameters are ' +
    'refused with 400',
  async (t) => {
    const b = await loanOf(ta, { group: 'groupB', localPolicyCode: await hueSupportPolicy(ta) })
    // Never repaid: on 2026-06-30 its first instalment is long overdue.
    const all = await evaluations(ta, '')
    t.ok(all.length >= 5, 'several verdicts')
    t.same(
      all.map((v) => v.loanId),
      [...all.map((v) => v.loanId)].sort((x, y) => x - y),
      'ordered by loan id',
    )
    for (const outcome of ['eligible', 'not_yet', 'ineligible']) {
      const got = await evaluations(ta, `outcome=${outcome}`)
      t.same(
        got.map((v) => v.loanId),
        all.filter((v) => v.outcome === outcome).map((v) => v.loanId),
        `outcome=${outcome}`,
      )
    }
    const late = await evaluations(ta, 'reason=LATE_INSTALMENT')
    t.ok(late.length >= 2 && late.every((v) => v.reason === 'LATE_INSTALMENT'), 'reason=LATE_INSTALMENT')
    t.same(
      (await evaluations(ta, 'reason=CONDITIONS_MET')).map((v) => v.loanId),
      all.filter((v) => v.outcome === 'eligible').map((v) => v.loanId),
      'CONDITIONS_MET = the eligible ones',
    )
    t.same(
      (await evaluations(ta, `branchId=${world.branchB}`)).map((v) => v.loanId),
      [b.loanId],
      'branchId',
    )
    t.same(
      (await evaluations(ta, `householdId=${b.householdId}`)).map((v) => v.loanId),
      [b.loanId],
      'householdId',
    )
    t.same(await evaluations(ta, 'policyCode=NO_SUCH_POLICY'), [], 'unknown policy: empty')
    t.ok((await evaluations(ta, `policyCode=${DANANG}`)).every((v) => v.policyCode === DANANG))

    const page1 = expectStatus(
      await as('auditor', { method: 'GET', url: '/v1/support-evaluations?limit=2' }),
      200,
      'page 1',
    ).json()
    const page2 = expectStatus(
      await as('auditor', { method: 'GET', url: `/v1/support-evaluations?limit=2&cursor=${page1.nextCursor}` }),
      200,
      'page 2',
    ).json()
    t.same(
      [...page1.items, ...page2.items].map((v: Verdict) => v.loanId),
      all.slice(0, 4).map((v) => v.loanId),
      'pages follow each other',
    )

    const before = rowCounts(app)
    for (const q of ['outcome=maybe', 'reason=LATE', 'branchId=abc', 'outcom=eligible', 'householdId=0']) {
      const res = await as('auditor', { method: 'GET', url: `/v1/support-evaluations?${q}` })
      t.equal(res.statusCode, 400, `${q} → 400`)
      t.equal(res.json().code, 'VALIDATION_ERROR')
    }
    t.same(rowCounts(app), before, 'nothing written')
  },
)

test(
  'scope: branch staff see their branch, a partner officer the loans of their partner, finance, auditor and ' +
    'admin everything; outside it a loan is 404',
  async (t) => {
    const all = await evaluations(ta, '', 'admin')
    const inA = all.filter((v) => v.branchId === world.branchA).map((v) => v.loanId)
    const inB = all.filter((v) => v.branchId === world.branchB).map((v) => v.loanId)
    t.ok(inA.length > 0 && inB.length > 0, 'both branches have verdicts')
    for (const who of ['finance', 'auditor', 'admin'] as const)
      t.same(
        (await evaluations(ta, '', who)).map((v) => v.loanId),
        all.map((v) => v.loanId),
        `${who}: all`,
      )
    for (const who of ['officerA', 'managerA'] as const)
      t.same(
        (await evaluations(ta, '', who)).map((v) => v.loanId),
        inA,
        `${who}: branch A`,
      )
    t.same(
      (await evaluations(ta, '', 'officerB')).map((v) => v.loanId),
      inB,
      'officerB: branch B',
    )
    t.same(
      await evaluations(ta, `branchId=${world.branchB}`, 'officerA'),
      [],
      'officerA cannot read branch B through the filter',
    )
    t.same(
      (await evaluations(ta, '', 'partnerA')).map((v) => v.loanId),
      all.filter((v) => v.partnerId === world.partnerA).map((v) => v.loanId),
      "partnerA: its partner's loans",
    )
    t.same(await evaluations(ta, '', 'partnerA2'), [], 'partnerA2: none of those')
    t.equal(
      (await as('officerB', { method: 'GET', url: `/v1/loans/${inA[0]}` })).statusCode,
      404,
      'a loan outside the scope is 404',
    )
    t.equal((await as(null, { method: 'GET', url: '/v1/support-evaluations' })).statusCode, 401)
  },
)

test(
  'as CSV (Accept: text/csv): UTF-8 with BOM, Vietnamese headers first, one row per verdict, the same figures ' +
    'as JSON, amounts as plain integers',
  async (t) => {
    const json = await evaluations(ta, '', 'finance')
    for (const opts of [{ headers: { accept: 'text/csv' } }, { query: 'format=csv' }]) {
      const url = `/v1/support-evaluations${'query' in opts ? `?${opts.query}` : ''}`
      const res = await as('finance', { method: 'GET', url, headers: 'headers' in opts ? opts.headers : {} })
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/)
      t.match(res.headers['content-disposition'], /attachment; filename="support-evaluations\.csv"/)
      t.ok(res.body.startsWith('\uFEFF'), 'BOM for Excel')
      const rows = parseCsv(res.body.slice(1))
      const header = rows[0]!
      t.equal(header[0], 'Mã khoản vay (loanId)', 'Vietnamese first, the field name in brackets')
      t.ok(
        header.includes('Chủ hộ (householdName)') &&
          header.includes('Giải thích (explanationVi)') &&
          header.includes('Kỳ trễ hạn (lateInstalment)'),
      )
      const col = (name: string) => header.findIndex((h) => h.endsWith(`(${name})`))
      const records = rows.slice(1)
      t.equal(records.length, json.length, 'every verdict (no page limit for a spreadsheet)')
      t.same(
        records.map((r) => [
          Number(r[col('loanId')]),
          r[col('outcome')],
          r[col('reason')],
          r[col('explanationVi')],
          r[col('householdName')],
        ]),
        json.map((v) => [v.loanId, v.outcome, v.reason, v.explanationVi, v.householdName]),
        'same verdicts as JSON',
      )
      const late = json.find((v) => v.reason === 'LATE_INSTALMENT' && v.evidence.lateInstalment?.paidOn)!
      const row = records.find((r) => Number(r[col('loanId')]) === late.loanId)!
      t.same(
        [row[col('lateInstalment')], row[col('lateDueDate')], row[col('latePaidOn')]],
        [
          String(late.evidence.lateInstalment!.number),
          late.evidence.lateInstalment!.dueDate,
          late.evidence.lateInstalment!.paidOn,
        ],
      )
      t.match(row[col('budgetRemaining')], /^\d+$/, 'amounts stay plain integers')
      t.equal(row[col('outcomeVi')], 'Không đủ điều kiện')
    }
    const limited = await as('finance', {
      method: 'GET',
      url: '/v1/support-evaluations?limit=2',
      headers: { accept: 'text/csv' },
    })
    t.equal(parseCsv(limited.body.slice(1)).length, 3, 'limit caps the CSV rows too')
  },
)

test(
  'the support-payment list carries recoveries: a paid payment whose loan turns late has its recovery in the ' +
    'list, found by hasRecovery=true, and in the report',
  async (t) => {
    const loan = await loanOf(ta)
    const { transactionIds } = await repayInstalments(ta, loan)
    await recordStatus(ta, loan.householdId, '2026-03-01', 'escaped', 'officerA')
    const [payment] = await paymentsOf(ta, loan.householdId)
    expectStatus(await supportAction(ta, 'managerA', payment!.id, 'approve'), 200, 'approve')
    expectStatus(
      await supportAction(ta, 'finance', payment!.id, 'pay', { paidOn: '2026-06-30', reference: unique('VCB') }),
      200,
      'pay',
    )
    const none = await as('auditor', { method: 'GET', url: '/v1/support-payments?hasRecovery=true&limit=500' })
    t.notOk(
      none.json().items.some((p: { id: number }) => p.id === payment!.id),
      'not yet recovered',
    )
    t.equal((await paymentsOf(ta, loan.householdId))[0]!.recovery, null, 'a list item without recovery says null')

    // The last instalment's repayment is reversed: instalment 12 (due 2026-01-15) is unpaid and late on 2026-06-30.
    expectStatus(
      await as('officerA', {
        method: 'POST',
        url: `/v1/loans/${loan.loanId}/transactions/${transactionIds[11]}/reverse`,
        payload: { reason: 'Counted twice' },
      }),
      201,
      'reverse',
    )
    const [listed] = await paymentsOf(ta, loan.householdId)
    t.match(
      listed,
      {
        id: payment!.id,
        status: 'paid',
        recovery: { amount: 4_000_000, createdOn: '2026-06-30', reason: /LATE_INSTALMENT/ },
      },
      'the list item carries its recovery',
    )
    const withRecovery = (
      await as('auditor', { method: 'GET', url: '/v1/support-payments?hasRecovery=true&limit=500' })
    ).json().items as { id: number; recovery: unknown }[]
    t.ok(
      withRecovery.some((p) => p.id === payment!.id) && withRecovery.every((p) => p.recovery !== null),
      'hasRecovery=true finds it',
    )
    const without = (
      await as('auditor', { method: 'GET', url: '/v1/support-payments?hasRecovery=false&limit=500' })
    ).json().items as { id: number; recovery: unknown }[]
    t.ok(
      !without.some((p) => p.id === payment!.id) && without.every((p) => p.recovery === null),
      'hasRecovery=false leaves it out',
    )

    const v = (await verdictOf(ta, loan.loanId))!
    t.match(v, {
      outcome: 'ineligible',
      reason: 'LATE_INSTALMENT',
      evidence: {
        lateInstalment: { number: 12, dueDate: '2026-01-15', paidOn: null },
        payment: { id: payment!.id, status: 'paid', recovered: true },
      },
    })
    t.match(
      v.explanationVi,
      /vẫn chưa trả .* Khoản hỗ trợ số \d+ đã chi trả ngày 30\/06\/2026; khoản đã chi phải thu hồi\.$/,
    )

    const report = expectStatus(
      await as('auditor', { method: 'GET', url: '/v1/reports/support-payments' }),
      200,
      'report',
    ).json()
    t.match(
      report.recoveries.find((r: { supportPaymentId: number }) => r.supportPaymentId === payment!.id),
      { householdId: loan.householdId, loanId: loan.loanId, amount: 4_000_000 },
    )
    t.equal(report.totals.recoveredCount, report.recoveries.length)
    t.equal(
      report.totals.recoveredAmount,
      report.recoveries.reduce((a: number, r: { amount: number }) => a + r.amount, 0),
    )
    const paidRow = report.byBranch.find(
      (r: { branchId: number; status: string }) => r.branchId === world.branchA && r.status === 'paid',
    )
    t.ok(paidRow.recoveredCount >= 1, 'by branch: the recovery is counted on the paid row')
  },
)

t.test(
  "when the daily close passes an unpaid due date, then the active loan's verdict becomes ineligible " +
    'LATE_INSTALMENT that day',
  async (t) => {
    const own = await buildTestApp(t)
    const household = await poorHousehold(own)
    // instalment 1 due 2026-07-15
    const loan = await supportLoan(own, { householdId: household, valueDate: '2026-06-15' })
    t.match(await verdictOf(own, loan.loanId), {
      outcome: 'not_yet',
      reason: 'LOAN_NOT_CLOSED',
      evidence: { instalments: { due: 12, paidOnTime: 0 }, lateInstalment: null },
    })
    expectStatus(
      await own.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-07-15' } }),
      200,
      'close to the due date',
    )
    t.match(
      await verdictOf(own, loan.loanId),
      { outcome: 'not_yet', reason: 'LOAN_NOT_CLOSED' },
      'on its due date it is not late yet',
    )
    expectStatus(
      await own.as('admin', { method: 'POST', url: '/v1/close-of-business', payload: { date: '2026-07-16' } }),
      200,
      'close the due date',
    )
    const v = (await verdictOf(own, loan.loanId))!
    t.match(v, {
      outcome: 'ineligible',
      reason: 'LATE_INSTALMENT',
      evaluatedOn: '2026-07-16',
      evidence: { lateInstalment: { number: 1, dueDate: '2026-07-15', paidOn: null, daysLate: 1 } },
    })
    t.equal(
      v.explanationVi,
      'Không đủ điều kiện: kỳ trả nợ số 1 đến hạn ngày 15/07/2026 đến ngày 16/07/2026 vẫn chưa trả (quá hạn ' +
        '1 ngày).',
    )
    const stored = own.app.sqlite
      .prepare(
        'SELECT outcome, reason, evaluated_on AS evaluatedOn, evidence FROM support_evaluations WHERE loan_id = ?',
      )
      .get(loan.loanId) as { evidence: string }
    t.match(
      stored,
      { outcome: 'ineligible', reason: 'LATE_INSTALMENT', evaluatedOn: '2026-07-16' },
      'stored by the close',
    )
    t.equal(JSON.parse(stored.evidence).lateInstalment.number, 1, 'with its evidence')

    // An approved loan never evaluated gets its stored verdict at the next close.
    const approved = await approvedLoan(own, {
      householdId: await poorHousehold(own),
      localPolicyCode: DANANG,
      amount: 12_000_000,
      termMonths: 12,
      principalPlan: { everyMonths: 1, graceMonths: 0 },
      applicationDate: '2026-07-01',
      certifiedOn: '2026-07-02',
      approvedOn: '2026-07-03',
    })
    t.notOk(
      own.app.sqlite.prepare('SELECT 1 FROM support_evaluations WHERE loan_id = ?').get(approved.loanId),
      'not stored yet',
    )
    expectStatus(
      await own.as('admin', {
        method: 'POST',
        url: '/v1/close-of-business',
        payload: { date: addDays('2026-07-16', 1) },
      }),
      200,
      'close',
    )
    t.match(
      own.app.sqlite.prepare('SELECT outcome, reason FROM support_evaluations WHERE loan_id = ?').get(approved.loanId),
      { outcome: 'not_yet', reason: 'NOT_DISBURSED' },
    )
  },
)
