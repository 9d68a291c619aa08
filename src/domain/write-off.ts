/**
 * Write-off of a loan for an objective cause, and recoveries after it
 * (docs/rules.md §7, §9). Pure: the service gives the facts of the replayed loan.
 *
 * A write-off is for a borrower who lost the means to repay through a cause
 * outside their control. Conditions, each refusal a named reason:
 * - the cause is one of WRITE_OFF_CAUSES (the schema refuses any other);
 * - the loan is active (INVALID_STATE otherwise — checked by the service);
 * - NOT_OVERDUE: on the value date some principal is overdue — a performing
 *   loan (nothing overdue) is never written off;
 * - DISBURSEMENT_DAY: the value date is after the latest disbursement's date
 *   (money handed out cannot be written off the day it left the counter).
 * Recoveries (money received after the write-off) are capped at what was
 * written off, principal + interest: recoveryRoom.
 */
import type { Vnd } from './money.js'

/** Objective causes (code → Vietnamese label first, English second). */
export const WRITE_OFF_CAUSES = {
  natural_disaster: 'Thiên tai (bão, lũ, hạn hán, sạt lở…) / natural disaster',
  epidemic: 'Dịch bệnh (người, cây trồng, vật nuôi) / epidemic',
  fire: 'Hỏa hoạn / fire',
  state_policy_change: 'Nhà nước thay đổi chính sách, chuyển đổi sản xuất theo chỉ đạo / change of State policy',
  borrower_deceased: 'Người vay chết, không có người thừa kế trả nợ / borrower died, no heir able to repay',
  borrower_missing: 'Người vay mất tích / borrower missing',
  loss_of_capacity: 'Người vay mất năng lực hành vi dân sự / borrower lost legal capacity',
} as const

export type WriteOffCause = keyof typeof WRITE_OFF_CAUSES
export const WRITE_OFF_CAUSE_CODES = Object.keys(WRITE_OFF_CAUSES) as WriteOffCause[]

export type WriteOffRefusalReason = 'NOT_OVERDUE' | 'DISBURSEMENT_DAY'

export interface WriteOffFacts {
  /** principal overdue on the value date (replayed) */
  overduePrincipal: Vnd
  valueDate: string
  /** value date of the latest live disbursement, null if none */
  lastDisbursementDate: string | null
}

/** Why this loan may not be written off on this date, or null when it may. */
export function writeOffRefusal(f: WriteOffFacts): { reason: WriteOffRefusalReason; detail: string } | null {
  if (f.lastDisbursementDate !== null && f.valueDate <= f.lastDisbursementDate) {
    return {
      reason: 'DISBURSEMENT_DAY',
      detail: `the value date ${f.valueDate} is not after the disbursement of ${f.lastDisbursementDate}`,
    }
  }
  if (f.overduePrincipal <= 0) {
    return {
      reason: 'NOT_OVERDUE',
      detail: `nothing is overdue on ${f.valueDate}: a performing loan cannot be written off`,
    }
  }
  return null
}

/**
 * What may still be recovered: written-off principal + interest minus what was recovered already (never negative).
 */
export function recoveryRoom(writtenOff: { principal: Vnd; interest: Vnd }, recovered: Vnd): Vnd {
  return Math.max(0, writtenOff.principal + writtenOff.interest - recovered)
}
