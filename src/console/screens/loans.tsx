/**
 * Loans ("Khoản vay"): the branch's loans filtered by state, classification (e.g. overdue),
 * transaction point and household (found by name or citizen ID, then filtered by its id), each row
 * a link to the loan page. Balances are the list's projection (`balancesAsOf`).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { useI18n, type Dictionary } from '../i18n'
import { useHouseholdSearch } from '../household-search'
import { Alert } from './parts'
import { cols, nums, ScrollTable } from './table-parts'
import { HouseholdSearchField, LabelledSelect } from './form-parts'

type LoansQuery = NonNullable<paths['/v1/loans']['get']['parameters']['query']>
type Loan = paths['/v1/loans']['get']['responses'][200]['content']['application/json']['items'][number]
type Point = paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]

export const LOAN_STATUSES = ['approved', 'active', 'closed', 'written_off', 'cancelled'] as const
export const CLASSIFICATIONS = [
  'not_disbursed',
  'in_term',
  'overdue',
  'extended',
  'frozen',
  'recalled',
  'closed',
  'written_off',
  'cancelled',
] as const

/** A code's label from the dictionary (`prefix_code`), or the code itself when there is none. */
export function labelOf(t: Dictionary, prefix: string, code: string): string {
  return t[`${prefix}_${code}` as keyof Dictionary] ?? code
}

/** Programme code → name, loaded once per screen. */
export function useProgrammeNames(): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({})
  useEffect(() => {
    api.GET('/v1/programmes').then(
      ({ data }) => {
        if (data) setNames(Object.fromEntries(data.items.map((p) => [p.code, p.name])))
      },
      () => undefined,
    )
  }, [])
  return names
}

const PAGE = 50

export function Loans() {
  const { t } = useI18n()
  const programmes = useProgrammeNames()
  const [points, setPoints] = useState<Point[]>([])
  const [status, setStatus] = useState('')
  const [classification, setClassification] = useState('')
  const [pointId, setPointId] = useState('')
  const [q, setQ] = useState('')
  const [householdId, setHouseholdId] = useState('')
  const [items, setItems] = useState<Loan[] | null>(null)
  const [nextCursor, setNextCursor] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }).then(
      ({ data, error }) => {
        if (data) setPoints(data.items)
        else setError(problemText(error, t.unexpectedError))
      },
      () => setError(t.networkError),
    )
  }, [])

  // The household search; the chosen household stays chosen while it is listed (the only one found is chosen).
  const { items: found, error: searchError } = useHouseholdSearch(q)
  const households = found ?? []
  useEffect(() => {
    if (found === null) return setHouseholdId('')
    setHouseholdId((id) =>
      found.some((h) => String(h.id) === id) ? id : found.length === 1 ? String(found[0]!.id) : '',
    )
  }, [found])
  useEffect(() => {
    if (searchError) setError(searchError)
  }, [searchError])

  const query = (): LoansQuery => {
    const out: LoansQuery = { limit: PAGE }
    if (status) out.status = status as LoansQuery['status']
    if (classification) out.classification = classification as LoansQuery['classification']
    if (pointId) out.transactionPointId = Number(pointId)
    if (householdId) out.householdId = Number(householdId)
    return out
  }

  const load = async (cursor: string | null) => {
    setBusy(true)
    setError(null)
    try {
      const { data, error } = await api.GET('/v1/loans', {
        params: { query: cursor ? { ...query(), cursor } : query() },
      })
      if (data) {
        setItems((old) => (cursor && old ? [...old, ...data.items] : data.items))
        setNextCursor(data.nextCursor)
      } else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  // A search typed but not (yet) matched to one household lists nothing rather than every loan.
  const waitingForHousehold = q.trim() !== '' && !householdId
  useEffect(() => {
    if (waitingForHousehold) {
      setItems(null)
      setNextCursor(null)
      return
    }
    void load(null)
  }, [status, classification, pointId, householdId, waitingForHousehold])

  return (
    <section>
      <h1>{t.loansTitle}</h1>
      <form class="filters" role="search" aria-label={t.loanFilters} onSubmit={(e) => e.preventDefault()}>
        <LabelledSelect
          id="loan-status"
          label={t.loanStatus}
          value={status}
          onChange={setStatus}
          blank={t.loanAllStatuses}
          options={LOAN_STATUSES.map((s) => [s, labelOf(t, 'loanStatus', s)])}
        />
        <LabelledSelect
          id="loan-classification"
          label={t.loanClassification}
          value={classification}
          onChange={setClassification}
          blank={t.loanAllClassifications}
          options={CLASSIFICATIONS.map((c) => [c, labelOf(t, 'loanClass', c)])}
        />
        <LabelledSelect
          id="loan-point"
          label={t.transactionPoint}
          value={pointId}
          onChange={setPointId}
          blank={t.loanAllPoints}
          options={points.map((p) => [String(p.id), `${p.code} — ${p.name}`])}
        />
        <div>
          <HouseholdSearchField id="loan-household-search" value={q} onInput={setQ} />
        </div>
        {q.trim() !== '' && (
          <LabelledSelect
            id="loan-household"
            label={t.household}
            value={householdId}
            onChange={setHouseholdId}
            blank={households.length ? t.loanChooseHousehold : t.noHouseholds}
            options={households.map((h) => [String(h.id), `${h.headName} — ${h.nationalId}`])}
          />
        )}
      </form>
      <Alert message={error} />
      <p aria-live="polite" class="hint">
        {busy
          ? t.loading
          : waitingForHousehold
            ? t.loanChooseHouseholdHint
            : items && items.length === 0
              ? t.noLoans
              : ''}
      </p>
      {items && items.length > 0 && (
        <ScrollTable
          testId="loan-list"
          label={t.loansTitle}
          columns={[
            ...cols(t.loan, t.household, t.citizenId, t.programme, t.loanStatus, t.loanClassification),
            ...nums(t.outstanding, t.loanOverdueAmount),
            ...cols(t.loanNextDueDate),
          ]}
        >
          {items.map((loan) => (
            <tr key={loan.id} data-testid={`loan-row-${loan.id}`}>
              <td>
                <a href={`#/loans/${loan.id}`}>
                  {t.loanNo} {loan.id}
                </a>
              </td>
              <td>{loan.householdName}</td>
              <td>{loan.nationalId}</td>
              <td>{programmes[loan.programmeCode] ?? loan.programmeCode}</td>
              <td>{labelOf(t, 'loanStatus', loan.status)}</td>
              <td class={loan.classification === 'overdue' ? 'overdue' : undefined}>
                {labelOf(t, 'loanClass', loan.classification)}
              </td>
              <td class="num">{formatVnd(loan.outstandingPrincipal)}</td>
              <td class="num">{formatVnd(loan.overduePrincipal + loan.overdueInterest)}</td>
              <td>{formatDate(loan.nextDueDate)}</td>
            </tr>
          ))}
        </ScrollTable>
      )}
      {nextCursor && (
        <button type="button" class="actions" disabled={busy} onClick={() => load(nextCursor)}>
          {t.moreLoans}
        </button>
      )}
    </section>
  )
}
