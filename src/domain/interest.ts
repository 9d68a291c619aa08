/**
 * Interest arithmetic (docs/rules.md §1, §6, §7) — the one implementation, used
 * by the planned schedule and, on day numbers, by the replay engine.
 *
 * Day convention: interest for an interval (from, to] counts the days d with
 * from < d ≤ to, so the disbursement day does not accrue and a due date does.
 * A balance change on date X (disbursement, repayment) applies to days after X;
 * an instalment due on D is overdue for days after D ("from the day after the
 * due date"); a rate version with effectiveFrom E applies to days d ≥ E.
 *
 * Interest is kept as an exact numerator over INTEREST_DENOMINATOR
 * (30 days × 10^6 ppm × 100 %): numerator = balance × Σ(rate of each day) × pct,
 * and rounded half-up to 1 VND once per period.
 */
import { addDays, dayNumber, toDayNumber, type BusinessDate } from './dates.js'
import { DomainError } from './errors.js'
import { divHalfUp, type Vnd } from './money.js'

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

/** A rate version on day numbers: `ppm` is in force from day `fromDay` on. */
export interface RateStep {
  fromDay: number
  ppm: number
}

/**
 * Rate versions as steps by start day; of two versions starting the same day
 * the later one in the list wins (as in rateOn). Throws DomainError
 * INVALID_RATE (a rate that is not a non-negative whole number) and
 * INVALID_DATE (an effectiveFrom that is not a YYYY-MM-DD date).
 */
export function rateSteps(rates: readonly RateVersion[]): RateStep[] {
  const steps = rates
    .map((r, i) => {
      if (!Number.isSafeInteger(r.monthlyRatePpm) || r.monthlyRatePpm < 0) {
        throw new DomainError(
          'INVALID_RATE',
          `monthlyRatePpm must be a non-negative whole number, got ${r.monthlyRatePpm}`,
        )
      }
      const fromDay = toDayNumber(r.effectiveFrom)
      if (fromDay === undefined) {
        throw new DomainError('INVALID_DATE', `rate effectiveFrom is not a YYYY-MM-DD date: ${String(r.effectiveFrom)}`)
      }
      return { fromDay, ppm: r.monthlyRatePpm, i }
    })
    .sort((a, b) => a.fromDay - b.fromDay || a.i - b.i)
  const out: RateStep[] = []
  for (const s of steps) {
    if (out.length > 0 && out[out.length - 1]!.fromDay === s.fromDay)
      out[out.length - 1] = { fromDay: s.fromDay, ppm: s.ppm }
    else out.push({ fromDay: s.fromDay, ppm: s.ppm })
  }
  return out
}

/** Σ over the days d in (from, to] of the monthly rate (ppm) in force on d; days before the first step count 0. */
export function rateDays(steps: readonly RateStep[], from: number, to: number): number {
  if (steps.length === 1) return steps[0]!.ppm * (to - from)
  let total = 0
  for (let i = 0; i < steps.length; i++) {
    const start = Math.max(steps[i]!.fromDay - 1, from) // exclusive
    const end = i + 1 < steps.length ? Math.min(steps[i + 1]!.fromDay - 1, to) : to // inclusive
    if (end > start) total += steps[i]!.ppm * (end - start)
  }
  return total
}

/**
 * Exact interest numerator for `balance` over (from, to] at `ratePct` % of the
 * contract rate (100 for in-term principal, overdueRatePct for overdue
 * principal), each day at the rate version in force on it.
 * interest = numerator / INTEREST_DENOMINATOR. Throws RangeError when no rate
 * is in force on the first day.
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
  const fromDay = dayNumber(from)
  const steps = rateSteps(rates)
  if (steps.length === 0 || steps[0]!.fromDay > fromDay + 1)
    throw new RangeError(`no interest rate in force on ${addDays(from, 1)}`)
  return b * BigInt(rateDays(steps, fromDay, dayNumber(to))) * pct
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** numerator → VND, rounded half-up once. */
export function roundInterest(numerator: bigint): Vnd {
  if (numerator === 0n) return 0
  const q = divHalfUp(numerator, INTEREST_DENOMINATOR)
  if (q > MAX_SAFE) throw new RangeError(`interest ${q} is outside the safe integer range`)
  return Number(q)
}

/** Interest on a constant balance over (from, to], rounded half-up once. */
export function interestFor(
  balance: Vnd,
  from: BusinessDate,
  to: BusinessDate,
  rates: readonly RateVersion[],
  ratePct = 100,
): Vnd {
  return roundInterest(interestNumerator(balance, from, to, rates, ratePct))
}
