/**
 * The monthly rate an admin types in %/month → the API's integer ppm, with string work only (no
 * float ever rounds a rate). Its own module without browser dependencies, so tests import it directly.
 */

export const PPM_PER_PERCENT = 10_000
export const MAX_RATE_PPM = 1_000_000

/**
 * A monthly rate typed in %/month (`0,55`, `0.55`, `1`, `0,5 %`) → integer ppm (5500), by string work
 * only: the whole part times 10 000 plus the decimals padded to four digits (1 ppm = 0,0001 %).
 * `tooPrecise` when it has more than four significant decimals, `invalid` for anything else or above 100 %.
 */
export function parseRatePercent(text: string): { ppm: number } | { error: 'invalid' | 'tooPrecise' } {
  const m = /^(\d{1,3})(?:[,.](\d+))?$/.exec(text.trim().replace(/\s*%$/, '').trim())
  if (!m) return { error: 'invalid' }
  const decimals = (m[2] ?? '').replace(/0+$/, '') // 0,550000 is 0,55: only significant decimals count
  if (decimals.length > 4) return { error: 'tooPrecise' }
  const ppm = Number(m[1]) * PPM_PER_PERCENT + Number(decimals.padEnd(4, '0'))
  return ppm <= MAX_RATE_PPM ? { ppm } : { error: 'invalid' }
}
