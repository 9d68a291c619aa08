/**
 * Entrustment contracts by level (docs/rules.md §23), pure.
 *
 * A partner of any level of its own tree (province union → district association → commune chapter) may sign an
 * entrustment contract with the bank, in force from its effectiveFrom up to and including its effectiveTo (open
 * when null). For a loan of a group run by partner P, in month M, the contract that applies is the one in force on
 * the last day of M of the NEAREST partner on the path P → parent → grandparent that has one: the fee (and the
 * group's commission) is paid to that signing partner at that contract's rates. No contract on the path: the fee is
 * P's own, at the fee-rate versions (§11), as before contracts existed.
 */

export interface ContractTerm {
  id: number
  /** The signing partner. */
  partnerId: number
  effectiveFrom: string
  /** Last day in force (after an end, the end's date); null: open. */
  effectiveTo: string | null
}

type Span = Pick<ContractTerm, 'effectiveFrom' | 'effectiveTo'>

export function inForce(c: Span, date: string): boolean {
  return c.effectiveFrom <= date && (c.effectiveTo === null || date <= c.effectiveTo)
}

/** Two spans overlap when some day is in force in both (ends inclusive, null = open). */
export function overlaps(a: Span, b: Span): boolean {
  return (
    (a.effectiveTo === null || b.effectiveFrom <= a.effectiveTo) &&
    (b.effectiveTo === null || a.effectiveFrom <= b.effectiveTo)
  )
}

/**
 * The path of a partner up its own tree: itself, its parent, its grandparent… (`parentOf` answers null at the
 * top). A loop in the data (never written by the service) stops the walk instead of spinning.
 */
export function partnerPath(partnerId: number, parentOf: (id: number) => number | null | undefined): number[] {
  const path = [partnerId]
  for (let up = parentOf(partnerId); up != null && !path.includes(up); up = parentOf(up)) path.push(up)
  return path
}

/** The contract that applies on `date` to a partner whose path is `path` (itself first), or null. */
export function applicableContract<C extends ContractTerm>(
  path: readonly number[],
  contracts: readonly C[],
  date: string,
): C | null {
  for (const partnerId of path) {
    const found = contracts.find((c) => c.partnerId === partnerId && inForce(c, date))
    if (found) return found
  }
  return null
}

/**
 * Who is paid for the loans and groups of the partner at path[0] on `date`: the signing partner of the applicable
 * contract, or the partner itself (contract null: its fee-rate versions apply).
 */
export function feePayee<C extends ContractTerm>(
  path: readonly number[],
  contracts: readonly C[],
  date: string,
): { payeePartnerId: number; contract: C | null } {
  if (path.length === 0) throw new RangeError('a path starts with the partner itself')
  const contract = applicableContract(path, contracts, date)
  return { payeePartnerId: contract ? contract.partnerId : path[0]!, contract }
}
