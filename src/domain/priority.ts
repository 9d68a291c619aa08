/**
 * Priority attributes of a household (docs/rules.md §14), pure: a household is a priority household when it
 * belongs to an ethnic minority, or its commune or village is designated remote / especially difficult on the
 * date. A designation is in force from its effectiveFrom up to and including its effectiveTo (open when null).
 */

export const DESIGNATION_KINDS = ['remote', 'especially_difficult'] as const
export type DesignationKind = (typeof DESIGNATION_KINDS)[number]

export interface Designation {
  designation: DesignationKind
  /** null: the whole commune */
  village: string | null
  effectiveFrom: string
  /** Last day in force; null: open */
  effectiveTo: string | null
}

export interface HouseholdPriority {
  ethnicMinority: boolean
  /** The commune or village is designated remote / isolated on the date. */
  remote: boolean
  /** The commune or village is designated especially difficult on the date. */
  especiallyDifficult: boolean
  /** Any of the above: a priority household. */
  priority: boolean
}

export function inForce(d: Pick<Designation, 'effectiveFrom' | 'effectiveTo'>, date: string): boolean {
  return d.effectiveFrom <= date && (d.effectiveTo === null || date <= d.effectiveTo)
}

/** A designation covers a village when it is for the whole commune or names that village (exact text). */
export function covers(d: Pick<Designation, 'village'>, village: string): boolean {
  return d.village === null || d.village === village
}

/**
 * The priority of a household of `village` on `date`, given its ethnic-minority membership on that date and the
 * designations of its commune (all of them; those not in force or for another village are ignored).
 */
export function priorityOn(
  ethnicMinority: boolean,
  village: string,
  designations: readonly Designation[],
  date: string,
): HouseholdPriority {
  const live = designations.filter((d) => inForce(d, date) && covers(d, village))
  const remote = live.some((d) => d.designation === 'remote')
  const especiallyDifficult = live.some((d) => d.designation === 'especially_difficult')
  return { ethnicMinority, remote, especiallyDifficult, priority: ethnicMinority || remote || especiallyDifficult }
}

/** Two designations of the same kind and place overlap when some day is in both. */
export function overlaps(
  a: Pick<Designation, 'effectiveFrom' | 'effectiveTo'>,
  b: Pick<Designation, 'effectiveFrom' | 'effectiveTo'>,
): boolean {
  return (
    (a.effectiveTo === null || b.effectiveFrom <= a.effectiveTo) &&
    (b.effectiveTo === null || a.effectiveFrom <= b.effectiveTo)
  )
}
