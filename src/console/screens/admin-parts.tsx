/**
 * Pieces shared by the auditor's and the admin's screens: timestamps in Vietnam time, the monthly
 * rate typed in %/month turned into integer ppm without floats, and the names of users, branches
 * and partners (loaded once per screen).
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api/client'
import type { paths } from '../api/schema'

export type User = paths['/v1/users']['get']['responses'][200]['content']['application/json']['items'][number]
export type Branch = paths['/v1/branches']['get']['responses'][200]['content']['application/json']['items'][number]
export type Partner = paths['/v1/partners']['get']['responses'][200]['content']['application/json']['items'][number]

const VIETNAM_OFFSET_MS = 7 * 3_600_000 // Asia/Ho_Chi_Minh: UTC+7 all year (no summer time)

/** An ISO timestamp (UTC) → `dd/MM/yyyy HH:mm` in Vietnam time; anything unreadable is returned as is. */
export function formatTimestamp(at: string): string {
  const ms = Date.parse(at)
  if (Number.isNaN(ms)) return at
  const d = new Date(ms + VIETNAM_OFFSET_MS)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

export { parseRatePercent } from './admin-rate'

/** Every page of a cursor-paged list (the reference lists are short: a few pages at most). */
export async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null } | undefined>,
): Promise<T[] | null> {
  const out: T[] = []
  let cursor: string | undefined
  for (let i = 0; i < 20; i++) {
    const page = await fetchPage(cursor)
    if (!page) return null
    out.push(...page.items)
    if (!page.nextCursor) return out
    cursor = page.nextCursor
  }
  return out
}

/** Every user (admin and auditor may list them), reloadable after a change; null until loaded or when refused. */
export function useUsers(): { users: User[] | null; reload: () => Promise<void> } {
  const [users, setUsers] = useState<User[] | null>(null)
  const reload = async () => {
    try {
      const items = await allPages<User>((cursor) =>
        api
          .GET('/v1/users', { params: { query: cursor ? { limit: 500, cursor } : { limit: 500 } } })
          .then((r) => r.data),
      )
      if (items) setUsers(items)
    } catch {
      /* the caller shows ids instead of names */
    }
  }
  useEffect(() => {
    void reload()
  }, [])
  return { users, reload }
}

/** Branches and partners visible to the caller (for names and for the scope of a new user). */
export function useScopes(): { branches: Branch[]; partners: Partner[]; reload: () => Promise<void> } {
  const [branches, setBranches] = useState<Branch[]>([])
  const [partners, setPartners] = useState<Partner[]>([])
  const reload = async () => {
    try {
      const [b, p] = await Promise.all([
        allPages<Branch>((cursor) =>
          api
            .GET('/v1/branches', { params: { query: cursor ? { limit: 500, cursor } : { limit: 500 } } })
            .then((r) => r.data),
        ),
        allPages<Partner>((cursor) =>
          api
            .GET('/v1/partners', { params: { query: cursor ? { limit: 500, cursor } : { limit: 500 } } })
            .then((r) => r.data),
        ),
      ])
      if (b) setBranches(b)
      if (p) setPartners(p)
    } catch {
      /* names fall back to ids */
    }
  }
  useEffect(() => {
    void reload()
  }, [])
  return { branches, partners, reload }
}
