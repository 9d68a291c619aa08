import t from 'tap'
import fc from 'fast-check'
import {
  evaluateSupportRule,
  isLateInstalment,
  type SupportEvaluationInput,
  type SupportInstalmentFacts,
  type SupportLoanFacts,
  type SupportRule,
} from '../../src/domain/support-rule.js'
import type { PovertyRecord, PovertyStatus } from '../../src/domain/poverty.js'
import { addDays, addMonths } from '../../src/domain/dates.js'

// Da Nang's rule as data (docs/rules.md §3).
const DA_NANG: SupportRule = {
  amount: 4_000_000,
  requiresOnTimeRepayment: true,
  requiresPovertyExit: true,
  exitWindowMonthsAfterClosure: 12,
}

/** 12 monthly instalments due on the 15th, 2024-02-15 … 2025-01-15, each paid on its due date. */
function onTimeInstalments(): SupportInstalmentFacts[] {
  return Array.from({ length: 12 }, (_, i) => {
    const due = addMonths('2024-02-15', i)
    return { number: i + 1, effectiveDueDate: due, paidOffOn: due, amountDue: 500_000 }
  })
}

function closedLoan(overrides: Partial<SupportLoanFacts> = {}): SupportLoanFacts {
  return {
    state: 'closed',
    firstDisbursementDate: '2024-01-10',
    closedOn: '2025-01-15',
    instalments: onTimeInstalments(),
    ...overrides,
  }
}

function timeline(...entries: [PovertyStatus, string, boolean?][]): PovertyRecord[] {
  return entries.map(([status, effectiveDate, revoked], i) => ({
    status,
    effectiveDate,
    decisionNo: `QD-${i + 1}`,
    seq: i + 1,
    ...(revoked ? { revoked } : {}),
  }))
}

const ESCAPES_AFTER_CLOSURE = timeline(['poor', '2020-01-01'], ['escaped', '2025-06-01'])

function evaluation(overrides: Partial<SupportEvaluationInput> = {}): SupportEvaluationInput {
  return {
    rule: DA_NANG,
    loan: closedLoan(),
    timeline: ESCAPES_AFTER_CLOSURE,
    asOf: '2025-06-02',
    budgetRemaining: 100_000_000,
    ...overrides,
  }
}

/** The loan with instalment `number` changed. */
function withInstalment(
  number: number,
  change: Partial<SupportInstalmentFacts>,
  loan = closedLoan(),
): SupportLoanFacts {
  return { ...loan, instalments: loan.instalments.map((i) => (i.number === number ? { ...i, ...change } : i)) }
}

t.test('a loan closed on time with a poverty exit inside the window is eligible', (t) => {
  const result = evaluateSupportRule(evaluation())
  t.same(result, { outcome: 'eligible', exit: { record: ESCAPES_AFTER_CLOSURE[1], from: 'poor' } })
  t.end()
})

t.test('a written-off loan never qualifies', (t) => {
  t.same(evaluateSupportRule(evaluation({ loan: closedLoan({ state: 'written_off', closedOn: null }) })), {
    outcome: 'ineligible',
    reason: 'LOAN_WRITTEN_OFF',
  })
  t.end()
})

t.test('a loan approved but not disbursed is not yet evaluated', (t) => {
  const approved = closedLoan({ state: 'approved', firstDisbursementDate: null, closedOn: null, instalments: [] })
  t.same(evaluateSupportRule(evaluation({ loan: approved })), { outcome: 'not_yet', reason: 'NOT_DISBURSED' })
  t.end()
})

t.test('an instalment paid after its due date makes the loan ineligible', (t) => {
  const loan = withInstalment(5, { paidOffOn: '2024-06-16' }) // due 2024-06-15
  t.same(evaluateSupportRule(evaluation({ loan })), { outcome: 'ineligible', reason: 'LATE_INSTALMENT' })
  t.end()
})

