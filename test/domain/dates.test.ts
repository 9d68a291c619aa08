import t from 'tap'
import fc from 'fast-check'
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc.js'
import {
  addDays,
  addMonths,
  dayNumber,
  daysBetween,
  fromDayNumber,
  isBusinessDate,
  maxDate,
  minDate,
  monthsBetween,
  sessionDayInMonthAfter,
  toDayNumber,
  todayInVietnam,
} from '../../src/domain/dates.js'
import { replay } from '../../src/domain/loan-engine.js'

dayjs.extend(utc)

// The reference: dayjs on UTC midnights, the straightforward way to do calendar arithmetic.
const ref = {
  isDate: (s: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(s) && dayjs.utc(s).isValid() && dayjs.utc(s).format('YYYY-MM-DD') === s,
  dayNumber: (s: string) => Math.round(dayjs.utc(s).valueOf() / 86_400_000),
  addDays: (s: string, n: number) => dayjs.utc(s).add(n, 'day').format('YYYY-MM-DD'),
  addMonths: (s: string, n: number) => dayjs.utc(s).add(n, 'month').format('YYYY-MM-DD'),
  sessionDay: (s: string, k: number, d: number) =>
    dayjs.utc(s).startOf('month').add(k, 'month').date(d).format('YYYY-MM-DD'),
  monthsBetween: (a: string, b: string) =>
    (dayjs.utc(b).year() - dayjs.utc(a).year()) * 12 + dayjs.utc(b).month() - dayjs.utc(a).month(),
}

const pad = (n: number, w: number) => String(n).padStart(w, '0')
/** Real dates from 1900 to 2400 (both leap-year exceptions, 1900 and 2100, and 2000). */
const realDate = fc
  .record({
    y: fc.integer({ min: 1900, max: 2400 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 31 }),
  })
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()), 2)}`)
/**
 * Strings shaped like dates, many of them not real (month 13, day 31 of a 30-day month, 02-29 of a common year).
 */
const dateLike = fc
  .record({
    y: fc.integer({ min: 100, max: 9999 }),
    m: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
  })
  .map(({ y, m, d }) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`)

t.test(
  'when a string is or is not a real YYYY-MM-DD date, then isBusinessDate agrees with the reference',
  async (t) => {
    fc.assert(
      fc.property(
        fc.oneof(dateLike, fc.string({ maxLength: 12 }), realDate),
        (s) => isBusinessDate(s) === ref.isDate(s),
      ),
      { numRuns: 3000 },
    )
    for (const s of ['2024-02-29', '2000-02-29', '2025-12-31']) t.ok(isBusinessDate(s), s)
    for (const s of [
      '2025-02-29',
      '1900-02-29',
      '2100-02-29',
      '2025-04-31',
      '2025-13-01',
      '2025-1-1',
      '2025/01/01',
      ' 2025-01-01',
      '２０２５-01-01',
      '',
    ]) {
      t.notOk(isBusinessDate(s), JSON.stringify(s))
    }
    t.equal(toDayNumber(42), undefined, 'not a string')
  },
)

t.test(
  'when dates are turned into day numbers and back, then the round trip and the day numbers match the reference',
  async (t) => {
    fc.assert(
      fc.property(realDate, (s) => {
        const n = dayNumber(s)
        return n === ref.dayNumber(s) && toDayNumber(s) === n && fromDayNumber(n) === s
      }),
      { numRuns: 3000 },
    )
    t.equal(dayNumber('1970-01-01'), 0)
    t.equal(fromDayNumber(-1), '1969-12-31')
  },
)

t.test('when days are added or counted, then the result matches the reference', async () => {
  fc.assert(
    fc.property(realDate, fc.integer({ min: -40_000, max: 40_000 }), (s, n) => {
      const to = addDays(s, n)
      return to === ref.addDays(s, n) && daysBetween(s, to) === n
    }),
    { numRuns: 3000 },
  )
})

t.test(
  'when months are added, then the day of month is kept and clamped to the month end as the reference does',
  async (t) => {
    fc.assert(
      fc.property(realDate, fc.integer({ min: -1200, max: 1200 }), (s, n) => addMonths(s, n) === ref.addMonths(s, n)),
      { numRuns: 3000 },
    )
    t.equal(addMonths('2025-01-31', 1), '2025-02-28')
    t.equal(addMonths('2024-01-31', 1), '2024-02-29')
    t.equal(addMonths('2024-03-31', -1), '2024-02-29')
  },
)

