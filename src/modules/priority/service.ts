/**
 * Priority attributes of a household on a date (docs/rules.md §14): ethnic-minority membership and the
 * dated "remote" / "especially difficult" designation of its commune or village. Eligibility, local
 * top-ups, application queues and reports read them through this one function.
 */
import type Database from 'better-sqlite3'

export interface HouseholdPriority {
  ethnicMinority: boolean
  /** The commune or village is designated remote / isolated on the date. */
  remote: boolean
  /** The commune or village is designated especially difficult on the date. */
  especiallyDifficult: boolean
  /** Any of the above: a priority household. */
  priority: boolean
}

/** Placeholder until the attributes are stored: no household is a priority household. */
export function householdPriority(
  _sqlite: Database.Database,
  _householdId: number,
  _onDate: string,
): HouseholdPriority {
  return { ethnicMinority: false, remote: false, especiallyDifficult: false, priority: false }
}
