/**
 * Branch / partner scope, written once. The rule (docs/rules.md, authorisation, and §21 for the tree):
 * a partner officer sees what belongs to its partner or to a partner under it in the partner's own tree; admin,
 * finance and auditor see everything; branch staff and supervisors see their branch, or every branch under their
 * office (a province office, the head office). A missing scope (a user without a branch, office or partner) never
 * matches, nor does a scope the thing does not carry (a partner officer and a thing with no partner).
 *
 * Three renderings of the same rule: in memory (`inScope`), raw SQL
 * (`scopeSql`, a fragment with named parameters) and drizzle (`scopeCondition`).
 */
import { sql, type Column, type SQL } from 'drizzle-orm'
import { type Actor, READ_ALL_ROLES } from './auth.js'
import { DomainError } from './errors.js'

export type Scope =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'partner'; ids: readonly number[] }
  /** officeIds: an office user's office and every office under it (undefined for a user of one branch). */
  | { kind: 'branch'; ids: readonly number[]; officeIds?: readonly number[] }

const only = (id: number | null): readonly number[] => (id != null ? [id] : [])

/** What the actor may see. */
export function scopeOf(actor: Actor): Scope {
  if (READ_ALL_ROLES.includes(actor.role)) return { kind: 'all' }
  const ids =
    actor.role === 'partner_officer'
      ? (actor.partnerIds ?? only(actor.partnerId))
      : (actor.branchIds ?? only(actor.branchId))
  if (actor.role === 'partner_officer') return ids.length === 0 ? { kind: 'none' } : { kind: 'partner', ids }
  // A province office without districts yet still has its own node (a province union stands beside it).
  const officeIds = actor.officeIds?.length ? actor.officeIds : undefined
  if (ids.length === 0 && !officeIds) return { kind: 'none' }
  return officeIds ? { kind: 'branch', ids, officeIds } : { kind: 'branch', ids }
}

/** The columns (or expressions) that carry a thing's branch and partner; leave out what it does not have. */
export interface ScopeColumns<C> {
  branch?: C
  partner?: C
  /**
   * The office a thing stands beside when it may have no branch (a province-level partner): an office user sees it
   * when that office is its own or under it. Things of a branch stay matched by their branch.
   */
  office?: C
}

/**
 * The scope as a raw SQL condition (never empty: `1 = 1` when everything is visible, `0 = 1` when nothing is)
 * with its named parameter (`@<param>`); merge `params` into the statement's parameters. One id (a branch, a
 * partner without chapters) is `column = @param`; several are one JSON array parameter, so the statement's text
 * does not depend on how many branches a province has (statements are prepared once per text).
 */
export function scopeSql(
  actor: Actor,
  columns: ScopeColumns<string>,
  param = 'scope',
): { sql: string; params: Record<string, number | string> } {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return { sql: '1 = 1', params: {} }
  if (scope.kind === 'none') return { sql: '0 = 1', params: {} }
  const idsSql = (column: string | undefined, ids: readonly number[], name: string) => {
    if (column === undefined) return null
    if (ids.length === 1) return { sql: `${column} = @${name}`, params: { [name]: ids[0]! } }
    return { sql: `${column} IN (SELECT value FROM json_each(@${name}))`, params: { [name]: JSON.stringify(ids) } }
  }
  const parts = [
    idsSql(columns[scope.kind], scope.ids, param),
    scope.kind === 'branch' && scope.officeIds ? idsSql(columns.office, scope.officeIds, `${param}Offices`) : null,
  ].filter((p) => p !== null)
  if (parts.length === 0) return { sql: '0 = 1', params: {} }
  if (parts.length === 1) return parts[0]!
  return { sql: `(${parts[0]!.sql} OR ${parts[1]!.sql})`, params: { ...parts[0]!.params, ...parts[1]!.params } }
}

/** The scope as a drizzle condition (undefined when everything is visible; `and()` skips it). */
export function scopeCondition(actor: Actor, columns: ScopeColumns<Column | SQL>): SQL | undefined {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return undefined
  if (scope.kind === 'none') return sql`0 = 1`
  const idsCondition = (column: Column | SQL | undefined, ids: readonly number[]) => {
    if (column === undefined) return null
    return ids.length === 1
      ? sql`${column} = ${ids[0]}`
      : sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`
  }
  const parts = [
    idsCondition(columns[scope.kind], scope.ids),
    scope.kind === 'branch' && scope.officeIds ? idsCondition(columns.office, scope.officeIds) : null,
  ].filter((p) => p !== null)
  if (parts.length === 0) return sql`0 = 1`
  if (parts.length === 1) return parts[0]
  return sql`(${parts[0]} OR ${parts[1]})`
}

/** The branch ids of a scope, or null when it sees every branch (a partner's are its partners' branches). */
export function scopeBranchIds(actor: Actor): readonly number[] | null {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return null
  return scope.kind === 'branch' ? scope.ids : []
}

/** Scope check for something that belongs to a branch and (maybe) a partner. */
export function inScope(actor: Actor, owner: { branchId: number; partnerId?: number | null }): boolean {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return true
  if (scope.kind === 'branch') return scope.ids.includes(owner.branchId)
  if (scope.kind === 'partner') return owner.partnerId != null && scope.ids.includes(owner.partnerId)
  return false
}

/** May the actor see/act on things of this branch? (admin/finance/auditor see all; partners no branch as such.) */
export function inBranchScope(actor: Actor, branchId: number): boolean {
  return inScope(actor, { branchId })
}

/**
 * Throws 404 when the entity is outside the actor's scope: for a partner or
 * another branch, the existence of someone else's household or loan must not leak.
 */
export function assertInScope(
  actor: Actor,
  owner: { branchId: number; partnerId?: number | null },
  what: string,
  id: unknown,
): void {
  if (!inScope(actor, owner)) throw new DomainError('NOT_FOUND', `${what} ${String(id)} was not found`)
}
