/**
 * Money is integer VND (no minor unit). Rates are integer ppm per month.
 * Every division in a money path names its rounding; products that can pass
 * 2^53 are computed in BigInt.
 */
import { DomainError } from './errors.js'

export type Vnd = number

/** Throws unless `n` is a safe, non-negative integer amount of VND. */
export function assertVnd(n: number, what = 'amount'): Vnd {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DomainError('INVALID_AMOUNT', `${what} must be a non-negative whole number of VND, got ${n}`)
  }
  return n
}

/** numerator / denominator rounded half-up (away from zero at .5) for non-negative values. */
export function divHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive')
  if (numerator < 0n) throw new RangeError('numerator must be non-negative')
  return (numerator * 2n + denominator) / (denominator * 2n)
}

/** floor(numerator / denominator) for non-negative integers. */
export function divFloor(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0 || numerator < 0) {
    throw new RangeError('divFloor takes non-negative safe integers and a positive denominator')
  }
  return Math.floor(numerator / denominator)
}

/** Converts a BigInt result back to a Number, asserting it is a safe integer. */
export function toSafeNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`value ${n} is outside the safe integer range`)
  }
  return Number(n)
}

export function sumVnd(values: readonly number[]): Vnd {
  let total = 0
  for (const v of values) total += v
  if (!Number.isSafeInteger(total)) throw new RangeError('sum is outside the safe integer range')
  return total
}
