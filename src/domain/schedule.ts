/**
 * Repayment schedule (docs/rules.md §6): one row per month k = 1..termMonths with
 * the interest of that month's period and, in principal months, a principal
 * instalment. The plan assumes every instalment is paid on its due date.
 *
 * Day convention (see interest.ts): a period is (previous due date, due date];
 * a tranche or a principal instalment dated X changes the balance for days
 * after X.
 */
import { DomainError } from './errors.js'
import { addDays, isBusinessDate, sessionDayInMonthAfter, type BusinessDate } from './dates.js'
import { interestNumerator, roundInterest, type RateVersion } from './interest.js'
import { assertVnd, divFloor, sumVnd, type Vnd } from './money.js'

export type EveryMonths = 1 | 3 | 6 | 12

export interface PrincipalPlan {
  everyMonths: EveryMonths
  graceMonths: number
}

export interface Tranche {
  valueDate: BusinessDate
  amount: Vnd
}

export interface ScheduleTerms {
  /** 1..240 */
  termMonths: number
  /** graceMonths 0 ≤ g < termMonths */
  principalPlan: PrincipalPlan
  /** the transaction point's session day, 1..28 */
  sessionDay: number
  /** borrower rate versions; [{ effectiveFrom: '1900-01-01', monthlyRatePpm: 0 }] = interest-free */
  rates: readonly RateVersion[]
  /** ≥ 1, sorted by valueDate; due dates count from the first one */
  disbursements: readonly Tranche[]
}

export interface PlannedInstalment {
  number: number
  /** exclusive start of the interest period */
  periodStart: BusinessDate
  /** inclusive end of the interest period */
  dueDate: BusinessDate
  principal: Vnd
  interest: Vnd
  /** planned principal outstanding after this due date */
  balanceAfter: Vnd
}

export interface Schedule {
  instalments: PlannedInstalment[]
  totalPrincipal: Vnd
  totalInterest: Vnd
}

export const MAX_TERM_MONTHS = 240
const EVERY_MONTHS: readonly number[] = [1, 3, 6, 12]

/** Month k (1..termMonths) is due on `sessionDay` of the k-th calendar month after the disbursement month. */
export function dueDates(firstDisbursementDate: BusinessDate, termMonths: number, sessionDay: number): BusinessDate[] {
  const dates: BusinessDate[] = []
  for (let k = 1; k <= termMonths; k++) dates.push(sessionDayInMonthAfter(firstDisbursementDate, k, sessionDay))
  return dates
}

/**
 * Months (1-based) holding a principal instalment: m = ceil((term − grace) / every)
 * instalments, instalment j in month min(grace + j × every, term), so the last
 * one always falls in the final month.
 */
export function principalInstalmentMonths(termMonths: number, plan: PrincipalPlan): number[] {
  assertTermAndPlan(termMonths, plan)
  const { everyMonths, graceMonths } = plan
  const count = Math.ceil((termMonths - graceMonths) / everyMonths) // exact: small integers
  const months: number[] = []
  for (let j = 1; j <= count; j++) months.push(Math.min(graceMonths + j * everyMonths, termMonths))
  return months
}

/** `count` instalments of floor(amount / count); the last one takes the remainder. */
export function splitPrincipal(amount: Vnd, count: number): Vnd[] {
  assertVnd(amount)
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`instalment count must be a positive integer, got ${count}`)
  const each = divFloor(amount, count)
  const parts: Vnd[] = new Array<Vnd>(count).fill(each)
  parts[count - 1] = amount - each * (count - 1)
  return parts
}

/**
 * Throws DomainError:
 * - INVALID_TERM: termMonths not an integer in 1..240
 * - INVALID_PRINCIPAL_PLAN: everyMonths not 1|3|6|12, or graceMonths not an integer 0 ≤ g < termMonths
 * - INVALID_SESSION_DAY: sessionDay not an integer in 1..28
 * - INVALID_AMOUNT: a tranche amount not a positive safe integer, or the total not safe
 * - INVALID_DISBURSEMENT: no tranche, a value date that is not a business date, tranches not
 *   sorted, a tranche not before the final due date, or principal falling due before enough
 *   has been disbursed (the planned balance would go negative)
 * - INVALID_RATE: no rate version, a bad effectiveFrom, a rate that is not a non-negative
 *   integer, or no version in force on the first day of interest
 */
export function validateScheduleTerms(terms: ScheduleTerms): void {
  checkTerms(terms)
}