t.test('an unpaid instalment past its due date makes the loan ineligible even before closure', (t) => {
  const active = closedLoan({ state: 'active', closedOn: null })
  const loan = withInstalment(12, { paidOffOn: null }, withInstalment(11, { paidOffOn: null }, active))
  // Instalment 11 is due 2024-12-15: still in time on that day, late the day after.
  t.same(evaluateSupportRule(evaluation({ loan, asOf: '2024-12-15' })), {
    outcome: 'not_yet',
    reason: 'LOAN_NOT_CLOSED',
  })
  t.same(evaluateSupportRule(evaluation({ loan, asOf: '2024-12-16' })), {
    outcome: 'ineligible',
    reason: 'LATE_INSTALMENT',
  })
  t.end()
})

t.test('late only because of an approved extension still qualifies', (t) => {
  // Instalment 5 was due 2024-06-15; an extension moved it to 2024-09-15 and it was paid on 2024-09-01.
  const loan = withInstalment(5, { effectiveDueDate: '2024-09-15', paidOffOn: '2024-09-01' })
  t.equal(evaluateSupportRule(evaluation({ loan })).outcome, 'eligible')
  // Paid after the extended date: late.
  const lateEvenSo = withInstalment(5, { effectiveDueDate: '2024-09-15', paidOffOn: '2024-09-16' })
  t.same(evaluateSupportRule(evaluation({ loan: lateEvenSo })), { outcome: 'ineligible', reason: 'LATE_INSTALMENT' })
  t.end()
})

t.test('an instalment with nothing due is never late', (t) => {
  t.notOk(isLateInstalment({ number: 1, effectiveDueDate: '2024-02-15', paidOffOn: null, amountDue: 0 }, '2030-01-01'))
  t.ok(isLateInstalment({ number: 1, effectiveDueDate: '2024-02-15', paidOffOn: null, amountDue: 1 }, '2024-02-16'))
  t.end()
})

t.test('a rule that does not require on-time repayment ignores late instalments', (t) => {
  const loan = withInstalment(5, { paidOffOn: '2024-07-30' })
  t.equal(
    evaluateSupportRule(evaluation({ loan, rule: { ...DA_NANG, requiresOnTimeRepayment: false } })).outcome,
    'eligible',
  )
  t.end()
})

t.test('an active loan repaid on time so far is not yet eligible', (t) => {
  const active = closedLoan({ state: 'active', closedOn: null })
  t.same(
    evaluateSupportRule(evaluation({ loan: withInstalment(12, { paidOffOn: null }, active), asOf: '2025-01-10' })),
    {
      outcome: 'not_yet',
      reason: 'LOAN_NOT_CLOSED',
    },
  )
  t.end()
})

t.test('exit recorded before closure counts', (t) => {
  const escapedDuringLoan = timeline(['poor', '2020-01-01'], ['escaped', '2024-08-01'])
  const result = evaluateSupportRule(evaluation({ timeline: escapedDuringLoan, asOf: '2025-01-15' }))
  t.same(result, { outcome: 'eligible', exit: { record: escapedDuringLoan[1], from: 'poor' } })
  t.end()
})

t.test('exit before disbursement does not count', (t) => {
  const escapedBefore = timeline(['poor', '2020-01-01'], ['escaped', '2023-06-01'])
  t.same(evaluateSupportRule(evaluation({ timeline: escapedBefore })), {
    outcome: 'not_yet',
    reason: 'NO_POVERTY_EXIT',
  })
  t.end()
})

t.test('no exit yet while the window is open is not yet', (t) => {
  const stillPoor = timeline(['poor', '2020-01-01'])
  // Window end = 2025-01-15 + 12 months = 2026-01-15, its last day included.
  t.same(evaluateSupportRule(evaluation({ timeline: stillPoor, asOf: '2026-01-15' })), {
    outcome: 'not_yet',
    reason: 'NO_POVERTY_EXIT',
  })
  t.end()
})

t.test('no exit once the window has passed is ineligible', (t) => {
  const stillPoor = timeline(['poor', '2020-01-01'])
  t.same(evaluateSupportRule(evaluation({ timeline: stillPoor, asOf: '2026-01-16' })), {
    outcome: 'ineligible',
    reason: 'NO_POVERTY_EXIT',
  })
  t.end()
})

