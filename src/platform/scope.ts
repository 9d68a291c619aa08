/**
 * Branch / partner scope, written once. The rule (docs/rules.md, authorisation):
 * a partner officer sees what belongs to its partner; admin, finance and auditor
 * see everything; branch staff see their branch. A missing scope id (a user
 * without a branch or partner) never matches, nor does a scope the thing does
 * not carry (a partner officer and a thing with no partner).
 *
 * Three renderings of the same rule: in memory (`inScope`), raw SQL
 * (`scopeSql`, a fragment with named parameters) and drizzle (`scopeCondition`).
 */
import { sql, type Column, type SQL } from 'drizzle-orm'
import { type Actor, READ_ALL_ROLES } from './auth.js'
import { DomainError } from './errors.js'

export type Scope = { kind: 'all' } | { kind: 'none' } | { kind: 'branch' | 'partner'; id: number }

/** What the actor may see. */
export function scopeOf(actor: Actor): Scope {
  if (actor.role === 'partner_officer')
    return actor.partnerId != null ? { kind: 'partner', id: actor.partnerId } : { kind: 'none' }
  if (READ_ALL_ROLES.includes(actor.role)) return { kind: 'all' }
  return actor.branchId != null ? { kind: 'branch', id: actor.branchId } : { kind: 'none' }
}

/** The columns (or expressions) that carry a thing's branch and partner; leave out what it does not have. */
export interface ScopeColumns<C> {
  branch?: C
  partner?: C
}

/**
 * The scope as a raw SQL condition (never empty: `1 = 1` when everything is visible, `0 = 1` when nothing is)
 * with its named parameter (`@<param>`); merge `params` into the statement's parameters.
 */
export function scopeSql(
  actor: Actor,
  columns: ScopeColumns<string>,
  param = 'scope',
): { sql: string; params: Record<string, number> } {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return { sql: '1 = 1', params: {} }
  const column = scope.kind === 'none' ? undefined : columns[scope.kind]
  if (scope.kind === 'none' || column === undefined) return { sql: '0 = 1', params: {} }
  return { sql: `${column} = @${param}`, params: { [param]: scope.id } }
}

/** The scope as a drizzle condition (undefined when everything is visible; `and()` skips it). */
export function scopeCondition(actor: Actor, columns: ScopeColumns<Column | SQL>): SQL | undefined {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return undefined
  const column = scope.kind === 'none' ? undefined : columns[scope.kind]
  if (scope.kind === 'none' || column === undefined) return sql`0 = 1`
  return sql`${column} = ${scope.id}`
}

/** Scope check for something that belongs to a branch and (maybe) a partner. */
export function inScope(actor: Actor, owner: { branchId: number; partnerId?: number | null }): boolean {
  const scope = scopeOf(actor)
  if (scope.kind === 'all') return true
  if (scope.kind === 'branch') return owner.branchId === scope.id
  if (scope.kind === 'partner') return owner.partnerId === scope.id
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
