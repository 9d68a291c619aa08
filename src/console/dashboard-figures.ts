/**
 * The dashboard's figures, pure and integer-based: compact VND for bar values ("12,5 triệu ₫"),
 * millions for an axis labelled "triệu ₫", ppm ratios as percent, round axis steps, and the twelve
 * months ending with the business date's.
 */

export type Language = 'vi' | 'en'

/** An integer and its tenths with the language's decimal sign: 125 tenths → "12,5" (vi) / "12.5" (en). */
function tenths(n: number, lang: Language): string {
  const whole = Math.floor(n / 10)
  const tenth = n % 10
  return tenth === 0 ? String(whole) : `${whole}${lang === 'vi' ? ',' : '.'}${tenth}`
}

/** Integer VND, compact: 12.500.000 → "12,5 triệu ₫", 1.200.000.000 → "1,2 tỷ ₫", below a million as is. */
export function compactVnd(amount: number, units: { million: string; billion: string }, lang: Language): string {
  const sign = amount < 0 ? '-' : ''
  const a = Math.abs(amount)
  if (a >= 1_000_000_000) return `${sign}${tenths(Math.round(a / 100_000_000), lang)} ${units.billion}`
  if (a >= 1_000_000) return `${sign}${tenths(Math.round(a / 100_000), lang)} ${units.million}`
  const digits = String(a).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'vi' ? '.' : ',')
  return `${sign}${digits} ₫`
}

/** Integer VND in millions for an axis whose label says "triệu ₫": 1.500.000.000 → "1.500", 500.000 → "0,5". */
export function millions(amount: number, lang: Language): string {
  const t = Math.round(amount / 100_000)
  const whole = String(Math.floor(t / 10)).replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'vi' ? '.' : ',')
  return t % 10 === 0 ? whole : `${whole}${lang === 'vi' ? ',' : '.'}${t % 10}`
}

/** A ratio in ppm as percent with two decimals: 123456 → "12,35 %". */
export function ppmPercent(ppm: number, lang: Language): string {
  const hundredths = Math.round(ppm / 100)
  const whole = Math.floor(hundredths / 100)
  const frac = String(hundredths % 100).padStart(2, '0')
  return `${whole}${lang === 'vi' ? ',' : '.'}${frac} %`
}

/** A round axis step (1, 2 or 5 × 10^k) giving at most four intervals up to `max`. */
export function niceStep(max: number): number {
  if (max <= 0) return 1
  let step = 1
  for (;;) {
    for (const m of [1, 2, 5]) if (max / (step * m) <= 4) return step * m
    step *= 10
  }
}

/** The 12 months ending with the business date's: ['2025-12', '2026-11'] for 2026-11-15. */
export function lastTwelveMonths(businessDate: string): { from: string; to: string } {
  const y = Number(businessDate.slice(0, 4))
  const m = Number(businessDate.slice(5, 7))
  const fromIndex = y * 12 + (m - 1) - 11
  const from = `${Math.floor(fromIndex / 12)}-${String((fromIndex % 12) + 1).padStart(2, '0')}`
  return { from, to: businessDate.slice(0, 7) }
}
