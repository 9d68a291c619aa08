/** Pieces shared by the finance screens: transaction points, the business date, CSV links, refused lines. */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText } from '../api/client'
import type { paths } from '../api/schema'
import { useI18n } from '../i18n'
import { useFinanceText } from './finance-text'

export type Point =
  paths['/v1/transaction-points']['get']['responses'][200]['content']['application/json']['items'][number]

/** The transaction points the caller sees (one request when the screen opens). */
export function usePoints(onError: (message: string) => void): Point[] {
  const { t } = useI18n()
  const [points, setPoints] = useState<Point[]>([])
  useEffect(() => {
    api.GET('/v1/transaction-points', { params: { query: { limit: 500 } } }).then(
      ({ data, error }) => {
        if (data) setPoints(data.items)
        else onError(problemText(error, t.unexpectedError))
      },
      () => onError(t.networkError),
    )
  }, [])
  return points
}

/** The service's business date (empty until known). */
export function useBusinessDate(): string {
  const [date, setDate] = useState('')
  useEffect(() => {
    api.GET('/v1/business-date').then(
      ({ data }) => {
        if (data) setDate(data.businessDate)
      },
      () => undefined,
    )
  }, [])
  return date
}

/** The transaction point picker (labelled select). */
export function PointSelect({
  id,
  points,
  value,
  onChange,
  required,
}: {
  id: string
  points: Point[]
  value: string
  onChange: (v: string) => void
  required?: boolean
}) {
  const { f } = useFinanceText()
  return (
    <div>
      <label for={id}>{f.finPoint}</label>
      <select
        id={id}
        value={value}
        required={required}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">{f.finChoosePoint}</option>
        {points.map((p) => (
          <option key={p.id} value={String(p.id)}>
            {p.code} — {p.name} ({p.commune})
          </option>
        ))}
      </select>
    </div>
  )
}

/**
 * A plain link to the same report as CSV (`format=csv`): the browser sends the session cookie
 * with the navigation, and the file opens in Excel (UTF-8 with BOM).
 */
export function CsvLink({
  path,
  query,
  testId,
}: {
  path: string
  query: Record<string, string | number | undefined>
  testId?: string
}) {
  const { f } = useFinanceText()
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v))
  params.set('format', 'csv')
  const name = path.split('/').pop() ?? 'report'
  return (
    <a class="csv-link" href={`${path}?${params.toString()}`} download={`${name}.csv`} data-testid={testId}>
      {f.finCsvDownload}
    </a>
  )
}

/** The problem's sentence and, when the API named lines or fields (errors[]), each of them. */
export function ProblemAlert({ error, intro }: { error: unknown; intro?: string }) {
  const { t } = useI18n()
  if (error == null) return null
  const message = typeof error === 'string' ? error : problemText(error, t.unexpectedError)
  const lines =
    typeof error === 'object' && error && 'errors' in error && Array.isArray((error as { errors?: unknown }).errors)
      ? (error as { errors: { field: string; message: string }[] }).errors
      : []
  return (
    <div role="alert" class="alert">
      <p>
        {intro ? `${intro} ` : ''}
        {message}
      </p>
      {lines.length > 0 && (
        <ul data-testid="problem-lines">
          {lines.slice(0, 50).map((l, i) => (
            <li key={i}>
              <strong>{l.field}</strong>: {l.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

/** The problem's machine code (FOUR_EYES, …), if any. */
export function problemCode(error: unknown): string | null {
  return error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'string'
    ? (error as { code: string }).code
    : null
}

/** Runs `fetcher` whenever `deps` change; its data, error and busy flag. */
export function useReport<T>(fetcher: () => Promise<{ data?: T; error?: unknown }>, deps: unknown[], enabled = true) {
  const { t } = useI18n()
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    if (!enabled) return
    let live = true
    setError(null)
    fetcher().then(
      (r) => {
        if (!live) return
        setData(r.data ?? null)
        if (!r.data) setError(r.error)
      },
      () => live && setError(t.networkError),
    )
    return () => {
      live = false
    }
  }, deps)
  return { data, error }
}
