/**
 * The collection sheet of a transaction point on a session date: per group its households and
 * loans with what is owed, and "Ghi phiên giao dịch" posting the group's ready `sessionRequest`
 * as one collection session. Each group's Idempotency-Key is drawn when the sheet is loaded, so a
 * second click or a retry after a lost answer replays the first posting instead of doubling it.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { Alert } from './parts'
import { cols, nums, ScrollTable } from './table-parts'

type Sheet =
  paths['/v1/transaction-points/{id}/collection-sheet']['get']['responses'][200]['content']['application/json']
type Group = Sheet['groups'][number]
type Point = paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]
type Posting = { key: string; busy: boolean; sessionId: number | null; error: string | null }

/** `canPost`: the posting buttons, for branch staff (a supervisor reads the sheet only). */
export function CollectionSheet({ canPost = true }: { canPost?: boolean }) {
  const { t } = useI18n()
  const [points, setPoints] = useState<Point[]>([])
  const [pointId, setPointId] = useState('')
  const [date, setDate] = useState('')
  const [sheet, setSheet] = useState<Sheet | null>(null)
  const [postings, setPostings] = useState<Record<number, Posting>>({})
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }).then(
      ({ data, error }) => {
        if (!data) return setError(problemText(error, t.unexpectedError))
        setPoints(data.items)
        if (data.items.length === 1) setPointId(String(data.items[0]!.id))
      },
      () => setError(t.networkError),
    )
  }, [])

  const load = async (event: Event) => {
    event.preventDefault()
    if (!pointId) return
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.GET('/v1/transaction-points/{id}/collection-sheet', {
        params: { path: { id: Number(pointId) }, query: date ? { date } : {} },
      })
      setSheet(data ?? null)
      if (data) {
        setDate(data.date)
        setPostings(
          Object.fromEntries(
            data.groups.map((g) => [g.groupId, { key: idempotencyKey(), busy: false, sessionId: null, error: null }]),
          ),
        )
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  const post = async (group: Group) => {
    const posting = postings[group.groupId]
    if (!group.sessionRequest || !posting) return
    const update = (change: Partial<Posting>) =>
      setPostings((all) => ({ ...all, [group.groupId]: { ...all[group.groupId]!, ...change } }))
    update({ busy: true, error: null })
    try {
      const { data, error } = await api.POST('/v1/collection-sessions', {
        body: group.sessionRequest,
        params: { header: { 'idempotency-key': posting.key } },
      })
      update(data ? { busy: false, sessionId: data.id } : { busy: false, error: problemText(error, t.unexpectedError) })
    } catch {
      update({ busy: false, error: t.networkError })
    }
  }

  return (
    <section>
      <h1>{t.sheetTitle}</h1>
      <form class="filters no-print" onSubmit={load}>
        <div>
          <label for="transaction-point">{t.transactionPoint}</label>
          <select
            id="transaction-point"
            value={pointId}
            required
            onChange={(e) => setPointId((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="">{t.choosePoint}</option>
            {points.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.code} — {p.name} ({p.commune})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="session-date">{t.sessionDate}</label>
          <input
            id="session-date"
            type="date"
            value={date}
            aria-describedby="session-date-hint"
            onInput={(e) => setDate((e.currentTarget as HTMLInputElement).value)}
          />
          <p id="session-date-hint" class="hint">
            {t.sessionDateHint}
          </p>
        </div>
        <button type="submit" data-testid="load-sheet" disabled={busy}>
          {t.loadSheet}
        </button>
      </form>
      <Alert message={error} />
      {sheet && (
        <div class="sheet">
          <h2>
            {sheet.transactionPointCode} — {sheet.transactionPointName} · {t.commune} {sheet.commune} · {t.sheetFor}{' '}
            {formatDate(sheet.date)}
          </h2>
          <button type="button" class="no-print" onClick={() => print()}>
            {t.print}
          </button>
          <p class="no-print">
            <a
              href={`#/print/collection-sheet?point=${sheet.transactionPointId}&date=${sheet.date}`}
              data-testid="print-sheet-link"
            >
              {t.printCollectionSheet}
            </a>
            {' · '}
            <a href={`#/print/posting-list?point=${sheet.transactionPointId}`} data-testid="print-posting-link">
              {t.printPostingList}
            </a>
          </p>
          {sheet.groups.length === 0 && <p>{t.noGroups}</p>}
          {sheet.groups.map((group) => (
            <GroupTable
              key={group.groupId}
              group={group}
              posting={postings[group.groupId]}
              onPost={canPost ? () => post(group) : null}
            />
          ))}
          <p class="grand-total">
            <strong>
              {t.sheetTotal}: {formatVnd(sheet.totals.total)}
            </strong>{' '}
            · {t.savings}: {formatVnd(sheet.totals.savingsExpected)} · {t.cashExpected}:{' '}
            {formatVnd(sheet.totals.cashExpected)}
          </p>
        </div>
      )}
    </section>
  )
}

function GroupTable({
  group,
  posting,
  onPost,
}: {
  group: Group
  posting: Posting | undefined
  onPost: (() => void) | null
}) {
  const { t } = useI18n()
  const headingId = `group-${group.groupId}-heading`
  return (
    <div class="group" data-testid={`sheet-group-${group.groupId}`}>
      <h3 id={headingId}>
        {t.group} {group.groupCode} — {group.groupName} · {group.village} · {t.partner}: {group.partnerName}
      </h3>
      <ScrollTable
        labelledBy={headingId}
        columns={[
          ...cols(t.household, t.citizenId, t.loan),
          ...nums(
            t.outstanding,
            t.principalDue,
            t.interestDue,
            t.overduePrincipal,
            t.overdueInterest,
            t.total,
            t.savings,
          ),
        ]}
        foot={
          <>
            <tr>
              <th scope="row" colSpan={4}>
                {t.groupTotal}
              </th>
              <td class="num">{formatVnd(group.totals.principalDue)}</td>
              <td class="num">{formatVnd(group.totals.interestDue)}</td>
              <td class="num">{formatVnd(group.totals.overduePrincipal)}</td>
              <td class="num">{formatVnd(group.totals.overdueInterest)}</td>
              <td class="num">
                <strong>{formatVnd(group.totals.total)}</strong>
              </td>
              <td class="num">{formatVnd(group.totals.savingsExpected)}</td>
            </tr>
          </>
        }
      >
        {group.households.flatMap((h) =>
          h.loans.map((loan, i) => (
            <tr key={loan.loanId}>
              <td>{i === 0 ? h.headName : ''}</td>
              <td>{i === 0 ? h.nationalId : ''}</td>
              <td>
                #{loan.loanId} {loan.programmeCode}
              </td>
              <td class="num">{formatVnd(loan.outstandingPrincipal)}</td>
              <td class="num">{formatVnd(loan.principalDue)}</td>
              <td class="num">{formatVnd(loan.interestDue)}</td>
              <td class="num">{formatVnd(loan.overduePrincipal)}</td>
              <td class="num">{formatVnd(loan.overdueInterest)}</td>
              <td class="num">
                <strong>{formatVnd(loan.total)}</strong>
              </td>
              <td class="num">{i === 0 ? formatVnd(h.savingsExpected) : ''}</td>
            </tr>
          )),
        )}
      </ScrollTable>
      {onPost && (
        <div class="actions no-print">
          {posting?.sessionId != null ? (
            <p class="success" data-testid="session-posted">
              {t.sessionPosted} <strong>{posting.sessionId}</strong>
            </p>
          ) : (
            <button
              type="button"
              data-testid={`post-session-${group.groupId}`}
              disabled={!group.sessionRequest || posting?.busy}
              onClick={onPost}
            >
              {posting?.busy ? t.posting : t.postSession}
            </button>
          )}
          {!group.sessionRequest && <span class="hint"> {t.nothingToCollect}</span>}
          <Alert message={posting?.error ?? null} />
        </div>
      )}
    </div>
  )
}
