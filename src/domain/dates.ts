/**
 * Business dates are 'YYYY-MM-DD' strings in the Asia/Ho_Chi_Minh calendar.
 * They carry no time of day, so all arithmetic here is done on UTC midnights,
 * which is exact for calendar days (no DST in Vietnam, and none in UTC).
 */
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc.js'
import timezone from 'dayjs/plugin/timezone.js'

dayjs.extend(utc)
dayjs.extend(timezone)

export type BusinessDate = string

export const BUSINESS_TIME_ZONE = 'Asia/Ho_Chi_Minh'
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True when `s` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export function isBusinessDate(s: string): boolean {
  const m = DATE_RE.exec(s)
  if (!m) return false
  const d = dayjs.utc(s, 'YYYY-MM-DD')
  return d.isValid() && d.format('YYYY-MM-DD') === s
}

function parse(date: BusinessDate): dayjs.Dayjs {
  if (!isBusinessDate(date)) throw new RangeError(`not a business date: ${date}`)
  return dayjs.utc(date)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return Math.round((parse(to).valueOf() - parse(from).valueOf()) / 86_400_000)
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return parse(date).add(days, 'day').format('YYYY-MM-DD')
}

/** Same day-of-month `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  return parse(date).add(months, 'month').format('YYYY-MM-DD')
}

/** The given day (1–28) of the k-th calendar month after the month of `date`. */
export function sessionDayInMonthAfter(date: BusinessDate, k: number, sessionDay: number): BusinessDate {
  if (!Number.isInteger(sessionDay) || sessionDay < 1 || sessionDay > 28) throw new RangeError('sessionDay must be 1–28')
  return parse(date).startOf('month').add(k, 'month').date(sessionDay).format('YYYY-MM-DD')
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
  const a = parse(from)
  const b = parse(to)
  return (b.year() - a.year()) * 12 + (b.month() - a.month())
}
