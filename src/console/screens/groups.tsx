/**
 * "Tổ của tôi": a partner officer's savings-and-loan groups (a branch officer sees the branch's),
 * then one group's households — poverty status today, whether a loan is running — with the next
 * step at hand: a new application for that household.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { useI18n, type Dictionary } from '../i18n'
import { navigate } from '../route'
import { Alert } from './parts'
import { cols, Table } from './table-parts'

type Group = paths['/v1/groups']['get']['responses'][200]['content']['application/json']['items'][number]
type Point = paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]
type Household = paths['/v1/households']['get']['responses'][200]['content']['application/json']['items'][number]

/** The poverty status as people say it. */
export function povertyLabel(t: Dictionary, status: string): string {
  return (t as unknown as Record<string, string>)[`poverty_${status}`] ?? status
}

export function Groups() {
  const { t } = useI18n()
  const [groups, setGroups] = useState<Group[] | null>(null)
  const [points, setPoints] = useState<Point[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    Promise.all([
      api.GET('/v1/groups', { params: { query: { limit: 500 } } }),
      api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }),
    ]).then(
      ([g, p]) => {
        if (g.data) setGroups(g.data.items)
        if (p.data) setPoints(p.data.items)
        const failed = g.error ?? p.error
        if (failed) setError(problemText(failed, t.unexpectedError))
      },
      () => setError(t.networkError),
    )
  }, [])

  const pointName = (id: number) => points.find((p) => p.id === id)?.name ?? `#${id}`
  return (
    <section>
      <h1>{t.groupsTitle}</h1>
      <p class="hint">{t.groupsIntro}</p>
      <Alert message={error} />
      {groups && groups.length === 0 ? <p>{t.groupsNone}</p> : null}
      {groups && groups.length > 0 ? (
        <Table
          testId="groups-table"
          captionClass="visually-hidden"
          caption={t.groupsTitle}
          columns={cols(t.groupCode, t.groupName, t.village, t.groupLeader, t.transactionPoint)}
        >
          {groups.map((g) => (
            <tr key={g.id}>
              <td>{g.code}</td>
              <td>
                <a href={`#/groups/${g.id}`}>{g.name}</a>
              </td>
              <td>{g.village}</td>
              <td>{g.leaderName ?? '—'}</td>
              <td>{pointName(g.transactionPointId)}</td>
            </tr>
          ))}
        </Table>
      ) : null}
    </section>
  )
}

const PAGE = 100

export function GroupPage({ id, canApply }: { id: number; canApply: boolean }) {
  const { t } = useI18n()
  const [group, setGroup] = useState<Group | null>(null)
  const [households, setHouseholds] = useState<Household[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [loaded, setLoaded] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const load = async (after: string | null) => {
    try {
      const { data, error } = await api.GET('/v1/households', {
        params: { query: { groupId: id, limit: PAGE, ...(after ? { cursor: after } : {}) } },
      })
      if (data) {
        setHouseholds((h) => (after ? [...h, ...data.items] : data.items))
        setCursor(data.nextCursor)
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    }
    setLoaded(true)
  }

  useEffect(() => {
    setHouseholds([])
    setLoaded(false)
    api.GET('/v1/groups', { params: { query: { limit: 500 } } }).then(
      ({ data }) => setGroup(data?.items.find((g) => g.id === id) ?? null),
      () => undefined,
    )
    void load(null)
  }, [id])

  return (
    <section>
      <p>
        <a href="#/groups">← {t.groupsBack}</a>
      </p>
      <h1>{group ? `${group.name} (${group.code})` : t.groupsTitle}</h1>
      {group ? (
        <p class="hint">
          {t.village}: {group.village} · {t.groupLeader}: {group.leaderName ?? '—'}
        </p>
      ) : null}
      <Alert message={error} />
      {loaded && households.length === 0 && !error ? <p>{t.noHouseholds}</p> : null}
      {households.length > 0 ? (
        <table data-testid="group-households">
          <caption class="visually-hidden">{t.groupHouseholds}</caption>
          <thead>
            <tr>
              <th scope="col">{t.householdHead}</th>
              <th scope="col">{t.citizenId}</th>
              <th scope="col">{t.village}</th>
              <th scope="col">{t.povertyStatus}</th>
              <th scope="col">{t.activeLoan}</th>
              {canApply ? (
                <th scope="col">
                  <span class="visually-hidden">{t.actions}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {households.map((h) => (
              <tr key={h.id}>
                <td>{h.headName}</td>
                <td>{h.nationalId}</td>
                <td>{h.address.village}</td>
                <td>{povertyLabel(t, h.povertyStatus)}</td>
                <td>{h.hasActiveLoan ? t.yes : t.no}</td>
                {canApply ? (
                  <td>
                    <button
                      type="button"
                      data-testid={`apply-${h.id}`}
                      onClick={() => navigate(`/applications/new?household=${h.id}`)}
                      aria-label={`${t.groupsNewApplication}: ${h.headName}`}
                    >
                      {t.groupsNewApplication}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button type="button" onClick={() => load(cursor)}>
          {t.showMore}
        </button>
      ) : null}
    </section>
  )
}
