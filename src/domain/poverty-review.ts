/**
 * The annual poverty review (docs/rules.md §17): each line of a commune's reviewed list is
 * classified against the household's poverty timeline, and the timeline's movements (escaped,
 * fell back, newly listed) are counted for the report. Pure: no database, no clock.
 */
import { isBusinessDate, type BusinessDate } from './dates.js'
import { foldText } from './text.js'
import { effectiveRecords, isPoor, statusOn, type PovertyRecord, type PovertyStatus } from './poverty.js'

/** A line as read from the file (every cell still text: a bad value is reported on its line, not refused). */
export interface ReviewLineInput {
  line: number
  nationalId: string
  status: string
  decisionNo: string
  effectiveDate: string
}

/** What the service knows of the household with a citizen ID. */
export interface ReviewHousehold {
  householdId: number
  transactionPointId: number
  timeline: readonly PovertyRecord[]
}

export const REVIEW_OUTCOMES = ['change', 'no_change', 'unknown_citizen_id', 'other_commune', 'conflict'] as const
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number]

/** Why a line is what it is; every outcome carries one. */
export const REVIEW_LINE_CODES = {
  CHANGE: 'the status changes (from → to)',
  SAME_STATUS: 'the same status is already in force on the effective date',
  ALREADY_RECORDED: 'this decision (number, status, date) is already recorded for the household',
  UNKNOWN_CITIZEN_ID: 'no household has this citizen ID',
  OTHER_COMMUNE: "the household belongs to another commune's transaction point",
  INVALID_CITIZEN_ID: 'the citizen ID is not 12 digits',
  INVALID_STATUS: 'the status is not one of poor, near_poor, escaped, none (or their Vietnamese names)',
  INVALID_DATE: 'the effective date is not a YYYY-MM-DD (or DD/MM/YYYY) date',
  MISSING_DECISION_NO: 'the decision number is empty or longer than 100 characters',
  DUPLICATE_IN_FILE: 'the same citizen ID appears on more than one line of the file',
  DATE_AFTER_BUSINESS_DATE: 'the effective date is after the business date',
  LATER_DECISION_RECORDED: 'a decision with a later effective date is already recorded for the household',
  DECISION_NUMBER_USED: 'the decision number is already recorded for the household with another status or date',
} as const
export type ReviewLineCode = keyof typeof REVIEW_LINE_CODES

export interface ClassifiedLine {
  line: number
  nationalId: string
  decisionNo: string
  /** the status as understood, or null when it could not be read */
  status: PovertyStatus | null
  effectiveDate: BusinessDate | null
  householdId: number | null
  outcome: ReviewOutcome
  code: ReviewLineCode
  /** the status in force on the effective date before this line (known households only) */
  fromStatus: PovertyStatus | null
}

/** Status words as communes write them: the codes, their Vietnamese names, with or without diacritics. */
const STATUS_WORDS: Record<string, PovertyStatus> = {
  poor: 'poor',
  ngheo: 'poor',
  'ho ngheo': 'poor',
  near_poor: 'near_poor',
  'near poor': 'near_poor',
  'can ngheo': 'near_poor',
  'ho can ngheo': 'near_poor',
  escaped: 'escaped',
  'thoat ngheo': 'escaped',
  'ho thoat ngheo': 'escaped',
  'moi thoat ngheo': 'escaped',
  none: 'none',
  khong: 'none',
}

export function parseReviewStatus(text: string): PovertyStatus | null {
  const key = foldText(text).trim().replace(/\s+/g, ' ').replace(/-/g, ' ')
  return STATUS_WORDS[key] ?? STATUS_WORDS[key.replace(/ /g, '_')] ?? null
}

/** YYYY-MM-DD, or DD/MM/YYYY as Vietnamese spreadsheets write dates; null when neither is a real date. */
export function parseReviewDate(text: string): BusinessDate | null {
  const t = text.trim()
  const vn = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t)
  const iso = vn ? `${vn[3]}-${vn[2]!.padStart(2, '0')}-${vn[1]!.padStart(2, '0')}` : t
  return isBusinessDate(iso) ? iso : null
}

/**
 * Classifies every line of a review of the commune `transactionPointId` on `businessDate`. Checks in this
 * order, the first that applies decides: the line's own values (citizen ID, status, date, decision
 * number), the same citizen ID twice in the file, a date after the business date, the household
 * (unknown, other commune), the decision number already used, a later decision already recorded, then
 * change or no change. The result has one entry per input line, in input order.
 */
