/**
 * Who acted on a file, by name: the four-eyes panels say "chứng nhận: Lê Văn Cán Bộ", not "#12".
 * Names come from `GET /v1/users/names` (any role may ask) and are kept for the page's life: a
 * colleague's name does not change between two screens.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api/client'

const known = new Map<number, string>()

/** Names of the users among `ids` (nulls ignored); re-renders when the missing ones arrive. */
export function useStaffNames(ids: readonly (number | null | undefined)[]): ReadonlyMap<number, string> {
  const wanted = [...new Set(ids.filter((id): id is number => typeof id === 'number' && id > 0))].sort((a, b) => a - b)
  const missing = wanted.filter((id) => !known.has(id))
  const [, setVersion] = useState(0)
  const key = missing.join(',')
  useEffect(() => {
    if (!key) return
    let live = true
    const chunks: number[][] = []
    for (let i = 0; i < missing.length; i += 100) chunks.push(missing.slice(i, i + 100))
    Promise.all(chunks.map((c) => api.GET('/v1/users/names', { params: { query: { ids: c.join(',') } } }))).then((answers) => {
      for (const { data } of answers) for (const u of data?.items ?? []) known.set(u.id, u.name)
      if (live) setVersion((v) => v + 1)
    }, () => { /* a name is a courtesy: the id stays shown */ })
    return () => { live = false }
  }, [key])
  return known
}

/** "Name" when known, else "#id"; "—" for nobody. */
export function staffName(names: ReadonlyMap<number, string>, id: number | null | undefined): string {
  if (id === null || id === undefined) return '—'
  return names.get(id) ?? `#${id}`
}
