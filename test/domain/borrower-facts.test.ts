import t from 'tap'
import fc from 'fast-check'
import {
  FACT_RULE_REASONS,
  NO_FACTS,
  checkFactRules,
  definitionErrors,
  factProblems,
  maxTermEndingBy,
  type BorrowerFactsDefinition,
  type FactCheckInput,
} from '../../src/domain/borrower-facts.js'
import { addMonths, fromDayNumber } from '../../src/domain/dates.js'

// The three kinds of borrower of docs/rules.md §15, as data (the same shape the seeded programmes carry).
const STUDENT: BorrowerFactsDefinition = {
  facts: [
    { name: 'studentName', type: 'text', required: true },
    { name: 'studyMonths', type: 'integer', required: true },
    { name: 'expectedGraduationDate', type: 'date', required: true },
    { name: 'hardshipDecisionNo', type: 'text', required: false },
  ],
  rules: [
    { rule: 'householdStatusIn', statuses: ['poor', 'near_poor'], unlessFact: 'hardshipDecisionNo' },
    { rule: 'integerBetween', fact: 'studyMonths', min: 1, max: 84 },
    { rule: 'amountAtMostPerUnit', unitFact: 'studyMonths', perUnitAmount: 4_000_000 },
    { rule: 'termEndsByFactPlusMonths', fact: 'expectedGraduationDate', months: 12 },
  ],
}
const RELEASED: BorrowerFactsDefinition = {
  facts: [
    { name: 'releaseDate', type: 'date', required: true },
    { name: 'releaseCertificateNo', type: 'text', required: true },
  ],
  rules: [{ rule: 'dateWithinMonthsBefore', fact: 'releaseDate', months: 36 }],
}
const EMPLOYER: BorrowerFactsDefinition = {
  facts: [
    { name: 'businessRegistrationNo', type: 'text', required: true },
    { name: 'employees', type: 'integer', required: true },
    { name: 'stoppageMonths', type: 'integer', required: true },
  ],
  rules: [
    { rule: 'integerBetween', fact: 'stoppageMonths', min: 1, max: 3 },
    { rule: 'amountAtMostPerUnit', unitFact: 'employees', perUnitAmount: 4_960_000, perMonthsFact: 'stoppageMonths' },
  ],
}

const student = (over: Partial<FactCheckInput> = {}): FactCheckInput => ({
  amount: 180_000_000,
  termMonths: 57,
  checkDate: '2026-09-01',
  householdStatus: 'near_poor',
  facts: { studentName: 'Lò Thị Mai', studyMonths: 45, expectedGraduationDate: '2030-06-30' },
  ...over,
})

t.test('definitionErrors: the seeded kinds of definition are sound, and an empty one is too', async (t) => {
  t.same(definitionErrors(STUDENT), [])
  t.same(definitionErrors(RELEASED), [])
  t.same(definitionErrors(EMPLOYER), [])
  t.same(definitionErrors(NO_FACTS), [])
})

t.test('definitionErrors: a rule reading an undeclared fact, or a fact of the wrong type, is named', async (t) => {
  const errors = definitionErrors({
    facts: [
      { name: 'releaseDate', type: 'text', required: true },
      { name: 'releaseDate', type: 'date', required: false },
      { name: 'Bad-name', type: 'text', required: false },
    ],
    rules: [
      { rule: 'dateWithinMonthsBefore', fact: 'releaseDate', months: 36 },
      { rule: 'amountAtMostPerUnit', unitFact: 'employees', perUnitAmount: 0 },
    ],
  })
  t.same(
    errors.map((e) => e.field),
    ['facts[1].name', 'facts[2].name', 'rules[0]', 'rules[1]', 'rules[1]'],
  )
  t.match(errors[2]!.message, /releaseDate must be of type date/)
  t.match(errors[3]!.message, /employees, which is not declared/)
  t.match(errors[4]!.message, /perUnitAmount/)
})

t.test('factProblems: a fact the programme does not define is refused by its name', async (t) => {
  const problems = factProblems(RELEASED, {
    releaseDate: '2025-01-10',
    releaseCertificateNo: 'GCN 12/2025',
    prisonName: 'Trại X',
  })
  t.same(problems, [
    { reason: 'BORROWER_FACT_UNKNOWN', fact: 'prisonName', message: 'prisonName is not a fact of this programme' },
  ])
})

