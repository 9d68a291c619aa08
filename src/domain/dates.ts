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

/**
 * dayjs is the arithmetic; its results are memoised because the same few
 * thousand business dates are asked about millions of times (replays, the
 * daily close, the data generator) and dayjs parsing dominates otherwise.
 * Every memo is a pure function of its key, and each is bounded.
 */
const MEMO_LIMIT = 200_000
function memo<K, V>(fn: (k: K) => V): (k: K) => V {
  let cache = new Map<K, V>()
  return (k: K) => {
    let v = cache.get(k)
    if (v === undefined && !cache.has(k)) {
      v = fn(k)
      if (cache.size >= MEMO_LIMIT) cache = new Map()
      cache.set(k, v)
    }
    return v as V
  }
}

/** True when `s` is a real calendar date written YYYY-MM-DD (2025-02-30 is not). */
export const isBusinessDate = memo((s: string): boolean => {
  if (typeof s !== 'string' || !DATE_RE.test(s)) return false
  const d = dayjs.utc(s, 'YYYY-MM-DD')
  return d.isValid() && d.format('YYYY-MM-DD') === s
})

function parse(date: BusinessDate): dayjs.Dayjs {
  if (!isBusinessDate(date)) throw new RangeError(`not a business date: ${date}`)
  return dayjs.utc(date)
}

/** Days since 1970-01-01 of a business date. */
export const dayNumber = memo((date: BusinessDate): number => Math.round(parse(date).valueOf() / 86_400_000))

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  return dayNumber(to) - dayNumber(from)
}

const addDaysMemo = memo((key: string): BusinessDate => {
  const [date, days] = key.split('|')
  return parse(date!).add(Number(days), 'day').format('YYYY-MM-DD')
})
export function addDays(date: BusinessDate, days: number): BusinessDate {
  return addDaysMemo(`${date}|${days}`)
}

const addMonthsMemo = memo((key: string): BusinessDate => {
  const [date, months] = key.split('|')
  return parse(date!).add(Number(months), 'month').format('YYYY-MM-DD')
})
/** Same day-of-month `months` later, clamped to the month's last day (Jan 31 + 1 → Feb 28). */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  return addMonthsMemo(`${date}|${months}`)
}

const sessionDayMemo = memo((key: string): BusinessDate => {
  const [date, k, day] = key.split('|')
  return parse(date!).startOf('month').add(Number(k), 'month').date(Number(day)).format('YYYY-MM-DD')
})
/** The given day (1–28) of the k-th calendar month after the month of `date`. */
export function sessionDayInMonthAfter(date: BusinessDate, k: number, sessionDay: number): BusinessDate {
  if (!Number.isInteger(sessionDay) || sessionDay < 1 || sessionDay > 28) throw new RangeError('sessionDay must be 1–28')
  if (!Number.isInteger(k)) throw new RangeError('k must be an integer')
  // Only the month matters: key by YYYY-MM so every date of a month shares the memo.
  if (!isBusinessDate(date)) throw new RangeError(`not a business date: ${date}`)
  return sessionDayMemo(`${date.slice(0, 7)}-01|${k}|${sessionDay}`)
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
