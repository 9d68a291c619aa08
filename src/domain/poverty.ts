/**
 * A household's poverty status as a timeline of commune decisions (docs/rules.md §4).
 *
 * Records are ordered by (effectiveDate, seq): `seq` orders decisions that take
 * effect on the same day (the later decision wins). A revoked record is treated
 * as if it had never been recorded; it stays in storage for the audit trail.
 * Every function here is independent of the order of the input array.
 */
import type { BusinessDate } from './dates.js'

export type PovertyStatus = 'poor' | 'near_poor' | 'escaped' | 'none'

export interface PovertyRecord {
  id?: number
  status: PovertyStatus
  effectiveDate: BusinessDate
  decisionNo: string
  seq: number
  revoked?: boolean
}

export interface PovertyExit {
  record: PovertyRecord
  /** the status just before the exit record */
  from: PovertyStatus
}

/** The status of the household on `date`; 'none' before its first record. */
export function statusOn(timeline: readonly PovertyRecord[], date: BusinessDate): PovertyStatus {
  let latest: PovertyRecord | undefined
  for (const record of timeline) {
    if (record.revoked || record.effectiveDate > date) continue
    if (!latest || compareRecords(record, latest) > 0) latest = record
  }
  return latest ? latest.status : 'none'
}

/**
 * The first poverty exit effective after `afterDate` (for a loan: the disbursement
 * date): a record moving the household from poor/near_poor to escaped/none.
 */
export function povertyExitAfter(timeline: readonly PovertyRecord[], afterDate: BusinessDate): PovertyExit | null {
  for (const exit of exits(timeline)) if (exit.record.effectiveDate > afterDate) return exit
  return null
}

/**
 * Effective date of the latest poverty exit on or before `onOrBefore` (start of the ESCAPED programme's window).
 */
export function lastExitDate(timeline: readonly PovertyRecord[], onOrBefore: BusinessDate): BusinessDate | null {
  let found: BusinessDate | null = null
  for (const exit of exits(timeline)) {
    if (exit.record.effectiveDate > onOrBefore) break
    found = exit.record.effectiveDate
  }
  return found
}

/** Non-revoked records in effect order. */
export function effectiveRecords(timeline: readonly PovertyRecord[]): PovertyRecord[] {
  return timeline.filter((r) => !r.revoked).sort(compareRecords)
}

export function isPoor(status: PovertyStatus): boolean {
  return status === 'poor' || status === 'near_poor'
}

/** Every exit in effect order; the status before a record is that of the record preceding it. */
function exits(timeline: readonly PovertyRecord[]): PovertyExit[] {
  const found: PovertyExit[] = []
  let previous: PovertyStatus = 'none'
  for (const record of effectiveRecords(timeline)) {
    if (isPoor(previous) && !isPoor(record.status)) found.push({ record, from: previous })
    previous = record.status
  }
  return found
}

/** Total order on records; the id breaks a (date, seq) tie so the result never depends on input order. */
function compareRecords(a: PovertyRecord, b: PovertyRecord): number {
  if (a.effectiveDate !== b.effectiveDate) return a.effectiveDate < b.effectiveDate ? -1 : 1
  if (a.seq !== b.seq) return a.seq - b.seq
  return (a.id ?? -1) - (b.id ?? -1)
}