t.test(
  'when a session day k months after a date is asked, then it is that day of the k-th month after as the ' +
    'reference says',
  async (t) => {
    fc.assert(
      fc.property(
        realDate,
        fc.integer({ min: -240, max: 240 }),
        fc.integer({ min: 1, max: 28 }),
        (s, k, d) => sessionDayInMonthAfter(s, k, d) === ref.sessionDay(s, k, d),
      ),
      { numRuns: 3000 },
    )
    t.throws(() => sessionDayInMonthAfter('2025-01-10', 1, 29), RangeError)
    t.throws(() => sessionDayInMonthAfter('2025-01-10', 1.5, 10), RangeError)
    t.throws(() => sessionDayInMonthAfter('2025-02-30', 1, 10), RangeError)
  },
)

t.test('when calendar months between two dates are counted, then the count matches the reference', async () => {
  fc.assert(
    fc.property(realDate, realDate, (a, b) => monthsBetween(a, b) === ref.monthsBetween(a, b)),
    { numRuns: 2000 },
  )
})

t.test('when a date is not real, then the arithmetic refuses it with a RangeError', async (t) => {
  for (const f of [
    () => addDays('2025-02-30', 1),
    () => addMonths('2025-13-01', 1),
    () => daysBetween('2025-01-01', 'x'),
    () => dayNumber(''),
    () => monthsBetween('2025-00-01', '2025-01-01'),
  ]) {
    t.throws(f, RangeError)
  }
})

t.test(
  'when an engine event carries a date whose year is not ASCII digits, then the replay refuses it as INVALID_DATE',
  async (t) => {
    const contract = {
      approvedAmount: 1_000_000,
      termMonths: 3,
      principalPlan: { everyMonths: 1 as const, graceMonths: 0 },
      sessionDay: 15,
      rates: [{ effectiveFrom: '2000-01-01', monthlyRatePpm: 5500 }],
      overdueRatePct: 130,
    }
    t.throws(
      () =>
        replay(
          contract,
          [{ kind: 'disbursement', id: 'd', seq: 1, valueDate: 'abcd-01-10', amount: 1_000_000 }],
          '2025-06-01',
        ),
      { code: 'INVALID_DATE' },
    )
  },
)

t.test(
  'when the earlier or later of two dates is asked, then it is the one with the smaller or larger day number',
  async (t) => {
    fc.assert(
      fc.property(realDate, realDate, (a, b) => {
        const [lo, hi] = ref.dayNumber(a) <= ref.dayNumber(b) ? [a, b] : [b, a]
        return minDate(a, b) === lo && maxDate(a, b) === hi && minDate(b, a) === lo && maxDate(b, a) === hi
      }),
      { numRuns: 1000 },
    )
    t.equal(minDate('2025-01-31', '2025-02-01'), '2025-01-31')
    t.equal(maxDate('1999-12-31', '2000-01-01'), '2000-01-01')
    t.equal(minDate('2025-03-10', '2025-03-10'), '2025-03-10')
  },
)

t.test(
  'when today is asked, then it is the calendar date in Vietnam (UTC+7, no daylight saving), not in UTC',
  async (t) => {
    // Midnight in Hà Nội is 17:00 UTC of the day before.
    t.equal(todayInVietnam(new Date('2024-12-31T16:59:59.999Z')), '2024-12-31')
    t.equal(todayInVietnam(new Date('2024-12-31T17:00:00.000Z')), '2025-01-01')
    t.equal(todayInVietnam(new Date('2024-02-28T17:00:00.000Z')), '2024-02-29', 'a leap day')
    t.equal(todayInVietnam(new Date('2025-07-01T00:00:00.000Z')), '2025-07-01', 'summer: still +7, no DST')
    t.equal(todayInVietnam(new Date('2025-07-01T16:59:59.000Z')), '2025-07-01')
    fc.assert(
      // From 1976: the time zone database has Asia/Ho_Chi_Minh at UTC+8 until 13 June 1975 (fast-check found 1971).
      fc.property(fc.integer({ min: Date.UTC(1976, 0, 1), max: Date.UTC(2200, 0, 1) }), (ms) => {
        // The reference: shift the instant by 7 hours and read the UTC calendar date.
        const expected = new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10)
        return todayInVietnam(new Date(ms)) === expected
      }),
      { numRuns: 500 },
    )
    t.match(todayInVietnam(), /^\d{4}-\d{2}-\d{2}$/, 'without an argument it reads the wall clock')
  },
)
