/**
 * Eligibility of an application for a programme (docs/rules.md §5), checked at
 * submission and again at approval. Every failure is a named reason; all are
 * collected, in the order of EligibilityReason, and the first is the one
 * reported to the caller.
 *
 * Interpretation of the rules:
 * - AMOUNT_NOT_POSITIVE / TERM_NOT_POSITIVE: amount and term must be positive
 *   safe integers (a fraction or NaN is refused under the same reason).
 * - GRACE_NOT_BELOW_TERM: graceMonths must be a whole number with 0 ≤ grace < term.
 * - ELIGIBILITY_STATUS: the poverty status on the application date is not one of
 *   the programme's statuses.
 * - ESCAPED_WINDOW_EXPIRED: for a programme with escapedWindowMonths (ESCAPED, 36),
 *   an 'escaped' household qualifies only if its removal from the list is on or
 *   after applicationDate − escapedWindowMonths (calendar months, addMonths). The
 *   removal date is the latest poverty exit on or before the application date. A
 *   household first recorded as already 'escaped' (no poor record before it) has
 *   no exit in the timeline; its first 'escaped' decision, being the commune's
 *   recognition of the removal, stands for it. A
 *   household refused for the window is not also refused for its status.
 * - AREA_NOT_ELIGIBLE: the household's area is not one of the programme's areas.
 * - AMOUNT_ABOVE_CAP: amount > maxAmount − Σ outstandingPrincipal of the household's
 *   approved/active loans in the same programme (for an approved loan, its approved
 *   amount). "Unless the cap allows" thus lets a second loan through while it fits.
 * - DUPLICATE_ACTIVE_LOAN: another submitted/certified application of the household
 *   in the programme, or a loan approved but not yet disbursed — a double
 *   submission. An active loan alone is not a duplicate; the cap limits it.
 */
import { addMonths, type BusinessDate } from './dates.js'
import { effectiveRecords, lastExitDate, statusOn, type PovertyRecord, type PovertyStatus } from './poverty.js'
import type { Vnd } from './money.js'

export type Area = 'urban' | 'rural'

export interface ProgrammeRules {
  code: string
  eligibleStatuses: readonly PovertyStatus[] | 'any'
  eligibleAreas: readonly Area[] | 'any'
  maxAmount: Vnd
  maxTermMonths: number
  /** 36 for ESCAPED: months after the household's removal from the poor/near-poor list */
  escapedWindowMonths?: number
}

export interface EligibilityInput {
  programme: ProgrammeRules
  household: { area: Area; timeline: readonly PovertyRecord[] }
  amount: number
  termMonths: number
  graceMonths: number
  applicationDate: BusinessDate
  /** same household, same programme; for 'approved' the approved amount */
  existingLoans: readonly { state: 'approved' | 'active'; outstandingPrincipal: Vnd }[]
  /** other submitted/certified applications of the household in the same programme */
  openApplications: number
}

/** In reporting order. */
export const ELIGIBILITY_REASONS = [
  'AMOUNT_NOT_POSITIVE',
  'TERM_NOT_POSITIVE',
  'TERM_ABOVE_MAX',
  'GRACE_NOT_BELOW_TERM',
  'ELIGIBILITY_STATUS',
  'ESCAPED_WINDOW_EXPIRED',
  'AREA_NOT_ELIGIBLE',
  'AMOUNT_ABOVE_CAP',
  'DUPLICATE_ACTIVE_LOAN',
] as const

export type EligibilityReason = (typeof ELIGIBILITY_REASONS)[number]

export interface EligibilityResult {
  eligible: boolean
  /** in the order of ELIGIBILITY_REASONS; the first is the one reported */
  reasons: EligibilityReason[]
}

export function checkEligibility(input: EligibilityInput): EligibilityResult {
  const { programme, household, amount, termMonths, graceMonths, applicationDate } = input
  const failed = new Set<EligibilityReason>()

  const amountValid = Number.isSafeInteger(amount) && amount > 0
  if (!amountValid) failed.add('AMOUNT_NOT_POSITIVE')
  const termValid = Number.isSafeInteger(termMonths) && termMonths > 0
  if (!termValid) failed.add('TERM_NOT_POSITIVE')
  else if (termMonths > programme.maxTermMonths) failed.add('TERM_ABOVE_MAX')
  if (!(Number.isSafeInteger(graceMonths) && graceMonths >= 0 && (!termValid || graceMonths < termMonths))) {
    failed.add('GRACE_NOT_BELOW_TERM')
  }

  const status = statusOn(household.timeline, applicationDate)
  if (programme.eligibleStatuses !== 'any' && !programme.eligibleStatuses.includes(status)) {
    failed.add('ELIGIBILITY_STATUS')
  } else if (programme.escapedWindowMonths !== undefined && status === 'escaped') {
    const removedOn = removalDate(household.timeline, applicationDate)
    const windowStart = addMonths(applicationDate, -programme.escapedWindowMonths)
    if (removedOn === null || removedOn < windowStart) failed.add('ESCAPED_WINDOW_EXPIRED')
  }

  if (programme.eligibleAreas !== 'any' && !programme.eligibleAreas.includes(household.area)) {
    failed.add('AREA_NOT_ELIGIBLE')
  }

  if (amountValid) {
    let owed = 0
    for (const loan of input.existingLoans) owed += loan.outstandingPrincipal
    // Sums of safe integers compared as plain numbers stay exact well beyond any programme cap.
    if (amount > programme.maxAmount - owed) failed.add('AMOUNT_ABOVE_CAP')
  }

  if (input.openApplications > 0 || input.existingLoans.some((loan) => loan.state === 'approved')) {
    failed.add('DUPLICATE_ACTIVE_LOAN')
  }

  const reasons = ELIGIBILITY_REASONS.filter((reason) => failed.has(reason))
  return { eligible: reasons.length === 0, reasons }
}

/**
 * When the household left the poor/near-poor list, as of `date`: the latest exit; for a
 * history that is 'escaped' from its first record on, that first record's date.
 */
function removalDate(timeline: readonly PovertyRecord[], date: BusinessDate): BusinessDate | null {
  const exit = lastExitDate(timeline, date)
  if (exit !== null) return exit
  const known = effectiveRecords(timeline).filter((r) => r.effectiveDate <= date)
  return known.length > 0 && known.every((r) => r.status === 'escaped') ? known[0]!.effectiveDate : null
}
