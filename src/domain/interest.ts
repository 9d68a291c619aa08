/**
 * Interest arithmetic (docs/rules.md §1, §6, §7).
 *
 * Day convention: interest for an interval (from, to] counts the days d with
 * from < d ≤ to, so the disbursement day does not accrue and a due date does.
 * A balance change on date X (disbursement, repayment) applies to days after X;
 * an instalment due on D is overdue for days after D ("from the day after the
 * due date"); a rate version with effectiveFrom E applies to days d ≥ E.
 *
 * Interest is kept as an exact numerator over INTEREST_DENOMINATOR
 * (30 days × 10^6 ppm × 100 %) and rounded half-up to 1 VND once per period.
 */
import { daysBetween, addDays, type BusinessDate } from './dates.js'
import { divHalfUp, toSafeNumber, type Vnd } from './money.js'

export interface RateVersion {
  effectiveFrom: BusinessDate
  monthlyRatePpm: number
}

/** 30 days × 1,000,000 ppm × 100 % — numerators carry the rate percentage too. */
export const INTEREST_DENOMINATOR = 3_000_000_000n

/** Versions sorted by effectiveFrom; a rate list must cover every day it is asked about. */
export function sortRates(rates: readonly RateVersion[]): RateVersion[] {
  return [...rates].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? -1 : a.effectiveFrom > b.effectiveFrom ? 1 : 0))
}

/** The monthly rate in force on `date`: the latest version with effectiveFrom ≤ date. */
export function rateOn(rates: readonly RateVersion[], date: BusinessDate): number {
  let found: RateVersion | undefined
  for (const r of rates) if (r.effectiveFrom <= date && (!found || r.effectiveFrom >= found.effectiveFrom)) found = r
  if (!found) throw new RangeError(`no interest rate in force on ${date}`)
  return found.monthlyRatePpm
}

/**
 * Exact interest numerator for `balance` over (from, to] at `ratePct` % of the
 * contract rate (100 for in-term principal, overdueRatePct for overdue
 * principal), split at every rate version that starts inside the interval.
 * interest = numerator / INTEREST_DENOMINATOR.
 */
export function interestNumerator(
  balance: Vnd,
  from: BusinessDate,
  to: BusinessDate,
  rates: readonly RateVersion[],
  ratePct = 100,
): bigint {
  if (balance === 0 || to <= from) return 0n
  const b = BigInt(balance)
  const pct = BigInt(ratePct)
  let total = 0n
  let segmentStart = from // exclusive
  // Rate versions starting in (from+1, to] split the interval: days ≥ E use the new rate.
  const firstDay = addDays(from, 1)
  for (const r of sortRates(rates)) {
    if (r.effectiveFrom <= firstDay || r.effectiveFrom > to) continue
    const splitEnd = addDays(r.effectiveFrom, -1) // last day at the old rate
    if (splitEnd > segmentStart) {
      total += b * BigInt(daysBetween(segmentStart, splitEnd)) * BigInt(rateOn(rates, addDays(segmentStart, 1))) * pct
      segmentStart = splitEnd
    }
  }
  total += b * BigInt(daysBetween(segmentStart, to)) * BigInt(rateOn(rates, addDays(segmentStart, 1))) * pct
  return total
}

/** numerator → VND, rounded half-up once. */
export function roundInterest(numerator: bigint): Vnd {
  return toSafeNumber(divHalfUp(numerator, INTEREST_DENOMINATOR))
}

/** Interest on a constant balance over (from, to], rounded half-up once. */
export function interestFor(balance: Vnd, from: BusinessDate, to: BusinessDate, rates: readonly RateVersion[], ratePct = 100): Vnd {
  return roundInterest(interestNumerator(balance, from, to, rates, ratePct))
}
