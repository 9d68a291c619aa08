/**
 * Inspection after disbursement (docs/rules.md §16): what an inspector may find, what outcomes are counted, and
 * which findings allow a recall. Data, so that the API, the reports and the CSV headers read the same lists.
 */
import type { BusinessDate } from './dates.js'

export const INSPECTION_FINDINGS = ['as_intended', 'partly', 'misused'] as const
export type InspectionFinding = (typeof INSPECTION_FINDINGS)[number]

export const FINDING_LABELS: Record<InspectionFinding, { vi: string; en: string }> = {
  as_intended: { vi: 'Sử dụng vốn đúng mục đích', en: 'Used as intended' },
  partly: { vi: 'Sử dụng vốn đúng mục đích một phần', en: 'Partly used as intended' },
  misused: { vi: 'Sử dụng vốn sai mục đích', en: 'Misused' },
}

/** Outcomes counted at an inspection (whole numbers ≥ 0), in report order. */
export const OUTCOME_KINDS = [
  'jobsCreated',
  'housesBuilt',
  'waterWorks',
  'sanitationWorks',
  'animalsBought',
  'studentsSupported',
] as const
export type OutcomeKind = (typeof OUTCOME_KINDS)[number]

export const OUTCOME_LABELS: Record<OutcomeKind, { vi: string; en: string }> = {
  jobsCreated: { vi: 'Số lao động có việc làm mới', en: 'Jobs created' },
  housesBuilt: { vi: 'Số nhà ở được xây, sửa', en: 'Houses built or repaired' },
  waterWorks: { vi: 'Số công trình nước sạch', en: 'Clean-water works' },
  sanitationWorks: { vi: 'Số công trình vệ sinh', en: 'Sanitation works' },
  animalsBought: { vi: 'Số gia súc, gia cầm mua', en: 'Animals bought' },
  studentsSupported: { vi: 'Số học sinh, sinh viên được hỗ trợ', en: 'Students supported' },
}

/**
 * Findings on which a recall may be proposed. Only 'misused': a loan partly used as intended is corrected by
 * the borrower under the branch's follow-up (a later inspection), and recalled only if that one finds misuse.
 */
export const RECALLABLE_FINDINGS: readonly InspectionFinding[] = ['misused']

export type InspectionDateRefusal = 'IN_FUTURE' | 'BEFORE_DISBURSEMENT'

/** An inspection is dated on or after the first disbursement and not after the business date. */
export function inspectionDateRefusal(
  inspectedOn: BusinessDate,
  firstDisbursedOn: BusinessDate,
  businessDate: BusinessDate,
): InspectionDateRefusal | null {
  if (inspectedOn > businessDate) return 'IN_FUTURE'
  if (inspectedOn < firstDisbursedOn) return 'BEFORE_DISBURSEMENT'
  return null
}

export interface InspectionFacts {
  id: number
  inspectedOn: BusinessDate
  finding: InspectionFinding
}

/**
 * The inspection that stands for a loan as of a date: the latest one (by date, then id) dated on or before it.
 * Inspections are records: a later one supersedes an earlier one (a correction is a new inspection), so the
 * outcome report counts only this one per loan.
 */
export function standingInspection<I extends InspectionFacts>(all: readonly I[], asOf: BusinessDate): I | null {
  let best: I | null = null
  for (const i of all) {
    if (i.inspectedOn > asOf) continue
    if (!best || i.inspectedOn > best.inspectedOn || (i.inspectedOn === best.inspectedOn && i.id > best.id)) best = i
  }
  return best
}

/** Why a recall may not rest on this inspection, or null when it may. */
export function recallRefusal(
  inspection: Pick<InspectionFacts, 'finding'>,
  isLatest: boolean,
): 'FINDING_NOT_MISUSE' | 'SUPERSEDED' | null {
  if (!RECALLABLE_FINDINGS.includes(inspection.finding)) return 'FINDING_NOT_MISUSE'
  if (!isLatest) return 'SUPERSEDED'
  return null
}