t.test('factProblems: each missing required fact is named; an optional one may be left out', async (t) => {
  const problems = factProblems(STUDENT, { studentName: 'Lò Thị Mai' })
  t.same(
    problems.map((p) => [p.reason, p.fact]),
    [
      ['BORROWER_FACT_MISSING', 'studyMonths'],
      ['BORROWER_FACT_MISSING', 'expectedGraduationDate'],
    ],
  )
})

t.test('factProblems: a value of the wrong type is BORROWER_FACT_INVALID (date, integer, text)', async (t) => {
  const problems = factProblems(STUDENT, {
    studentName: '   ',
    studyMonths: -1,
    expectedGraduationDate: '2030-02-30',
  })
  t.same(
    problems.map((p) => [p.reason, p.fact]),
    [
      ['BORROWER_FACT_INVALID', 'studentName'],
      ['BORROWER_FACT_INVALID', 'studyMonths'],
      ['BORROWER_FACT_INVALID', 'expectedGraduationDate'],
    ],
  )
  t.same(factProblems(STUDENT, { ...student().facts, studyMonths: 4.5 })[0]?.reason, 'BORROWER_FACT_INVALID')
  t.same(factProblems(STUDENT, { ...student().facts, studyMonths: '45' })[0]?.reason, 'BORROWER_FACT_INVALID')
})

t.test('student: 45 months of study × 4,000,000 = 180,000,000 is the most; one dong more is refused', async (t) => {
  t.same(checkFactRules(STUDENT, student()).reasons, [])
  const over = checkFactRules(STUDENT, student({ amount: 180_000_001 }))
  t.same(over.reasons, ['AMOUNT_ABOVE_PER_UNIT_CAP'])
  const failed = over.checked.find((c) => !c.passed)!
  t.same(failed.facts, ['studyMonths'])
  t.match(failed.detail, /studyMonths 45 × 4000000 = 180000000/)
})

t.test(
  'student: the term ends by graduation + 12 months (2030-06-30 → 2031-06-30): 57 months from 2026-09-01',
  async (t) => {
    // 2026-09-01 + 57 months = 2031-06-01 ≤ 2031-06-30; + 58 months = 2031-07-01 is after it.
    t.equal(maxTermEndingBy('2026-09-01', '2031-06-30'), 57)
    t.same(checkFactRules(STUDENT, student({ termMonths: 57 })).reasons, [])
    const late = checkFactRules(STUDENT, student({ termMonths: 58 }))
    t.same(late.reasons, ['TERM_BEYOND_FACT_DATE'])
    t.match(late.checked[3]!.detail, /= 2031-06-30: at most 57/)
  },
)

t.test(
  "student: the family's household must be poor or near-poor unless a hardship certificate is given",
  async (t) => {
    t.same(checkFactRules(STUDENT, student({ householdStatus: 'poor' })).reasons, [])
    t.same(checkFactRules(STUDENT, student({ householdStatus: 'none' })).reasons, ['BORROWER_HOUSEHOLD_STATUS'])
    const certified = student({ householdStatus: 'none' })
    certified.facts = { ...certified.facts, hardshipDecisionNo: 'QĐ 45/UBND' }
    t.same(checkFactRules(STUDENT, certified).reasons, [])
  },
)

t.test('released person: the release date must be at most 36 months before the check date', async (t) => {
  const at = (releaseDate: string) =>
    checkFactRules(RELEASED, {
      amount: 50_000_000,
      termMonths: 36,
      checkDate: '2026-06-15',
      householdStatus: 'none',
      facts: { releaseDate, releaseCertificateNo: 'GCN 1' },
    }).reasons
  t.same(at('2023-06-15'), [], 'exactly 36 months before: inside')
  t.same(at('2023-06-14'), ['FACT_DATE_OUTSIDE_WINDOW'], 'one day earlier: outside')
  t.same(at('2026-06-15'), [], 'released the same day')
  t.same(at('2026-06-16'), ['FACT_DATE_OUTSIDE_WINDOW'], 'a release after the check date is outside too')
})

t.test(
  'employer: 25 employees × 4,960,000 × 3 months = 372,000,000; stoppage beyond 3 months is refused',
  async (t) => {
    const employer = (amount: number, stoppageMonths: number) =>
      checkFactRules(EMPLOYER, {
        amount,
        termMonths: 12,
        checkDate: '2026-06-15',
        householdStatus: 'none',
        facts: { businessRegistrationNo: '0401234567', employees: 25, stoppageMonths },
      }).reasons
    t.same(employer(372_000_000, 3), [])
    t.same(employer(372_000_001, 3), ['AMOUNT_ABOVE_PER_UNIT_CAP'])
    t.same(employer(372_000_000, 4), ['FACT_OUT_OF_RANGE'], '4 × 25 × 4,960,000 covers the amount, the range does not')
  },
)

