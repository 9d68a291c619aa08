/**
 * The network and its roll-ups ("Mạng lưới & tổng hợp"), for every staff role: the organisation tree (head
 * office → provinces → districts → communes → villages), each node's children loaded when it is opened, and
 * for a chosen node one of the roll-up reports (GET /v1/reports/roll-up) by a level below it, with its CSV.
 * Clicking a row's name re-roots the table on that row (drill down); the trail above goes back up. The API
 * scopes the figures to the caller; the fees report is offered only to the roles that may read it.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, problemText, type Session } from '../api/client'
import type { paths } from '../api/schema'
import { formatDate, formatVnd } from '../format'
import { allPages } from './admin-parts'
import { CsvLink, ProblemAlert, useBusinessDate, useReport } from './finance-parts'
import { LabelledSelect } from './form-parts'
import { useNetworkText, type NetworkText } from './network-text'
import { Alert } from './parts'
import { ScrollTable } from './table-parts'

type RollUpQuery = NonNullable<paths['/v1/reports/roll-up']['get']['parameters']['query']>
type RollUp = paths['/v1/reports/roll-up']['get']['responses'][200]['content']['application/json']
type Figures = RollUp['total']
type Level = RollUpQuery['level']
type Report = RollUpQuery['report']

const LEVELS: readonly Level[] = ['head_office', 'province', 'district', 'commune', 'village', 'group']
const REPORTS: readonly Report[] = ['portfolio', 'overdue', 'collections', 'support_payments', 'fees']
/** The roles that read the partner-fee report, hence the fees roll-up (others are refused with 403). */
const FEE_READERS: readonly string[] = ['finance', 'auditor', 'admin']
/** Figures that count things; every other figure is whole VND. */
const COUNTS: ReadonlySet<string> = new Set(['loans', 'households', 'overdueLoans', 'repayments', 'count'])

/** A node of the tree: an office (head office, province, district) or a place (commune, village). */
export interface TreeNode {
  kind: 'office' | 'place'
  id: number
  level: Level
  code: string
  name: string
}

const officeNode = (o: { id: number; level: Level; code: string; name: string }): TreeNode => ({
  kind: 'office',
  id: o.id,
  level: o.level,
  code: o.code,
  name: o.name,
})
const placeNode = (p: { id: number; kind: 'commune' | 'village'; code: string; name: string }): TreeNode => ({
  kind: 'place',
  id: p.id,
  level: p.kind,
  code: p.code,
  name: p.name,
})

/** The children of a node: an office's offices and (a district's) communes; a commune's villages. */
async function childrenOf(node: TreeNode): Promise<TreeNode[] | { error: unknown }> {
  if (node.kind === 'office') {
    const { data, error } = await api.GET('/v1/offices/{id}', { params: { path: { id: node.id } } })
    if (!data) return { error }
    return [...data.children.map(officeNode), ...data.communes.map(placeNode)]
  }
  if (node.level !== 'commune') return []
  let failure: unknown = null
  type Place = paths['/v1/places']['get']['responses'][200]['content']['application/json']['items'][number]
  const villages = await allPages<Place>((cursor) =>
    api
      .GET('/v1/places', {
        params: { query: { kind: 'village', parentId: node.id, limit: 500, ...(cursor ? { cursor } : {}) } },
      })
      .then((r) => {
        if (!r.data) failure = r.error
        return r.data
      }),
  )
  return villages ? villages.map(placeNode) : { error: failure }
}

/** A row of the roll-up as a node one may drill into (groups are the leaves: none). */
function rowNode(row: RollUp['rows'][number]): TreeNode | null {
  const level = row.level as Level
  if (level === 'head_office' || level === 'province' || level === 'district')
    return { kind: 'office', id: row.id, level, code: row.code, name: row.name }
  if (level === 'commune' || level === 'village')
    return { kind: 'place', id: row.id, level, code: row.code, name: row.name }
  return null
}

