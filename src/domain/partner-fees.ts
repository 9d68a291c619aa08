/**
 * Partner fees as money (docs/rules.md §19), pure: splitting one amount over funding sources.
 */

/**
 * Splits `total` (a safe integer, may be negative) in proportion to non-negative integer `weights`, by largest
 * remainder: each share is floor(total × w / Σw) (towards zero for a negative total), and the VND left over goes
 * one by one to the largest remainders (ties: the earlier weight). The shares add up to `total` exactly. All
 * weights 0: everything goes to the first.
 */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total)) throw new RangeError('total must be a safe integer')
  if (weights.length === 0) throw new RangeError('at least one weight')
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) throw new RangeError('weights: non-negative integers')
  const sum = weights.reduce((a, w) => a + BigInt(w), 0n)
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0))
  const sign = total < 0 ? -1n : 1n
  const abs = BigInt(total) * sign
  const shares = weights.map((w) => (abs * BigInt(w)) / sum)
  const remainders = weights.map((w, i) => ({ i, r: (abs * BigInt(w)) % sum }))
  let left = abs - shares.reduce((a, s) => a + s, 0n)
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left === 0n) break
    shares[i]! += 1n
    left -= 1n
  }
  return shares.map((s) => Number(s * sign))
}
