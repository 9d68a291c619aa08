/**
 * Business dates are 'YYYY-MM-DD' strings in the Asia/Ho_Chi_Minh calendar.
 * They carry no time of day, so they are counted as whole days: a day number
 * is the days since 1970-01-01 in the proleptic Gregorian calendar (no DST in
 * Vietnam, none in a calendar of days). This is the one implementation of date
 * arithmetic; the replay engine works on day numbers directly (`toDayNumber`,
 * `fromDayNumber`, …) so that it parses no date inside its loops.
 * dayjs enters only to read the wall clock in Vietnam's time zone.
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc.js'
import timezone from 'dayjs/plugin/timezone.js'

dayjs.extend(utc)
dayjs.extend(timezone)

export type BusinessDate = string

export const BUSINESS_TIME_ZONE = 'Asia/Ho_Chi_Minh'

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!
}

/** Day number of the civil date y-m-d (m 1–12), exact for any year (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y
  const era = Math.floor(yy / 400)
  const yoe = yy - era * 400
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`
}

/** The business date of a day number. */
export function fromDayNumber(day: number): BusinessDate {
  const z = day + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return `${String(yoe + era * 400 + (m <= 2 ? 1 : 0)).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48
  return c >= 0 && c <= 9 ? c : NaN
}

/** Day number of a real YYYY-MM-DD date (2025-02-30 is not one), or undefined. */
export function toDayNumber(date: unknown): number | undefined {
  if (typeof date === 'string' && date.length === 10 && date[4] === '-' && date[7] === '-') {
    const y = digit(date, 0) * 1000 + digit(date, 1) * 100 + digit(date, 2) * 10 + digit(date, 3)
    const m = digit(date, 5) * 10 + digit(date, 6)
    const d = digit(date, 8) * 10 + digit(date, 9)
    // NaN (a character that is not an ASCII digit) fails every comparison; the year is checked on its own.
    if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return daysFromCivil(y, m, d)
  }
  return undefined
}

/** True when `s` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isBusinessDate(s: string): boolean {
  return toDayNumber(s) !== undefined
}

function parse(date: BusinessDate): number {
  const day = toDayNumber(date)
  if (day === undefined) throw new RangeError(`not a business date: ${date}`)
  return day
}

/** Month index (year × 12 + month − 1) of a date already known to be valid. */
function monthIndex(date: BusinessDate): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1
}

/** Day number of `day` (1–28, unchecked) of the calendar month `months` after the month of a valid `date`. */
export function dayInMonthAfterNumber(date: BusinessDate, months: number, day: number): number {
  const index = monthIndex(date) + months
  return daysFromCivil(Math.floor(index / 12), (index % 12) + 1, day)
}

/** Day number of the same day-of-month `months` after a valid `date`, clamped to the month's last day. */
export function addMonthsNumber(date: BusinessDate, months: number): number {
  const index = monthIndex(date) + months
  const y = Math.floor(index / 12)
  const m = (index % 12) + 1
  return daysFromCivil(y, m, Math.min(Number(date.slice(8, 10)), daysInMonth(y, m)))
}

/** Days since 1970-01-01 of a business date. */
export function dayNumber(date: BusinessDate): number {
  return parse(date)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return parse(to) - parse(from)
}

/** `days` later (earlier when negative); a fraction of a day rounds to the nearest day. */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  return fromDayNumber(parse(date) + Math.round(days))
}

/** Same day-of-month `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  parse(date)
  return fromDayNumber(addMonthsNumber(date, months))
}

/** The given day (1–28) of the k-th calendar month after the month of `date`. */
export function sessionDayInMonthAfter(date: BusinessDate, k: number, sessionDay: number): BusinessDate {
  if (!Number.isInteger(sessionDay) || sessionDay < 1 || sessionDay > 28)
    throw new RangeError('sessionDay must be 1–28')
  if (!Number.isInteger(k)) throw new RangeError('k must be an integer')
  parse(date)
  return fromDayNumber(dayInMonthAfterNumber(date, k, sessionDay))
}

export function minDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a <= b ? a : b
}

export function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b
}

/** Today's date in Vietnam. The only place the wall clock enters business dates. */
export function todayInVietnam(now: Date = new Date()): BusinessDate {
  return dayjs(now).tz(BUSINESS_TIME_ZONE).format('YYYY-MM-DD')
}

/** Month difference counted in calendar months (2025-03-10 → 2025-05-01 = 2). */
export function monthsBetween(from: BusinessDate, to: BusinessDate): number {
  parse(from)
  parse(to)
  return monthIndex(to) - monthIndex(from)
}