function monthBefore(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

const nodeLabel = (node: TreeNode) => `${node.name} (${node.code})`

export function Network({ session }: { session: Session }) {
  const { n, t } = useNetworkText()
  const [roots, setRoots] = useState<TreeNode[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The chosen node and the nodes above it that led there (from the tree or by drilling down).
  const [trail, setTrail] = useState<TreeNode[]>([])
  const businessDate = useBusinessDate()

  useEffect(() => {
    const failed = (e: unknown) => setError(problemText(e, t.unexpectedError))
    // A user scoped to an office (a province, say) starts on it, everyone else on the head office. The two answers
    // may come back in any order, so only the one that decides the start sets it.
    const own = session.user.officeId
    api.GET('/v1/offices', { params: { query: { level: 'head_office', limit: 500 } } }).then(
      ({ data, error }) => {
        if (!data) return failed(error)
        const heads = data.items.map(officeNode)
        setRoots(heads)
        if (own == null && heads[0]) setTrail([heads[0]])
      },
      () => setError(t.networkError),
    )
    if (own != null)
      api.GET('/v1/offices/{id}', { params: { path: { id: own } } }).then(
        ({ data, error }) => (data ? setTrail([officeNode(data)]) : failed(error)),
        () => setError(t.networkError),
      )
  }, [])

  const chosen = trail[trail.length - 1] ?? null
  return (
    <section>
      <h1>{n.netTitle}</h1>
      <p class="hint">{n.netIntro}</p>
      <Alert message={error} />
      <div class="net-layout">
        <nav class="net-tree" aria-label={n.netTree} data-testid="network-tree">
          <h2>{n.netTree}</h2>
          {roots === null ? (
            !error && <p class="hint">{t.loading}</p>
          ) : (
            <ul>
              {roots.map((r) => (
                <Branch key={r.id} node={r} path={[r]} chosen={chosen} onChoose={setTrail} />
              ))}
            </ul>
          )}
        </nav>
        <div class="net-report">
          {chosen && (
            <nav aria-label={n.netTrail} data-testid="network-trail">
              <ol class="net-trail">
                {trail.map((node, i) => (
                  <li key={`${node.kind}-${node.id}`}>
                    {i === trail.length - 1 ? (
                      <strong aria-current="location">{nodeLabel(node)}</strong>
                    ) : (
                      <button type="button" class="link-button" onClick={() => setTrail(trail.slice(0, i + 1))}>
                        {nodeLabel(node)}
                      </button>
                    )}
                  </li>
                ))}
              </ol>
            </nav>
          )}
          {chosen && businessDate && (
            <RollUpReport
              node={chosen}
              businessDate={businessDate}
              fees={FEE_READERS.includes(session.user.role)}
              onDrill={(node) => setTrail([...trail, node])}
            />
          )}
        </div>
      </div>
    </section>
  )
}

/** One node of the tree: a disclosure button (its children load when first opened) and a button to choose it. */
function Branch({
  node,
  path,
  chosen,
  onChoose,
}: {
  node: TreeNode
  path: TreeNode[]
  chosen: TreeNode | null
  onChoose: (path: TreeNode[]) => void
}) {
  const { n, t } = useNetworkText()
  const [open, setOpen] = useState(false)
  const [children, setChildren] = useState<TreeNode[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const leaf = node.level === 'village'
  const listId = `net-${node.kind}-${node.id}`
  const isChosen = chosen !== null && chosen.kind === node.kind && chosen.id === node.id

  const toggle = () => {
    setOpen(!open)
    if (open || children !== null) return
    childrenOf(node).then(
      (r) => (Array.isArray(r) ? setChildren(r) : setError(problemText(r.error, t.unexpectedError))),
      () => setError(t.networkError),
    )
  }

  return (
    <li data-testid={`net-node-${node.kind}-${node.id}`}>
      <span class="net-node">
        {leaf ? (
          <span class="net-toggle" aria-hidden="true" />
        ) : (
          <button
            type="button"
            class="net-toggle"
            aria-expanded={open}
            aria-controls={listId}
            aria-label={`${open ? n.netClose : n.netOpen} ${node.name}`}
            data-testid={`net-toggle-${node.kind}-${node.id}`}
            onClick={toggle}
          >
            {open ? '▾' : '▸'}
          </button>
        )}
        <button
          type="button"
          class="link-button"
          aria-current={isChosen ? 'true' : undefined}
          data-testid={`net-choose-${node.kind}-${node.id}`}
          onClick={() => onChoose(path)}
        >
          <span class="net-level">{n[`level_${node.level}`]}</span> {node.name}
        </button>
      </span>
      {open && (
        <div id={listId}>
          <Alert message={error} />
          {children === null ? (
            !error && <p class="hint">{t.loading}</p>
          ) : children.length === 0 ? (
            <p class="hint">{n.netNothingUnder}</p>
          ) : (
            <ul>
              {children.map((c) => (
                <Branch key={`${c.kind}-${c.id}`} node={c} path={[...path, c]} chosen={chosen} onChoose={onChoose} />
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  )
}

/** The dates each report reads: portfolio, overdue an `asOf`; collections, support payments `from`–`to`; fees a month. */
function datesOf(report: Report, d: { asOf: string; from: string; to: string; month: string }) {
  if (report === 'portfolio' || report === 'overdue') return { asOf: d.asOf }
  if (report === 'fees') return { month: d.month }
  return { from: d.from, to: d.to }
}

function figureHeading(n: NetworkText, report: Report, key: string): string {
  const own = (n as Record<string, string>)[`fig_${report}_${key}`]
  return own ?? (n as Record<string, string>)[`fig_${key}`] ?? key
}

function RollUpReport({
  node,
  businessDate,
  fees,
  onDrill,
}: {
  node: TreeNode
  businessDate: string
  fees: boolean
  onDrill: (node: TreeNode) => void
}) {
  const { n } = useNetworkText()
  const below = LEVELS.slice(LEVELS.indexOf(node.level) + 1)
  const [report, setReport] = useState<Report>('portfolio')
  const [chosenLevel, setLevel] = useState<Level | undefined>(below[0])
  // Re-rooted on a node at or below the chosen level: the level just below the node.
  const level = chosenLevel && below.includes(chosenLevel) ? chosenLevel : below[0]
  const [asOf, setAsOf] = useState(businessDate)
  const [from, setFrom] = useState(businessDate.slice(0, 8) + '01')
  const [to, setTo] = useState(businessDate)
  const [month, setMonth] = useState(monthBefore(businessDate))

  const where = node.kind === 'office' ? { officeId: node.id } : { placeId: node.id }
  const dates = datesOf(report, { asOf, from, to, month })
  const query = level ? { report, level, ...where, ...dates } : null
  const queryKey = JSON.stringify(query)

  const { data, error } = useReport<RollUp>(
    () => api.GET('/v1/reports/roll-up', { params: { query: query! } }),
    [queryKey],
    query !== null,
  )

  if (!level) return <p class="hint">{n.netNoLevelBelow}</p>
  const reports = REPORTS.filter((r) => r !== 'fees' || fees)
  const dateInput = (id: string, label: string, value: string, set: (v: string) => void, type = 'date') => (
    <div>
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        max={type === 'month' ? monthBefore(businessDate) : businessDate}
        required
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value
          if (v) set(v)
        }}
      />
    </div>
  )
  const cell = (key: string, figures: Figures) => {
    const value = (figures as Record<string, number | undefined>)[key] ?? 0
    return (
      <td key={key} class="num">
        {COUNTS.has(key) ? value : formatVnd(value)}
      </td>
    )
  }
  const shown = data && data.report === report && data.level === level ? data : null
  const above = shown ? shown.figures.some((k) => ((shown.aboveLevel as Record<string, number>)[k] ?? 0) !== 0) : false
  const period =
    report === 'fees'
      ? `${n.netMonth} ${month.slice(5)}/${month.slice(0, 4)}`
      : report === 'portfolio' || report === 'overdue'
        ? `${n.netAsOf} ${formatDate(asOf)}`
        : `${formatDate(from)} – ${formatDate(to)}`

  return (
    <div data-testid="rollup">
      <h2>{node.name}</h2>
      <div class="filters">
        <LabelledSelect
          id="net-report"
          label={n.netReport}
          value={report}
          onChange={(v) => setReport(v as Report)}
          options={reports.map((r) => [r, n[`report_${r}`]])}
        />
        <LabelledSelect
          id="net-level"
          label={n.netLevel}
          value={level}
          onChange={(v) => setLevel(v as Level)}
          options={below.map((l) => [l, n[`level_${l}`]])}
        />
        {(report === 'portfolio' || report === 'overdue') && dateInput('net-as-of', n.netAsOf, asOf, setAsOf)}
        {(report === 'collections' || report === 'support_payments') && (
          <>
            {dateInput('net-from', n.netFrom, from, setFrom)}
            {dateInput('net-to', n.netTo, to, setTo)}
          </>
        )}
        {report === 'fees' && dateInput('net-month', n.netMonth, month, setMonth, 'month')}
        <CsvLink path="/v1/reports/roll-up" query={{ report, level, ...where, ...dates }} testId="rollup-csv" />
      </div>
      <ProblemAlert error={error} />
      {shown && (
        <ScrollTable
          testId="rollup-table"
          caption={`${n[`report_${report}`]} — ${node.name} — ${n[`level_${level}`]} — ${period}`}
          columns={[
            { label: n.netCode },
            { label: n.netName },
            { label: n.netParent },
            ...shown.figures.map((k) => ({ label: figureHeading(n, report, k), num: true })),
          ]}
          foot={
            <>
              {above && (
                <tr data-testid="rollup-above">
                  <th scope="row" colSpan={3}>
                    {n.netAbove}
                  </th>
                  {shown.figures.map((k) => cell(k, shown.aboveLevel))}
                </tr>
              )}
              <tr data-testid="rollup-total">
                <th scope="row" colSpan={3}>
                  {n.netTotal}
                </th>
                {shown.figures.map((k) => cell(k, shown.total))}
              </tr>
            </>
          }
        >
          {shown.rows.length === 0 ? (
            <tr>
              <td colSpan={3 + shown.figures.length}>{n.netNoRows}</td>
            </tr>
          ) : (
            shown.rows.map((row) => {
              const drill = rowNode(row)
              return (
                <tr key={row.id} data-testid={`rollup-row-${row.level}-${row.id}`}>
                  <td>{row.code}</td>
                  <td>
                    {drill ? (
                      <button type="button" class="link-button" title={n.netDrill} onClick={() => onDrill(drill)}>
                        {row.name}
                      </button>
                    ) : (
                      row.name
                    )}
                  </td>
                  <td>{row.parentName ?? ''}</td>
                  {shown.figures.map((k) => cell(k, row.figures))}
                </tr>
              )
            })
          )}
        </ScrollTable>
      )}
    </div>
  )
}
