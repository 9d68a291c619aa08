/**
 * Area-wide relief (docs/rules.md §18): what a disaster or epidemic decision asks of each loan, and
 * which loans it cannot touch before the loan's own rules are even tried. The limits of each measure
 * (extension ≤ 12 months or half the term, freeze ≤ 60 months, …) are NOT repeated here: the service
 * tries the measure on the loan with the loan engine, which applies them exactly as for a single
 * extension or freeze. Pure: no database, no clock.
 */
import { addMonths, type BusinessDate } from './dates.js'

export const RELIEF_KINDS = ['freeze', 'extension'] as const
export type ReliefKind = (typeof RELIEF_KINDS)[number]

/** Reasons a loan is left out before its measure is tried (the engine's codes are added to these). */
export const RELIEF_EXCLUSIONS = {
  NOT_ACTIVE: 'the loan is not active (not disbursed yet)',
  ALREADY_FROZEN: 'the loan is already frozen on the value date',
  NOTHING_TO_EXTEND: 'every instalment is paid off',
} as const
export type ReliefExclusion = keyof typeof RELIEF_EXCLUSIONS

export interface ReliefMeasure {
  kind: ReliefKind
  valueDate: BusinessDate
  /** extension: months added to the instalment's due date; freeze: length when untilDate is not given */
  months?: number
  /** freeze: last frozen day */
  untilDate?: BusinessDate
}

/** The facts of a loan the measure needs (a subset of the replayed state). */
export interface ReliefLoanFacts {
  state: string
  freeze: { from: BusinessDate; until: BusinessDate } | null
  instalments: readonly { number: number; effectiveDueDate: BusinessDate; paidOffOn: BusinessDate | null }[]
}

/** The freeze's last day: the given untilDate, or valueDate + months. */
export function freezeUntil(measure: ReliefMeasure): BusinessDate {
  if (measure.untilDate !== undefined) return measure.untilDate
  if (measure.months === undefined) throw new RangeError('a freeze needs untilDate or months')
  return addMonths(measure.valueDate, measure.months)
}

export type LoanMeasure =
  | { kind: 'freeze'; fromDate: BusinessDate; untilDate: BusinessDate }
  | { kind: 'extension'; instalmentNumber: number; newDueDate: BusinessDate }

/**
 * What the decision asks of this loan, or why it is left out. An extension moves the loan's earliest
 * instalment not paid off by `months` from its current effective due date (an overdue instalment as
 * well as the next one due); a freeze runs from the value date to `freezeUntil`.
 */
export function measureFor(
  measure: ReliefMeasure,
  loan: ReliefLoanFacts,
): { ok: true; measure: LoanMeasure } | { ok: false; reason: ReliefExclusion } {
  if (loan.state !== 'active') return { ok: false, reason: 'NOT_ACTIVE' }
  if (measure.kind === 'freeze') {
    const f = loan.freeze
    if (f && f.from < measure.valueDate && measure.valueDate <= f.until) return { ok: false, reason: 'ALREADY_FROZEN' }
    return { ok: true, measure: { kind: 'freeze', fromDate: measure.valueDate, untilDate: freezeUntil(measure) } }
  }
  const first = loan.instalments.filter((i) => i.paidOffOn === null).sort((a, b) => a.number - b.number)[0]
  if (!first) return { ok: false, reason: 'NOTHING_TO_EXTEND' }
  if (measure.months === undefined) throw new RangeError('an extension needs months')
  return {
    ok: true,
    measure: {
      kind: 'extension',
      instalmentNumber: first.number,
      newDueDate: addMonths(first.effectiveDueDate, measure.months),
    },
  }
}

/** Loans per bounded transaction when a decision is applied (a crash loses at most one batch's work, never half a loan). */
export const RELIEF_BATCH_SIZE = 100