t.test('an exit effective on the last day of the window counts, the day after does not', (t) => {
  const onLastDay = timeline(['poor', '2020-01-01'], ['escaped', '2026-01-15'])
  t.equal(evaluateSupportRule(evaluation({ timeline: onLastDay, asOf: '2026-01-20' })).outcome, 'eligible')
  const dayAfter = timeline(['poor', '2020-01-01'], ['escaped', '2026-01-16'])
  t.same(evaluateSupportRule(evaluation({ timeline: dayAfter, asOf: '2026-01-20' })), {
    outcome: 'ineligible',
    reason: 'EXIT_OUTSIDE_WINDOW',
  })
  t.end()
})

t.test('an exit decided for a later date is not an exit yet', (t) => {
  const futureExit = timeline(['poor', '2020-01-01'], ['escaped', '2025-09-01'])
  t.same(evaluateSupportRule(evaluation({ timeline: futureExit, asOf: '2025-06-02' })), {
    outcome: 'not_yet',
    reason: 'NO_POVERTY_EXIT',
  })
  t.equal(evaluateSupportRule(evaluation({ timeline: futureExit, asOf: '2025-09-01' })).outcome, 'eligible')
  t.end()
})

t.test('a revoked exit does not count', (t) => {
  const revoked = timeline(['poor', '2020-01-01'], ['escaped', '2025-06-01', true])
  t.same(evaluateSupportRule(evaluation({ timeline: revoked })), { outcome: 'not_yet', reason: 'NO_POVERTY_EXIT' })
  t.end()
})

t.test('a remaining budget smaller than the amount holds the payment back', (t) => {
  t.same(evaluateSupportRule(evaluation({ budgetRemaining: 3_999_999 })), {
    outcome: 'not_yet',
    reason: 'BUDGET_EXHAUSTED',
  })
  t.equal(evaluateSupportRule(evaluation({ budgetRemaining: 4_000_000 })).outcome, 'eligible')
  t.end()
})

t.test('a rule without an exit requirement pays on an on-time closure', (t) => {
  const rule = { ...DA_NANG, requiresPovertyExit: false }
  t.same(evaluateSupportRule(evaluation({ rule, timeline: [] })), { outcome: 'eligible', exit: null })
  t.end()
})

t.test('a closed loan without a closing date is a programming error', (t) => {
  t.throws(() => evaluateSupportRule(evaluation({ loan: closedLoan({ closedOn: null }) })), RangeError)
  t.end()
})

// ---- properties ----------------------------------------------------------------

const DISBURSED = '2024-01-10'
const STATUSES: PovertyStatus[] = ['poor', 'near_poor', 'escaped', 'none']

const loanArb: fc.Arbitrary<SupportLoanFacts> = fc
  .record({
    state: fc.constantFrom<SupportLoanFacts['state']>(
      'approved',
      'active',
      'closed',
      'closed',
      'closed',
      'written_off',
    ),
    instalments: fc.array(
      fc.record({
        extensionDays: fc.oneof(
          { arbitrary: fc.constant(0), weight: 4 },
          { arbitrary: fc.integer({ min: 1, max: 120 }), weight: 1 },
        ),
        // relative to the original due date; mostly on or before it
        paidDelta: fc.option(fc.integer({ min: -20, max: 3 }), { freq: 10 }),
        amountDue: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 10_000_000 }), weight: 9 },
          { arbitrary: fc.constant(0), weight: 1 },
        ),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    closedAfterDays: fc.integer({ min: 0, max: 30 }),
  })
  .map(({ state, instalments, closedAfterDays }): SupportLoanFacts => {
    const rows = instalments.map((r, i) => {
      const due = addMonths('2024-02-15', i)
      return {
        number: i + 1,
        effectiveDueDate: addDays(due, r.extensionDays),
        paidOffOn: r.paidDelta === null ? null : addDays(due, r.paidDelta),
        amountDue: r.amountDue,
      }
    })
    const lastDue = rows[rows.length - 1]!.effectiveDueDate
    if (state === 'approved') return { state, firstDisbursementDate: null, closedOn: null, instalments: [] }
    return {
      state,
      firstDisbursementDate: DISBURSED,
      closedOn: state === 'closed' ? addDays(lastDue, closedAfterDays) : null,
      instalments: rows,
    }
  })

