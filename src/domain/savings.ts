/**
 * Members' savings (docs/rules.md §11): a household's savings account is the
 * replay of its append-only movements in value-date order (ties: posting
 * order). Integer VND only. The balance may never be negative at any point of
 * that order, so a back-dated withdrawal must be covered on its value date AND
 * on every later date; withdrawals awaiting approval reserve the balance.
 */

export type SavingsKind = 'deposit' | 'withdrawal'

export interface SavingsMovement {
  /** Posting order: breaks ties between movements of the same value date. */
  id: number
  kind: SavingsKind
  amount: number
  valueDate: string
}

export type StatementLine<T extends SavingsMovement = SavingsMovement> = T & { balance: number }

export interface Statement<T extends SavingsMovement = SavingsMovement> {
  openingBalance: number
  closingBalance: number
  totalDeposits: number
  totalWithdrawals: number
  lines: StatementLine<T>[]
}

export const signedAmount = (m: Pick<SavingsMovement, 'kind' | 'amount'>): number =>
  m.kind === 'deposit' ? m.amount : -m.amount

/** Value-date order, posting order within a date. */
export function inValueOrder<T extends SavingsMovement>(movements: readonly T[]): T[] {
  return [...movements].sort((a, b) => (a.valueDate < b.valueDate ? -1 : a.valueDate > b.valueDate ? 1 : a.id - b.id))
}

/** Σ deposits − Σ withdrawals (on or before `asOf` when given). */
export function balanceOf(movements: readonly SavingsMovement[], asOf?: string): number {
  let balance = 0
  for (const m of movements) if (asOf === undefined || m.valueDate <= asOf) balance += signedAmount(m)
  return balance
}

/** The lowest running balance in value-date order (0 for no movements). Never negative in a valid account. */
export function lowestRunningBalance(movements: readonly SavingsMovement[]): number {
  let balance = 0
  let lowest = 0
  for (const m of inValueOrder(movements)) {
    balance += signedAmount(m)
    if (balance < lowest) lowest = balance
  }
  return lowest
}

/**
 * The most that can be withdrawn with value date `valueDate` (the new movement
 * is the last of its date): the smallest running balance from the end of that
 * date on, and the final balance less what pending withdrawals reserve.
 * Never below 0.
 */
export function availableToWithdraw(movements: readonly SavingsMovement[], valueDate: string, reserved = 0): number {
  let balance = 0
  const ordered = inValueOrder(movements)
  let i = 0
  for (; i < ordered.length && ordered[i]!.valueDate <= valueDate; i++) balance += signedAmount(ordered[i]!)
  let lowestFrom = balance
  for (; i < ordered.length; i++) {
    balance += signedAmount(ordered[i]!)
    if (balance < lowestFrom) lowestFrom = balance
  }
  return Math.max(0, Math.min(lowestFrom, balance - reserved))
}

/** Opening balance before `from`, each movement of [from, to] with its running balance, closing balance at `to`. */
export function statementOf<T extends SavingsMovement>(
  movements: readonly T[],
  from: string,
  to: string,
): Statement<T> {
  let balance = 0
  let totalDeposits = 0
  let totalWithdrawals = 0
  let openingBalance = 0
  const lines: StatementLine<T>[] = []
  for (const m of inValueOrder(movements)) {
    if (m.valueDate > to) break
    balance += signedAmount(m)
    if (m.valueDate < from) {
      openingBalance = balance
      continue
    }
    if (m.kind === 'deposit') totalDeposits += m.amount
    else totalWithdrawals += m.amount
    lines.push({ ...m, balance })
  }
  return { openingBalance, closingBalance: balance, totalDeposits, totalWithdrawals, lines }
}
