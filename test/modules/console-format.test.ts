/** The console's formatters: what staff read, from integer VND, integer ppm and calendar strings. */
import t from 'tap'
import fc from 'fast-check'
import { formatDate, formatRate, formatVnd } from '../../src/console/format.js'

t.test('when an integer VND amount is shown, then its digits are grouped by dots and end with ₫', async (t) => {
  t.equal(formatVnd(0), '0 ₫')
  t.equal(formatVnd(999), '999 ₫')
  t.equal(formatVnd(1000), '1.000 ₫')
  t.equal(formatVnd(1234567), '1.234.567 ₫')
  t.equal(formatVnd(100000000), '100.000.000 ₫')
  t.equal(formatVnd(-50000), '-50.000 ₫')
  t.equal(formatVnd(Number.MAX_SAFE_INTEGER), '9.007.199.254.740.991 ₫')
  t.equal(formatVnd(12345678901234567890n), '12.345.678.901.234.567.890 ₫')
})

t.test('when an amount is not an integer, then it is refused rather than rounded', async (t) => {
  t.throws(() => formatVnd(1.5), RangeError)
  t.throws(() => formatVnd(Number.NaN), RangeError)
  t.throws(() => formatVnd(2 ** 53), RangeError)
})

t.test('when any safe integer is shown, then removing the dots and ₫ gives the integer back', async () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (n) => {
      const shown = formatVnd(n)
      return (
        shown.endsWith(' ₫') &&
        Number(shown.slice(0, -2).replaceAll('.', '')) === n &&
        /^-?\d{1,3}(\.\d{3})*$/.test(shown.slice(0, -2))
      )
    }),
  )
})

t.test('when a YYYY-MM-DD date is shown, then it reads dd/MM/yyyy with no time-zone shift', async (t) => {
  t.equal(formatDate('2026-01-05'), '05/01/2026')
  t.equal(formatDate('2025-12-31'), '31/12/2025')
  t.equal(formatDate('2026-03-01T00:30:00.000Z'), '01/03/2026')
  t.equal(formatDate(null), '')
  t.equal(formatDate(''), '')
  t.equal(formatDate('not a date'), 'not a date')
})

t.test('when a monthly rate in ppm is shown, then it reads as percent per month with a decimal comma', async (t) => {
  t.equal(formatRate(5500), '0,55 %/tháng')
  t.equal(formatRate(6600), '0,66 %/tháng')
  t.equal(formatRate(10000), '1,00 %/tháng')
  t.equal(formatRate(12500), '1,25 %/tháng')
  t.equal(formatRate(5525), '0,5525 %/tháng')
  t.equal(formatRate(1), '0,0001 %/tháng')
  t.equal(formatRate(0), '0,00 %/tháng')
  t.equal(formatRate(5500, 'en'), '0.55 %/month')
  t.throws(() => formatRate(55.5), RangeError)
})

t.test('when any ppm rate is shown, then the digits give the ppm back exactly', async () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), (ppm) => {
      const number = formatRate(ppm).replace(' %/tháng', '')
      const [whole = '', fraction = ''] = number.split(',')
      return Number(whole) * 10_000 + Number(fraction.padEnd(4, '0')) === ppm
    }),
  )
})
