/**
 * An amount of VND in Vietnamese words, as a receipt writes it under the figure ("Bằng chữ"):
 * 1.250.000 → "Một triệu hai trăm năm mươi nghìn đồng". Integer arithmetic only (bigint inside):
 * money is integer VND, so no float ever rounds the figure read out.
 *
 * The reading: groups of three digits named nghìn, triệu, and tỷ for every nine digits (1.000 tỷ
 * = "một nghìn tỷ", 10^18 = "một tỷ tỷ"); a zero group is skipped; a group after a read one reads
 * its hundreds ("không trăm") and a lone unit with "linh" (1.000.005 = "một triệu không trăm linh
 * năm"); 1 after "mươi" is "mốt", 4 after "mươi" is "tư", 5 after "mươi"/"mười" is "lăm".
 */

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const
const BILLION = 1_000_000_000n

/** A group of three digits (0..999), `full` when a group before it was read. */
function group(n: number, full: boolean): string[] {
  const h = Math.floor(n / 100)
  const t = Math.floor(n / 10) % 10
  const u = n % 10
  const words: string[] = []
  if (h > 0 || full) words.push(DIGITS[h]!, 'trăm')
  if (t === 0) {
    if (u > 0 && (h > 0 || full)) words.push('linh')
  } else if (t === 1) words.push('mười')
  else words.push(DIGITS[t]!, 'mươi')
  if (u > 0) {
    if (u === 1 && t >= 2) words.push('mốt')
    else if (u === 4 && t >= 2) words.push('tư')
    else if (u === 5 && t >= 1) words.push('lăm')
    else words.push(DIGITS[u]!)
  }
  return words
}

/** The words of n > 0; `started` when words were read before it (its first group then reads in full). */
function words(n: bigint, started: boolean): string[] {
  if (n >= BILLION) {
    const out = [...words(n / BILLION, started), 'tỷ']
    const rest = n % BILLION
    return rest > 0n ? [...out, ...words(rest, true)] : out
  }
  const out: string[] = []
  const parts: [number, string | null][] = [
    [Number(n / 1_000_000n), 'triệu'],
    [Number((n / 1000n) % 1000n), 'nghìn'],
    [Number(n % 1000n), null],
  ]
  for (const [value, name] of parts) {
    if (value === 0) continue
    out.push(...group(value, started || out.length > 0))
    if (name) out.push(name)
  }
  return out
}

/**
 * A non-negative integer amount of VND → its Vietnamese words with a capital first letter and
 * "đồng": 0 → "Không đồng". Refuses fractions, negatives and unsafe numbers (pass a bigint).
 */
export function vndInWords(amount: number | bigint): string {
  if (typeof amount === 'number' && !Number.isSafeInteger(amount))
    throw new RangeError(`not an integer VND amount: ${amount}`)
  const n = BigInt(amount)
  if (n < 0n) throw new RangeError(`a negative amount has no words on a receipt: ${amount}`)
  const text = n === 0n ? 'không' : words(n, false).join(' ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)} đồng`
}