t.test('checkFactRules: every rule is listed as checked, in the definition order', async (t) => {
  const r = checkFactRules(STUDENT, student())
  t.same(
    r.checked.map((c) => [c.rule, c.facts, c.passed]),
    [
      ['householdStatusIn', ['hardshipDecisionNo'], true],
      ['integerBetween', ['studyMonths'], true],
      ['amountAtMostPerUnit', ['studyMonths'], true],
      ['termEndsByFactPlusMonths', ['expectedGraduationDate'], true],
    ],
  )
})

const dateArb = fc.integer({ min: 2000 * 365 - 719_528 + 400, max: 2080 * 365 - 719_528 }).map(fromDayNumber)

t.test('property: maxTermEndingBy is the largest whole term ending on or before the limit', async () => {
  fc.assert(
    fc.property(dateArb, dateArb, (start, limit) => {
      const n = maxTermEndingBy(start, limit)
      if (limit < start) return n === -1
      return n >= 0 && addMonths(start, n) <= limit && addMonths(start, n + 1) > limit
    }),
  )
})

t.test('property: amountAtMostPerUnit passes exactly when amount ≤ units × per-unit × months', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000_000_000 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 10_000_000 }),
      (amount, employees, months, perUnit) => {
        const def: BorrowerFactsDefinition = {
          facts: [
            { name: 'employees', type: 'integer', required: true },
            { name: 'months', type: 'integer', required: true },
          ],
          rules: [
            { rule: 'amountAtMostPerUnit', unitFact: 'employees', perUnitAmount: perUnit, perMonthsFact: 'months' },
          ],
        }
        const r = checkFactRules(def, {
          amount,
          termMonths: 12,
          checkDate: '2026-01-01',
          householdStatus: 'none',
          facts: { employees, months },
        })
        return r.eligible === BigInt(amount) <= BigInt(employees) * BigInt(perUnit) * BigInt(months)
      },
    ),
  )
})

t.test('property: dateWithinMonthsBefore passes exactly for dates in [check − months, check]', async () => {
  fc.assert(
    fc.property(dateArb, dateArb, fc.integer({ min: 0, max: 120 }), (fact, checkDate, months) => {
      const def: BorrowerFactsDefinition = {
        facts: [{ name: 'd', type: 'date', required: true }],
        rules: [{ rule: 'dateWithinMonthsBefore', fact: 'd', months }],
      }
      const r = checkFactRules(def, {
        amount: 1,
        termMonths: 1,
        checkDate,
        householdStatus: 'none',
        facts: { d: fact },
      })
      return r.eligible === (fact >= addMonths(checkDate, -months) && fact <= checkDate)
    }),
  )
})

t.test('property: every name the definition lacks is refused once, by name; defined names never are', async () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 9 })), (extra) => {
      const facts: Record<string, unknown> = { ...extra, releaseDate: '2025-01-01', releaseCertificateNo: 'GCN' }
      const unknown = factProblems(RELEASED, facts)
        .filter((p) => p.reason === 'BORROWER_FACT_UNKNOWN')
        .map((p) => p.fact)
      const expected = Object.keys(facts).filter((k) => k !== 'releaseDate' && k !== 'releaseCertificateNo')
      return JSON.stringify(unknown) === JSON.stringify(expected)
    }),
  )
})

t.test('property: reasons are distinct, in FACT_RULE_REASONS order, and eligible iff none', async () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000_000 }),
      fc.integer({ min: 1, max: 240 }),
      fc.constantFrom('poor', 'near_poor', 'escaped', 'none' as const),
      fc.integer({ min: 0, max: 100 }),
      dateArb,
      (amount, termMonths, householdStatus, studyMonths, graduation) => {
        const r = checkFactRules(STUDENT, {
          amount,
          termMonths,
          checkDate: '2026-09-01',
          householdStatus,
          facts: { studentName: 'A', studyMonths, expectedGraduationDate: graduation },
        })
        const order = r.reasons.map((x) => FACT_RULE_REASONS.indexOf(x))
        return (
          r.eligible === (r.reasons.length === 0) &&
          order.every((v, i) => i === 0 || v > order[i - 1]!) &&
          r.checked.length === STUDENT.rules.length
        )
      },
    ),
  )
})