export function classifyReview(
  lines: readonly ReviewLineInput[],
  households: ReadonlyMap<string, ReviewHousehold>,
  transactionPointId: number,
  businessDate: BusinessDate,
): ClassifiedLine[] {
  const seen = new Map<string, number>()
  for (const l of lines) {
    const id = l.nationalId.trim()
    seen.set(id, (seen.get(id) ?? 0) + 1)
  }
  return lines.map((l) => {
    const nationalId = l.nationalId.trim()
    const decisionNo = l.decisionNo.trim()
    const status = parseReviewStatus(l.status)
    const effectiveDate = parseReviewDate(l.effectiveDate)
    const household = /^\d{12}$/.test(nationalId) ? households.get(nationalId) : undefined
    const base = { line: l.line, nationalId, decisionNo, status, effectiveDate, householdId: null, fromStatus: null }
    const conflict = (code: ReviewLineCode): ClassifiedLine => ({ ...base, outcome: 'conflict', code })
    if (!/^\d{12}$/.test(nationalId)) return conflict('INVALID_CITIZEN_ID')
    if (status === null) return conflict('INVALID_STATUS')
    if (effectiveDate === null) return conflict('INVALID_DATE')
    if (decisionNo === '' || decisionNo.length > 100) return conflict('MISSING_DECISION_NO')
    if (seen.get(nationalId)! > 1) return conflict('DUPLICATE_IN_FILE')
    if (effectiveDate > businessDate) return conflict('DATE_AFTER_BUSINESS_DATE')
    if (!household) return { ...base, outcome: 'unknown_citizen_id', code: 'UNKNOWN_CITIZEN_ID' }
    // A household of another commune is named by its code only: it may lie outside the caller's branch.
    if (household.transactionPointId !== transactionPointId)
      return { ...base, outcome: 'other_commune', code: 'OTHER_COMMUNE' }
    const known = { ...base, householdId: household.householdId }
    const live = effectiveRecords(household.timeline)
    const fromStatus = statusOn(live, effectiveDate)
    const withFrom = { ...known, fromStatus }
    const sameNumber = live.filter((r) => r.decisionNo === decisionNo)
    if (sameNumber.some((r) => r.status === status && r.effectiveDate === effectiveDate))
      return { ...withFrom, outcome: 'no_change', code: 'ALREADY_RECORDED' }
    if (sameNumber.length > 0) return { ...withFrom, outcome: 'conflict', code: 'DECISION_NUMBER_USED' }
    if (live.some((r) => r.effectiveDate > effectiveDate))
      return { ...withFrom, outcome: 'conflict', code: 'LATER_DECISION_RECORDED' }
    if (fromStatus === status) return { ...withFrom, outcome: 'no_change', code: 'SAME_STATUS' }
    return { ...withFrom, outcome: 'change', code: 'CHANGE' }
  })
}

export interface ReviewTotals {
  lines: number
  change: number
  noChange: number
  unknownCitizenId: number
  otherCommune: number
  conflict: number
}

export function reviewTotals(lines: readonly { outcome: string }[]): ReviewTotals {
  const count = (o: ReviewOutcome) => lines.filter((l) => l.outcome === o).length
  return {
    lines: lines.length,
    change: count('change'),
    noChange: count('no_change'),
    unknownCitizenId: count('unknown_citizen_id'),
    otherCommune: count('other_commune'),
    conflict: count('conflict'),
  }
}

// ---------------------------------------------------------------------------------------------
// Movements on the timeline, for the report.

export const MOVEMENT_KINDS = ['escaped', 'fell_back', 'newly_listed'] as const
export type MovementKind = (typeof MOVEMENT_KINDS)[number]

export interface Movement {
  kind: MovementKind
  effectiveDate: BusinessDate
  from: PovertyStatus
  to: PovertyStatus
}

/**
 * The household's movements in effect order (revoked records ignored): `escaped` leaves the poor or
 * near-poor list (to escaped or none); `fell_back` comes back onto it after having left it once;
 * `newly_listed` comes onto it for the first time. Moves between poor and near-poor, and between escaped
 * and none, are not movements.
 */
export function povertyMovements(timeline: readonly PovertyRecord[]): Movement[] {
  const out: Movement[] = []
  let previous: PovertyStatus = 'none'
  let everListed = false
  for (const r of effectiveRecords(timeline)) {
    if (isPoor(previous) && !isPoor(r.status))
      out.push({ kind: 'escaped', effectiveDate: r.effectiveDate, from: previous, to: r.status })
    else if (!isPoor(previous) && isPoor(r.status))
      out.push({
        kind: everListed ? 'fell_back' : 'newly_listed',
        effectiveDate: r.effectiveDate,
        from: previous,
        to: r.status,
      })
    if (isPoor(r.status)) everListed = true
    previous = r.status
  }
  return out
}