/** Validates and returns what validation had to compute anyway, so generation does not redo it. */
function checkTerms(terms: ScheduleTerms): { dates: BusinessDate[]; total: Vnd; months: number[]; parts: Vnd[] } {
  assertTermAndPlan(terms.termMonths, terms.principalPlan)
  const { sessionDay, disbursements, rates } = terms
  if (!Number.isInteger(sessionDay) || sessionDay < 1 || sessionDay > 28) {
    throw new DomainError('INVALID_SESSION_DAY', `sessionDay must be a whole number 1–28, got ${sessionDay}`)
  }
  if (disbursements.length === 0) throw new DomainError('INVALID_DISBURSEMENT', 'at least one disbursement is required')
  let previous: BusinessDate | undefined
  for (const tranche of disbursements) {
    if (!isBusinessDate(tranche.valueDate)) {
      throw new DomainError(
        'INVALID_DISBURSEMENT',
        `disbursement value date is not a YYYY-MM-DD date: ${tranche.valueDate}`,
      )
    }
    if (previous !== undefined && tranche.valueDate < previous) {
      throw new DomainError('INVALID_DISBURSEMENT', 'disbursements must be sorted by value date')
    }
    previous = tranche.valueDate
    if (!Number.isSafeInteger(tranche.amount) || tranche.amount <= 0) {
      throw new DomainError(
        'INVALID_AMOUNT',
        `disbursement amount must be a positive whole number of VND, got ${tranche.amount}`,
      )
    }
  }
  let total: Vnd
  try {
    total = sumVnd(disbursements.map((d) => d.amount))
  } catch {
    throw new DomainError('INVALID_AMOUNT', 'total disbursed amount is too large')
  }

  if (rates.length === 0) throw new DomainError('INVALID_RATE', 'at least one rate version is required')
  for (const r of rates) {
    if (!isBusinessDate(r.effectiveFrom))
      throw new DomainError('INVALID_RATE', `rate effectiveFrom is not a date: ${r.effectiveFrom}`)
    if (!Number.isSafeInteger(r.monthlyRatePpm) || r.monthlyRatePpm < 0) {
      throw new DomainError(
        'INVALID_RATE',
        `monthlyRatePpm must be a non-negative whole number, got ${r.monthlyRatePpm}`,
      )
    }
  }
  const first = disbursements[0]!.valueDate
  // Interest starts the day after the first disbursement; later days are covered once this one is.
  if (!rates.some((r) => r.effectiveFrom <= addDays(first, 1))) {
    throw new DomainError('INVALID_RATE', `no rate version in force on the first day of interest after ${first}`)
  }

  const dates = dueDates(first, terms.termMonths, sessionDay)
  const lastDue = dates[dates.length - 1]!
  if (previous! >= lastDue) {
    throw new DomainError(
      'INVALID_DISBURSEMENT',
      `every disbursement must be dated before the final due date ${lastDue}`,
    )
  }
  // The plan repays the whole amount; principal due on a date cannot exceed what was disbursed by then.
  const months = principalInstalmentMonths(terms.termMonths, terms.principalPlan)
  const parts = splitPrincipal(total, months.length)
  let principalDue = 0
  for (let j = 0; j < months.length; j++) {
    const due = dates[months[j]! - 1]!
    principalDue += parts[j]!
    const disbursed = disbursedOnOrBefore(disbursements, due)
    if (principalDue > disbursed) {
      throw new DomainError(
        'INVALID_DISBURSEMENT',
        `principal due by ${due} (${principalDue}) exceeds the amount disbursed by then (${disbursed})`,
      )
    }
  }
  return { dates, total, months, parts }
}

/**
 * The planned schedule. Interest of month k is the sum of exact numerators
 * over each constant-balance segment of its period, rounded half-up once.
 * Throws the DomainErrors of validateScheduleTerms.
 */
export function generateSchedule(terms: ScheduleTerms): Schedule {
  const { dates, total: totalPrincipal, months, parts } = checkTerms(terms)
  const { termMonths, rates, disbursements } = terms
  const first = disbursements[0]!.valueDate

  const principalByMonth = new Map<number, Vnd>()
  months.forEach((month, j) => principalByMonth.set(month, parts[j]!))

  const instalments: PlannedInstalment[] = []
  let repaid = 0 // principal due on earlier due dates
  let nextTranche = 0 // index of the first tranche not yet in the balance
  let disbursed = 0
  let periodStart = first
  for (let k = 1; k <= termMonths; k++) {
    const dueDate = dates[k - 1]!
    // Tranches dated on or before the period start are in the balance for the whole period.
    while (nextTranche < disbursements.length && disbursements[nextTranche]!.valueDate <= periodStart) {
      disbursed += disbursements[nextTranche++]!.amount
    }
    let numerator = 0n
    let segmentStart = periodStart
    // A tranche dated inside the period raises the balance for the days after its value date.
    while (nextTranche < disbursements.length && disbursements[nextTranche]!.valueDate < dueDate) {
      const tranche = disbursements[nextTranche++]!
      numerator += interestNumerator(disbursed - repaid, segmentStart, tranche.valueDate, rates)
      disbursed += tranche.amount
      segmentStart = tranche.valueDate
    }
    numerator += interestNumerator(disbursed - repaid, segmentStart, dueDate, rates)

    const principal = principalByMonth.get(k) ?? 0
    repaid += principal
    // A tranche dated on the due date itself counts from the day after, like the next period.
    while (nextTranche < disbursements.length && disbursements[nextTranche]!.valueDate <= dueDate) {
      disbursed += disbursements[nextTranche++]!.amount
    }
    instalments.push({
      number: k,
      periodStart,
      dueDate,
      principal,
      interest: roundInterest(numerator),
      balanceAfter: disbursed - repaid,
    })
    periodStart = dueDate
  }

  return {
    instalments,
    totalPrincipal,
    totalInterest: sumVnd(instalments.map((i) => i.interest)),
  }
}

function assertTermAndPlan(termMonths: number, plan: PrincipalPlan): void {
  if (!Number.isInteger(termMonths) || termMonths < 1 || termMonths > MAX_TERM_MONTHS) {
    throw new DomainError('INVALID_TERM', `termMonths must be a whole number 1–${MAX_TERM_MONTHS}, got ${termMonths}`)
  }
  if (!EVERY_MONTHS.includes(plan.everyMonths)) {
    throw new DomainError('INVALID_PRINCIPAL_PLAN', `everyMonths must be 1, 3, 6 or 12, got ${plan.everyMonths}`)
  }
  if (!Number.isInteger(plan.graceMonths) || plan.graceMonths < 0 || plan.graceMonths >= termMonths) {
    throw new DomainError(
      'INVALID_PRINCIPAL_PLAN',
      `graceMonths must be a whole number from 0 to termMonths − 1, got ${plan.graceMonths}`,
    )
  }
}

function disbursedOnOrBefore(disbursements: readonly Tranche[], date: BusinessDate): Vnd {
  let total = 0
  for (const d of disbursements) if (d.valueDate <= date) total += d.amount
  return total
}
