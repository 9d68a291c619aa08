/**
 * "Hồ sơ vay mới": a partner officer picks a household (name search), a programme, the amount,
 * term and principal plan, and sees the repayment schedule the loan would have, recomputed as the
 * fields change (debounced; a newer preview cancels the older). The preview uses the programme's
 * rate on the business date, the session day of the household's transaction point, and the
 * business date as the disbursement date. The Idempotency-Key is drawn once per form, so a second
 * click or a retry replays the first submission instead of filing a duplicate.
 */
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api, idempotencyKey, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatRate, formatVnd } from '../format'
import { useI18n } from '../i18n'
import { navigate } from '../route'
import { useHouseholdSearch, type Household } from '../household-search'
import { Alert } from './parts'
import { cols, nums, Table } from './table-parts'

type Programme = paths['/v1/programmes']['get']['responses'][200]['content']['application/json']['items'][number]
type Point = paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]
type Preview = paths['/v1/schedules/preview']['post']['responses'][200]['content']['application/json']
type Every = 1 | 3 | 6 | 12

const DEBOUNCE_MS = 300
const EVERY: readonly Every[] = [1, 3, 6, 12]

/** The rate version in force on `date` (versions are dated; the latest not after the date wins). */
export function rateOn(programme: Programme, date: string): number | null {
  let best: { effectiveFrom: string; monthlyRatePpm: number } | null = null
  for (const r of programme.rates)
    if (r.effectiveFrom <= date && (!best || r.effectiveFrom > best.effectiveFrom)) best = r
  return best ? best.monthlyRatePpm : null
}

/** A whole number typed by a person ("5.000.000", "5000000") → integer, or null. */
function wholeNumber(text: string): number | null {
  const digits = text.replace(/[\s.,₫]/g, '')
  if (!/^\d{1,16}$/.test(digits)) return null
  const n = Number(digits)
  return Number.isSafeInteger(n) ? n : null
}

