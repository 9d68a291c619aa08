/**
 * Borrowers beyond poor households (docs/rules.md §15): the STUDENT, RELEASED_PERSON and EMPLOYER_WAGES
 * programmes are data — borrower kind, facts, rules — read by one generic checker. Each rule's refusal is a
 * named 422 that changes nothing and lists the rules checked; the facts are kept on the application and
 * copied to the loan. Figures are worked out by hand in the test names.
 */
import t, { type Test } from 'tap'
import { buildTestApp, rowCounts } from '../helpers/app.js'
import { act, applicationBody, certifyBody, householdWithStatus, submit, unique } from '../helpers/origination.js'

const ta = await buildTestApp(t)
const { app, as } = ta

const STUDENT_FACTS = {
  studentName: 'Lò Thị Mai',
  schoolName: 'Đại học Đà Nẵng',
  studyMonths: 45,
  expectedGraduationDate: '2030-05-31',
}

/** A household with a status and an application of a §15 programme, dated 2026-06-01. */
async function apply(
  programmeCode: string,
  status: 'poor' | 'near_poor' | 'none',
  fields: { amount: number; termMonths: number; borrowerFacts?: Record<string, unknown>; purposeCode?: string },
) {
  const householdId = await householdWithStatus(ta, { status })
  const body = { ...applicationBody(householdId, { programmeCode, applicationDate: '2026-06-01' }), ...fields }
  return { householdId, res: await submit(ta, 'partnerA', body) }
}

/** Expects a 422 with `code` that wrote nothing. */
async function refused(
  t: Test,
  programmeCode: string,
  status: 'poor' | 'near_poor' | 'none',
  fields: Parameters<typeof apply>[2],
  code: string,
) {
  const householdId = await householdWithStatus(ta, { status })
  const before = rowCounts(app)
  const body = { ...applicationBody(householdId, { programmeCode, applicationDate: '2026-06-01' }), ...fields }
  const res = await submit(ta, 'partnerA', body)
  t.equal(res.statusCode, 422, `422 ${code}`)
  t.equal(res.json().code, code)
  t.same(rowCounts(app), before, 'nothing written')
  return res.json()
}

/** Certified by officerA on 2026-06-05 and approved by managerA on `approvedOn`. */
async function certifyAndApprove(applicationId: number, approvedOn = '2026-06-10') {
  const c = await act(ta, 'officerA', applicationId, 'certify', certifyBody('2026-06-05'))
  if (c.statusCode !== 200) throw new Error(c.body)
  return act(ta, 'managerA', applicationId, 'approve', { approvedOn })
}

t.test('the seeded §15 programmes carry their borrower kind, facts, rules, rate, cap and term as data', async (t) => {
  const get = async (code: string) => (await as('partnerA', { method: 'GET', url: `/v1/programmes/${code}` })).json()
  const student = await get('STUDENT')
  t.equal(student.borrowerKind, 'student')
  t.same(
    student.borrowerFacts.facts.map((f: { name: string; required: boolean }) => [f.name, f.required]),
    [
      ['studentName', true],
      ['schoolName', true],
      ['studyMonths', true],
      ['expectedGraduationDate', true],
      ['hardshipDecisionNo', false],
    ],
  )
  t.same(
    student.borrowerFacts.rules.map((r: { rule: string }) => r.rule),
    ['householdStatusIn', 'integerBetween', 'amountAtMostPerUnit', 'termEndsByFactPlusMonths'],
  )
  t.equal(student.borrowerFacts.rules[2].perUnitAmount, 4_000_000, '4,000,000 VND per month of study')
  t.equal(student.rates[0].monthlyRatePpm, 5500, '6.6 %/year = 0.55 %/month')
  const released = await get('RELEASED_PERSON')
  t.equal(released.borrowerKind, 'released_person')
  t.same(released.borrowerFacts.rules, [{ rule: 'dateWithinMonthsBefore', fact: 'releaseDate', months: 36 }])
  t.equal(released.maxAmount, 100_000_000)
  t.equal(released.maxTermMonths, 120)
  const wages = await get('EMPLOYER_WAGES')
  t.equal(wages.borrowerKind, 'employer')
  t.equal(wages.rates[0].monthlyRatePpm, 0, 'interest-free')
  t.equal(wages.maxTermMonths, 12)
  const poor = await get('POOR')
  t.equal(poor.borrowerKind, 'household', 'the household programmes keep their kind')
  t.same(poor.borrowerFacts, { facts: [], rules: [] })
  t.equal(poor.purposeRequired, false)
})