const timelineArb: fc.Arbitrary<PovertyRecord[]> = fc
  .array(
    fc.record({
      status: fc.constantFrom(...STATUSES),
      day: fc.integer({ min: -800, max: 1_200 }),
      revoked: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    }),
    { maxLength: 6 },
  )
  .map((rows) =>
    rows.map((r, i) => ({
      id: i + 1,
      status: r.status,
      effectiveDate: addDays(DISBURSED, r.day),
      decisionNo: `QD-${i + 1}`,
      seq: i + 1,
      ...(r.revoked ? { revoked: true } : {}),
    })),
  )

const inputArb: fc.Arbitrary<SupportEvaluationInput> = fc.record({
  rule: fc.record({
    amount: fc.constant(4_000_000),
    requiresOnTimeRepayment: fc.boolean(),
    requiresPovertyExit: fc.boolean(),
    exitWindowMonthsAfterClosure: fc.integer({ min: 0, max: 24 }),
  }),
  loan: loanArb,
  timeline: timelineArb,
  asOf: fc.integer({ min: 0, max: 1_500 }).map((d) => addDays(DISBURSED, d)),
  budgetRemaining: fc.oneof(
    { arbitrary: fc.integer({ min: 4_000_000, max: 100_000_000 }), weight: 4 },
    { arbitrary: fc.integer({ min: 0, max: 3_999_999 }), weight: 1 },
  ),
})

const RUNS = { numRuns: 200 }

t.test('property: eligible ⇒ closed, no late instalment, an exit inside the window, and budget for the amount', (t) => {
  fc.assert(
    fc.property(inputArb, (input) => {
      const result = evaluateSupportRule(input)
      if (result.outcome !== 'eligible') return true
      const { rule, loan, asOf } = input
      const windowEnd = addMonths(loan.closedOn!, rule.exitWindowMonthsAfterClosure)
      const onTime = !rule.requiresOnTimeRepayment || loan.instalments.every((i) => !isLateInstalment(i, asOf))
      const exitInside =
        !rule.requiresPovertyExit ||
        (result.exit !== null &&
          !result.exit.record.revoked &&
          result.exit.record.effectiveDate > loan.firstDisbursementDate! &&
          result.exit.record.effectiveDate <= windowEnd &&
          result.exit.record.effectiveDate <= asOf &&
          (result.exit.from === 'poor' || result.exit.from === 'near_poor'))
      return loan.state === 'closed' && onTime && exitInside && input.budgetRemaining >= rule.amount
    }),
    RUNS,
  )
  t.end()
})

t.test('property: the outcome does not depend on the order of the timeline array', (t) => {
  fc.assert(
    fc.property(
      inputArb.chain((input) =>
        fc
          .shuffledSubarray(input.timeline as PovertyRecord[], {
            minLength: input.timeline.length,
            maxLength: input.timeline.length,
          })
          .map((shuffled) => [input, shuffled] as const),
      ),
      ([input, shuffled]) =>
        JSON.stringify(evaluateSupportRule({ ...input, timeline: shuffled })) ===
        JSON.stringify(evaluateSupportRule(input)),
    ),
    RUNS,
  )
  t.end()
})

t.test('property: a larger budget never blocks a payment a smaller one allowed', (t) => {
  fc.assert(
    fc.property(inputArb, fc.integer({ min: 0, max: 10_000_000 }), (input, more) => {
      fc.pre(evaluateSupportRule(input).outcome === 'eligible')
      return evaluateSupportRule({ ...input, budgetRemaining: input.budgetRemaining + more }).outcome === 'eligible'
    }),
    RUNS,
  )
  t.end()
})
