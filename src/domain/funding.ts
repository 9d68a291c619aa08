/**
 * Funding sources (docs/rules.md §12) and local top-ups (§13): pure rules, integer VND only.
 *
 * - available(source) = capital received − loans_receivable − write_off_losses of the source: principal lent and
 *   not yet repaid is out; principal repaid is back; principal written off is capital lost.
 * - A local top-up raises a programme's cap to an amount, or multiplies it by a whole percent (130 = 1.3 ×, rounded
 *   down to the VND), optionally only for priority households. The part of a loan above the national cap is the
 *   top-up part, funded by the policy's source.
 * - A loan with a top-up part is split between its two sources: the top-up part is the last money paid out (the
 *   tranches fund the national part first) and the first principal repaid (it returns to the local source first);
 *   a write-off loses for each source what it still had out. Interest stays with the loan's own source.
 */
import type { Vnd } from './money.js'

/** The capital a source can still lend. */
export function availableCapital(capital: Vnd, receivable: Vnd, writtenOff: Vnd): Vnd {
  return capital - receivable - writtenOff
}

export interface TopUpRule {
  /** raise the cap to this amount (VND) */
  capAmount: Vnd | null
  /** or multiply the national cap by this percent (130 = 1.3 ×) */
  factorPct: number | null
  /** only for households with a priority attribute (§14) */
  priorityOnly: boolean
}

export interface CapWithTopUp {
  nationalCap: Vnd
  /** the cap the household may borrow up to under the policy (= nationalCap when no top-up applies) */
  localCap: Vnd
  /** localCap − nationalCap */
  topUp: Vnd
  /** false when the policy has no top-up, or one for priority households only and the household has no priority */
  applies: boolean
}

/** The cap under a local policy's top-up. A top-up never lowers the cap. */
export function capWithTopUp(nationalCap: Vnd, rule: TopUpRule | null, priority: boolean): CapWithTopUp {
  const none = { nationalCap, localCap: nationalCap, topUp: 0, applies: false }
  if (!rule || (rule.capAmount === null && rule.factorPct === null)) return none
  if (rule.priorityOnly && !priority) return none
  let cap = nationalCap
  if (rule.capAmount !== null) cap = Math.max(cap, rule.capAmount)
  // Whole VND, rounded down: the cap is a limit, never exceeded by rounding.
  if (rule.factorPct !== null) cap = Math.max(cap, Math.floor((nationalCap * rule.factorPct) / 100))
  return { nationalCap, localCap: cap, topUp: cap - nationalCap, applies: true }
}

/** The part of an approved amount above the national cap (what the local source funds). */
export function topUpPart(approved: Vnd, nationalCap: Vnd): Vnd {
  return Math.max(0, approved - nationalCap)
}

export interface TopUpShareInput {
  approved: Vnd
  topUpAmount: Vnd
  disbursed: Vnd
  principalRepaid: Vnd
  /** principal written off (0 when not written off) */
  writtenOff: Vnd
}

/** What of a loan's principal belongs to the top-up source (the rest to the loan's own source). */
export function topUpShare(i: TopUpShareInput): { disbursed: Vnd; repaid: Vnd; writtenOff: Vnd; outstanding: Vnd } {
  const disbursed = Math.max(0, Math.min(i.topUpAmount, i.disbursed - (i.approved - i.topUpAmount)))
  const repaid = Math.min(i.principalRepaid, disbursed)
  const left = disbursed - repaid
  const writtenOff = i.writtenOff > 0 ? left : 0
  return { disbursed, repaid, writtenOff, outstanding: left - writtenOff }
}

/** A loan's six ledger targets (src/domain/loan-balances.ts) split between its own source and its top-up source. */
export function splitTargets<A extends string>(
  target: Record<A | 'loans_receivable' | 'write_off_losses' | 'cash_at_transaction_point' | 'cash_at_branch', number>,
  loan: { approved: Vnd; topUpAmount: Vnd; disbursed: Vnd; writtenOff: Vnd },
): { own: typeof target; topUp: typeof target } {
  const principalRepaid = loan.disbursed - loan.writtenOff - target.loans_receivable
  const share = topUpShare({ ...loan, principalRepaid })
  const topUp = Object.fromEntries(Object.keys(target).map((k) => [k, 0])) as typeof target
  topUp.loans_receivable = share.outstanding
  topUp.write_off_losses = share.writtenOff
  topUp.cash_at_branch = -share.disbursed
  topUp.cash_at_transaction_point = share.repaid
  const own = { ...target }
  for (const k of Object.keys(target) as (keyof typeof target)[]) own[k] = target[k] - topUp[k]
  return { own, topUp }
}