t.test(
  'student: a near-poor family, 45 months × 4,000,000 = 180,000,000 over 59 months (graduation 2030-05-31 + 12) ' +
    'is accepted; the facts are kept on the application and copied to the loan',
  async (t) => {
    const { res } = await apply('STUDENT', 'near_poor', {
      amount: 180_000_000,
      termMonths: 59,
      borrowerFacts: STUDENT_FACTS,
      purposeCode: 'study',
    })
    t.equal(res.statusCode, 201, res.body)
    t.same(res.json().borrowerFacts, STUDENT_FACTS)
    t.equal(res.json().purposeCode, 'study')
    // Re-checked on 2026-06-10: 2026-06-10 + 59 months = 2031-05-10, still before 2031-05-31.
    const approved = await certifyAndApprove(res.json().id)
    t.equal(approved.statusCode, 200, approved.body)
    const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${approved.json().loanId}` })).json()
    t.same(loan.borrowerFacts, STUDENT_FACTS)
    t.equal(loan.purposeCode, 'study')
    t.equal(loan.approvedAmount, 180_000_000)
  },
)

t.test('AMOUNT_ABOVE_PER_UNIT_CAP: 180,000,001 VND for 45 months of study at 4,000,000 a month', async (t) => {
  const body = await refused(
    t,
    'STUDENT',
    'poor',
    { amount: 180_000_001, termMonths: 59, borrowerFacts: STUDENT_FACTS },
    'AMOUNT_ABOVE_PER_UNIT_CAP',
  )
  t.same(body.reasons, ['AMOUNT_ABOVE_PER_UNIT_CAP'])
  const cap = body.factsChecked.find((c: { rule: string }) => c.rule === 'amountAtMostPerUnit')
  t.same(cap.facts, ['studyMonths'], 'the answer lists the facts checked')
  t.equal(cap.passed, false)
  t.match(cap.detail, /studyMonths 45 × 4000000 = 180000000/)
  t.equal(body.factsChecked.length, 4, 'every rule of the programme is listed')
})

t.test(
  'TERM_BEYOND_FACT_DATE: 60 months from 2026-06-01 end 2031-06-01, after graduation + 12 (2031-05-31)',
  async (t) => {
    const body = await refused(
      t,
      'STUDENT',
      'poor',
      { amount: 100_000_000, termMonths: 60, borrowerFacts: STUDENT_FACTS },
      'TERM_BEYOND_FACT_DATE',
    )
    t.match(body.factsChecked[3].detail, /at most 59/)
  },
)

t.test(
  "BORROWER_HOUSEHOLD_STATUS: a student's family neither poor nor near-poor needs the commune's hardship decision",
  async (t) => {
    await refused(
      t,
      'STUDENT',
      'none',
      { amount: 40_000_000, termMonths: 59, borrowerFacts: STUDENT_FACTS },
      'BORROWER_HOUSEHOLD_STATUS',
    )
    const { res } = await apply('STUDENT', 'none', {
      amount: 40_000_000,
      termMonths: 59,
      borrowerFacts: { ...STUDENT_FACTS, hardshipDecisionNo: 'QĐ 112/UBND-Hòa Bắc' },
    })
    t.equal(res.statusCode, 201, 'with the hardship decision the student qualifies')
  },
)

t.test(
  'FACT_DATE_OUTSIDE_WINDOW: released 2023-06-01 may apply on 2026-06-01 (36 months) but 2023-05-31 may not',
  async (t) => {
    const facts = (releaseDate: string) => ({ releaseDate, releaseCertificateNo: unique('GCN') })
    const { res } = await apply('RELEASED_PERSON', 'none', {
      amount: 50_000_000,
      termMonths: 36,
      borrowerFacts: facts('2023-06-01'),
      purposeCode: 'livestock',
    })
    t.equal(res.statusCode, 201, res.body)
    await refused(
      t,
      'RELEASED_PERSON',
      'none',
      { amount: 50_000_000, termMonths: 36, borrowerFacts: facts('2023-05-31') },
      'FACT_DATE_OUTSIDE_WINDOW',
    )
    // Approval re-checks on its own date: on 2026-06-10 the window starts 2023-06-10, after the release.
    const approval = await certifyAndApprove(res.json().id)
    t.equal(approval.statusCode, 422)
    t.equal(approval.json().code, 'FACT_DATE_OUTSIDE_WINDOW', 'the window is re-checked at approval')
  },
)

t.test(
  'employer: 25 employees × 4,960,000 × 3 months = 372,000,000 is the most; 0 % rate; facts shown on the loan',
  async (t) => {
    const facts = {
      businessName: 'Công ty TNHH May Hòa Bắc',
      businessRegistrationNo: '0401234567',
      employees: 25,
      stoppageMonths: 3,
    }
    await refused(
      t,
      'EMPLOYER_WAGES',
      'none',
      { amount: 372_000_001, termMonths: 12, borrowerFacts: facts },
      'AMOUNT_ABOVE_PER_UNIT_CAP',
    )
    await refused(
      t,
      'EMPLOYER_WAGES',
      'none',
      { amount: 300_000_000, termMonths: 12, borrowerFacts: { ...facts, stoppageMonths: 4 } },
      'FACT_OUT_OF_RANGE',
    )
    const { res } = await apply('EMPLOYER_WAGES', 'none', {
      amount: 372_000_000,
      termMonths: 12,
      borrowerFacts: facts,
      purposeCode: 'wages',
    })
    t.equal(res.statusCode, 201, res.body)
    const approved = await certifyAndApprove(res.json().id)
    t.equal(approved.statusCode, 200, approved.body)
    const loan = (await as('officerA', { method: 'GET', url: `/v1/loans/${approved.json().loanId}` })).json()
    t.equal(loan.monthlyRatePpm, 0)
    t.same(loan.borrowerFacts, facts)
    t.equal(loan.purposeCode, 'wages')
  },
)

t.test('BORROWER_FACT_UNKNOWN: a fact the programme does not define is refused by its name', async (t) => {
  const body = await refused(
    t,
    'RELEASED_PERSON',
    'none',
    {
      amount: 10_000_000,
      termMonths: 12,
      borrowerFacts: { releaseDate: '2025-01-01', releaseCertificateNo: 'GCN 1', prisonName: 'Trại giam X' },
    },
    'BORROWER_FACT_UNKNOWN',
  )
  t.same(body.errors, [
    { field: 'body.borrowerFacts.prisonName', message: 'prisonName is not a fact of this programme' },
  ])
  const household = await refused(
    t,
    'POOR',
    'poor',
    { amount: 10_000_000, termMonths: 12, borrowerFacts: { employees: 3 } },
    'BORROWER_FACT_UNKNOWN',
  )
  t.equal(household.errors[0].field, 'body.borrowerFacts.employees', 'a household programme defines no facts')
})

t.test('BORROWER_FACT_MISSING and BORROWER_FACT_INVALID: each fact refused is named', async (t) => {
  const missing = await refused(
    t,
    'STUDENT',
    'poor',
    { amount: 10_000_000, termMonths: 12, borrowerFacts: { studentName: 'A', schoolName: 'B' } },
    'BORROWER_FACT_MISSING',
  )
  t.same(
    missing.errors.map((e: { field: string }) => e.field),
    ['body.borrowerFacts.studyMonths', 'body.borrowerFacts.expectedGraduationDate'],
  )
  const noFacts = await refused(
    t,
    'EMPLOYER_WAGES',
    'none',
    { amount: 1_000_000, termMonths: 6 },
    'BORROWER_FACT_MISSING',
  )
  t.equal(noFacts.errors.length, 4, 'all four employer facts are named')
  const invalid = await refused(
    t,
    'STUDENT',
    'poor',
    { amount: 10_000_000, termMonths: 12, borrowerFacts: { ...STUDENT_FACTS, expectedGraduationDate: '2030-02-30' } },
    'BORROWER_FACT_INVALID',
  )
  t.same(invalid.errors, [
    { field: 'body.borrowerFacts.expectedGraduationDate', message: 'expectedGraduationDate must be a valid date' },
  ])
})

t.test('an admin creates a programme whose rule reads an undeclared fact: 400 naming the rule', async (t) => {
  const before = rowCounts(app)
  const res = await as('admin', {
    method: 'POST',
    url: '/v1/programmes',
    payload: {
      code: 'VOCATIONAL_BAD',
      name: 'Học nghề',
      legalBasis: 'Thử nghiệm',
      eligibleStatuses: 'any',
      eligibleAreas: 'any',
      maxAmount: 50_000_000,
      maxTermMonths: 60,
      fundingSource: 'central',
      defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
      rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 5500 }],
      borrowerKind: 'student',
      borrowerFacts: {
        facts: [{ name: 'courseMonths', type: 'text', required: true }],
        rules: [
          { rule: 'amountAtMostPerUnit', unitFact: 'courseMonths', perUnitAmount: 4_000_000 },
          { rule: 'termEndsByFactPlusMonths', fact: 'courseEnd', months: 12 },
        ],
      },
    },
  })
  t.equal(res.statusCode, 400)
  t.equal(res.json().code, 'VALIDATION_ERROR')
  t.same(res.json().errors, [
    { field: 'body.borrowerFacts.rules[0]', message: 'courseMonths must be of type integer' },
    { field: 'body.borrowerFacts.rules[1]', message: 'reads courseEnd, which is not declared' },
  ])
  t.same(rowCounts(app), before, 'nothing written')
})

t.test('a programme created by an admin with its facts as data is checked by the same rules', async (t) => {
  const created = await as('admin', {
    method: 'POST',
    url: '/v1/programmes',
    payload: {
      code: 'VOCATIONAL',
      name: 'Cho vay học nghề',
      legalBasis: 'Thử nghiệm',
      eligibleStatuses: 'any',
      eligibleAreas: 'any',
      maxAmount: 50_000_000,
      maxTermMonths: 60,
      fundingSource: 'central',
      defaultPrincipalPlan: { everyMonths: 6, graceMonths: 0 },
      rates: [{ effectiveFrom: '2026-01-01', monthlyRatePpm: 5500 }],
      borrowerKind: 'student',
      borrowerFacts: {
        facts: [{ name: 'courseMonths', type: 'integer', required: true }],
        rules: [{ rule: 'amountAtMostPerUnit', unitFact: 'courseMonths', perUnitAmount: 3_000_000 }],
      },
      purposes: [{ code: 'study', nameVi: 'Học nghề', nameEn: 'Vocational training' }],
    },
  })
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.json().borrowerKind, 'student')
  // 6 months × 3,000,000 = 18,000,000.
  const ok = await apply('VOCATIONAL', 'none', {
    amount: 18_000_000,
    termMonths: 24,
    borrowerFacts: { courseMonths: 6 },
  })
  t.equal(ok.res.statusCode, 201, ok.res.body)
  await refused(
    t,
    'VOCATIONAL',
    'none',
    { amount: 18_000_001, termMonths: 24, borrowerFacts: { courseMonths: 6 } },
    'AMOUNT_ABOVE_PER_UNIT_CAP',
  )
})