/** `householdId`: the household chosen beforehand (from its group's page), fetched and preselected. */
export function ApplicationNew({ householdId }: { householdId?: number } = {}) {
  const { t, lang } = useI18n()
  const [businessDate, setBusinessDate] = useState<string | null>(null)
  const [programmes, setProgrammes] = useState<Programme[]>([])
  const [points, setPoints] = useState<Point[]>([])
  const [q, setQ] = useState('')
  const [household, setHousehold] = useState<Household | null>(null)
  // Household search by name or citizen ID, as one types.
  const { items: found, error: searchError } = useHouseholdSearch(q, 20)
  const [programmeCode, setProgrammeCode] = useState('')
  const [amount, setAmount] = useState('')
  const [term, setTerm] = useState('')
  const [every, setEvery] = useState<Every>(1)
  const [grace, setGrace] = useState('0')
  const [purpose, setPurpose] = useState('')
  const [reference, setReference] = useState('')
  const [preview, setPreview] = useState<Preview | null>(null)
  const [previewError, setPreviewError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [key] = useState(idempotencyKey)

  useEffect(() => {
    Promise.all([
      api.GET('/v1/business-date'),
      api.GET('/v1/programmes'),
      api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }),
    ]).then(
      ([d, p, tp]) => {
        if (d.data) setBusinessDate(d.data.businessDate)
        if (p.data) setProgrammes(p.data.items)
        if (tp.data) setPoints(tp.data.items)
        const failed = d.error ?? p.error ?? tp.error
        if (failed) setError(problemText(failed, t.unexpectedError))
      },
      () => setError(t.networkError),
    )
  }, [])

  useEffect(() => {
    if (!householdId) return
    api.GET('/v1/households/{id}', { params: { path: { id: householdId } } }).then(
      ({ data, error }) => {
        if (data) setHousehold(data)
        else setError(problemText(error, t.unexpectedError))
      },
      () => setError(t.networkError),
    )
  }, [householdId])

  const programme = programmes.find((p) => p.code === programmeCode) ?? null
  const rate = programme && businessDate ? rateOn(programme, businessDate) : null
  const point = household ? (points.find((p) => p.id === household.transactionPointId) ?? null) : null
  const amountValue = wholeNumber(amount)
  const termValue = wholeNumber(term)
  const graceValue = wholeNumber(grace) ?? 0

  const chooseProgramme = (code: string) => {
    setProgrammeCode(code)
    const p = programmes.find((x) => x.code === code)
    if (p) {
      setEvery(
        (EVERY.includes(p.defaultPrincipalPlan.everyMonths as Every) ? p.defaultPrincipalPlan.everyMonths : 1) as Every,
      )
      setGrace(String(p.defaultPrincipalPlan.graceMonths))
    }
  }

  const previewRequest = useMemo(() => {
    if (!amountValue || !termValue || rate == null || !point || !businessDate) return null
    return {
      amount: amountValue,
      termMonths: termValue,
      principalPlan: { everyMonths: every, graceMonths: graceValue },
      monthlyRatePpm: rate,
      disbursementDate: businessDate,
      sessionDay: point.sessionDay,
    }
  }, [amountValue, termValue, every, graceValue, rate, point, businessDate])

  // The live preview: recomputed when the request changes, debounced.
  useEffect(() => {
    if (!previewRequest) {
      setPreview(null)
      setPreviewError(null)
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(async () => {
      try {
        const { data, error } = await api.POST('/v1/schedules/preview', {
          body: previewRequest,
          signal: controller.signal,
        })
        if (controller.signal.aborted) return
        setPreview(data ?? null)
        setPreviewError(data ? null : problemText(error, t.unexpectedError))
      } catch {
        if (!controller.signal.aborted) setPreviewError(t.networkError)
      }
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [previewRequest])

  const submit = async (event: Event) => {
    event.preventDefault()
    setError(null)
    if (!household) return setError(t.appChooseHouseholdFirst)
    if (!programmeCode || !amountValue || !termValue) return setError(t.appFillRequired)
    setBusy(true)
    try {
      const { data, error } = await api.POST('/v1/applications', {
        body: {
          householdId: household.id,
          programmeCode,
          amount: amountValue,
          termMonths: termValue,
          principalPlan: { everyMonths: every, graceMonths: graceValue },
          purpose: purpose.trim(),
          partnerReference: reference.trim(),
        },
        params: { header: { 'idempotency-key': key } },
      })
      if (data) navigate('/applications')
      else setError(problemText(error, t.unexpectedError))
    } catch {
      setError(t.networkError)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section>
      <h1>{t.appNewTitle}</h1>
      <form class="application-form" onSubmit={submit}>
        <fieldset>
          <legend>{t.household}</legend>
          {household ? (
            <p data-testid="chosen-household">
              <strong>{household.headName}</strong> — {t.citizenId} {household.nationalId} · {t.group}:{' '}
              {household.groupName}
              {point && (
                <span class="muted">
                  {' '}
                  · {t.transactionPoint}: {point.name} ({t.appSessionDay} {point.sessionDay})
                </span>
              )}{' '}
              <button type="button" class="link-button" onClick={() => setHousehold(null)}>
                {t.appChangeHousehold}
              </button>
            </p>
          ) : (
            <div>
              <label for="app-household-search">{t.householdSearch}</label>
              <input
                id="app-household-search"
                type="search"
                autocomplete="off"
                value={q}
                onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
              />
              <ul class="results" data-testid="app-household-results">
                {(found ?? []).map((h) => (
                  <li key={h.id}>
                    <button
                      type="button"
                      onClick={() => {
                        setHousehold(h)
                        setQ('')
                      }}
                    >
                      {t.appChoose}
                    </button>{' '}
                    <strong>{h.headName}</strong> — {t.citizenId} {h.nationalId}{' '}
                    <span class="muted">
                      · {h.address.village} · {h.povertyStatus}
                    </span>
                  </li>
                ))}
              </ul>
              {found && found.length === 0 && <p class="hint">{t.noHouseholds}</p>}
              <Alert message={searchError} />
            </div>
          )}
        </fieldset>
        <div class="fields">
          <div>
            <label for="app-programme">{t.programme}</label>
            <select
              id="app-programme"
              value={programmeCode}
              required
              onChange={(e) => chooseProgramme((e.currentTarget as HTMLSelectElement).value)}
            >
              <option value="">{t.appChooseProgramme}</option>
              {programmes.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
            {programme && (
              <p class="hint" data-testid="programme-terms">
                {t.appRate}: {rate == null ? '—' : formatRate(rate, lang)} · {t.appMaxAmount}:{' '}
                {formatVnd(programme.maxAmount)} · {t.appMaxTerm}: {programme.maxTermMonths} {t.appMonths}
              </p>
            )}
          </div>
          <div>
            <label for="app-amount">{t.appAmount}</label>
            <input
              id="app-amount"
              inputMode="numeric"
              autocomplete="off"
              required
              value={amount}
              aria-describedby="app-amount-hint"
              onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)}
            />
            <p id="app-amount-hint" class="hint">
              {amountValue ? formatVnd(amountValue) : t.appAmountHint}
            </p>
          </div>
          <div>
            <label for="app-term">{t.appTerm}</label>
            <input
              id="app-term"
              type="number"
              min={1}
              max={240}
              required
              value={term}
              onInput={(e) => setTerm((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div>
            <label for="app-every">{t.appEvery}</label>
            <select
              id="app-every"
              value={String(every)}
              onChange={(e) => setEvery(Number((e.currentTarget as HTMLSelectElement).value) as Every)}
            >
              {EVERY.map((n) => (
                <option key={n} value={String(n)}>
                  {t.appEveryN.replace('{n}', String(n))}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="app-grace">{t.appGrace}</label>
            <input
              id="app-grace"
              type="number"
              min={0}
              max={239}
              value={grace}
              onInput={(e) => setGrace((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div>
            <label for="app-purpose">{t.appPurpose}</label>
            <input
              id="app-purpose"
              required
              maxLength={500}
              value={purpose}
              onInput={(e) => setPurpose((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <div>
            <label for="app-reference">{t.appReference}</label>
            <input
              id="app-reference"
              required
              maxLength={100}
              value={reference}
              onInput={(e) => setReference((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
        </div>
        <Alert message={error} />
        <button type="submit" data-testid="submit-application" disabled={busy}>
          {busy ? t.appSubmitting : t.appSubmit}
        </button>
      </form>
      <SchedulePreview
        preview={preview}
        error={previewError}
        businessDate={businessDate}
        ready={previewRequest != null}
      />
    </section>
  )
}

function SchedulePreview({
  preview,
  error,
  businessDate,
  ready,
}: {
  preview: Preview | null
  error: string | null
  businessDate: string | null
  ready: boolean
}) {
  const { t } = useI18n()
  return (
    <section aria-labelledby="preview-heading" class="preview">
      <h2 id="preview-heading">{t.appPreviewTitle}</h2>
      <Alert message={error} />
      {!preview && !error && <p class="hint">{ready ? t.loading : t.appPreviewHint}</p>}
      {preview && (
        <div class="table-wrap" tabIndex={0}>
          <p class="hint">
            {t.appDisbursementDate}: {formatDate(businessDate)}
          </p>
          <Table
            testId="schedule-preview"
            labelledBy="preview-heading"
            columns={[
              ...cols(t.appInstalment, t.appDueDate),
              ...nums(t.appPrincipal, t.appInterest, t.appBalanceAfter),
            ]}
            foot={
              <>
                <tr>
                  <th scope="row" colSpan={2}>
                    {t.appTotals}
                  </th>
                  <td class="num" data-testid="preview-total-principal">
                    <strong>{formatVnd(preview.totalPrincipal)}</strong>
                  </td>
                  <td class="num" data-testid="preview-total-interest">
                    <strong>{formatVnd(preview.totalInterest)}</strong>
                  </td>
                  <td />
                </tr>
              </>
            }
          >
            {preview.instalments.map((i) => (
              <tr key={i.number}>
                <td>{i.number}</td>
                <td>{formatDate(i.dueDate)}</td>
                <td class="num">{formatVnd(i.principal)}</td>
                <td class="num">{formatVnd(i.interest)}</td>
                <td class="num">{formatVnd(i.balanceAfter)}</td>
              </tr>
            ))}
          </Table>
        </div>
      )}
    </section>
  )
}
