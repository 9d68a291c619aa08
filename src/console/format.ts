/**
 * What a person reads: VND as `1.234.567 ₫`, dates as dd/MM/yyyy, rates as `0,55 %/tháng`.
 * Integer arithmetic and string work only: money is integer VND and rates integer ppm per month,
 * so no float ever rounds a figure, and dates stay calendar strings (no Date, no time zone).
 */

/** Groups the digits of a non-negative integer's decimal string in threes with `sep`. */
function groupDigits(digits: string, sep: string): string {
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep
    out += digits[i]
  }
  return out
}

/** Integer VND → `1.234.567 ₫` (negative: `-1.234.567 ₫`). Refuses anything but a safe integer. */
export function formatVnd(amount: number | bigint): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount))
    throw new RangeError(`not an integer VND amount: ${amount}`)
  const text = amount.toString()
  const negative = text.startsWith('-')
  return `${negative ? '-' : ''}${groupDigits(negative ? text.slice(1) : text, '.')} ₫`
}

/** `YYYY-MM-DD` (or a timestamp starting with it) → `dd/MM/yyyy`; anything else is returned unchanged. */
export function formatDate(date: string | null | undefined): string {
  if (!date) return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(date)
  return m ? `${m[3]}/${m[2]}/${m[1]}` : date
}

/**
 * A monthly rate in ppm → percent per month with a decimal comma (vi) or point (en): 5500 →
 * `0,55 %/tháng`. At least two decimals, up to four (1 ppm = 0,0001 %), trailing zeros dropped.
 */
export function formatRate(ppmPerMonth: number, lang: 'vi' | 'en' = 'vi'): string {
  if (!Number.isSafeInteger(ppmPerMonth)) throw new RangeError(`not an integer ppm rate: ${ppmPerMonth}`)
  const negative = ppmPerMonth < 0
  const ppm = Math.abs(ppmPerMonth)
  const whole = Math.floor(ppm / 10_000)
  let fraction = String(ppm % 10_000).padStart(4, '0')
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1)
  const number = `${negative ? '-' : ''}${whole}${lang === 'vi' ? ',' : '.'}${fraction}`
  return lang === 'vi' ? `${number} %/tháng` : `${number} %/month`
}
