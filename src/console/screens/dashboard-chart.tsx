/**
 * A horizontal grouped bar chart drawn as SVG by hand (no chart library: a few hundred bytes of
 * code instead of 20-60 kB, text that prints sharp on A4 and that the browser tests can read), with
 * its title, legend, an axis with labels in compact VND ("12,5 triệu ₫") or percent, each bar's
 * value written beside it, and — for screen readers, axe, and anyone who wants the exact figures —
 * a <details> table with every number as `1.234.567 ₫`.
 */
import { niceStep } from '../dashboard-figures'
import { useI18n } from '../i18n'

export interface Series {
  name: string
  color: string
}
export interface Row {
  key: string
  label: string
  values: number[]
}

const W = 560
const LABEL_W = 196
const VALUE_W = 96
const PLOT_W = W - LABEL_W - VALUE_W
const BAR_H = 15
const BAR_GAP = 2
const ROW_GAP = 12

function shorten(text: string, max = 28): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text
}

export function BarChart({
  id,
  title,
  axisLabel,
  series,
  rows,
  format,
  tick,
  exact,
  note,
}: {
  id: string
  title: string
  axisLabel: string
  series: Series[]
  rows: Row[]
  /** What is written beside a bar and under a tick */
  format: (n: number) => string
  /** What is written under a tick (default: `format`); the axis label gives the unit */
  tick?: (n: number) => string
  /** What the table of figures shows (exact) */
  exact: (n: number) => string
  note?: string
}) {
  const { t } = useI18n()
  const max = Math.max(0, ...rows.flatMap((r) => r.values))
  const step = niceStep(max)
  const top = Math.max(step, Math.ceil(max / step) * step)
  const ticks: number[] = []
  for (let v = 0; v <= top; v += step) ticks.push(v)
  const groupH = series.length * BAR_H + (series.length - 1) * BAR_GAP
  const plotH = rows.length * (groupH + ROW_GAP) + ROW_GAP
  const height = plotH + 44
  const x = (v: number) => LABEL_W + (top > 0 ? (v / top) * PLOT_W : 0)
  const titleId = `${id}-title`
  return (
    <figure class="chart" data-testid={`chart-${id}`}>
      <figcaption id={titleId}>
        <strong>{title}</strong>
        {note && <span class="hint"> — {note}</span>}
      </figcaption>
      {series.length > 1 && (
        <ul class="legend">
          {series.map((s) => (
            <li key={s.name}>
              <span class="swatch" style={{ background: s.color }} aria-hidden="true"></span>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      {rows.length === 0 ? (
        <p class="hint">{t.dashNoData}</p>
      ) : (
        <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={titleId} class="chart-svg">
          {ticks.map((v) => (
            <g key={v}>
              <line x1={x(v)} x2={x(v)} y1={0} y2={plotH} class="grid" />
              <text x={x(v)} y={plotH + 14} text-anchor="middle" class="tick">
                {(tick ?? format)(v)}
              </text>
            </g>
          ))}
          <text x={LABEL_W + PLOT_W / 2} y={plotH + 36} text-anchor="middle" class="axis-label">
            {axisLabel}
          </text>
          {rows.map((r, i) => {
            const y0 = ROW_GAP + i * (groupH + ROW_GAP)
            return (
              <g key={r.key} data-row={r.key}>
                <text x={LABEL_W - 8} y={y0 + groupH / 2 + 4} text-anchor="end" class="row-label">
                  {shorten(r.label)}
                </text>
                {r.values.map((v, j) => {
                  const y = y0 + j * (BAR_H + BAR_GAP)
                  return (
                    <g key={j}>
                      <rect
                        x={LABEL_W}
                        y={y}
                        width={Math.max(v > 0 ? 1 : 0, x(v) - LABEL_W)}
                        height={BAR_H}
                        fill={series[j]!.color}
                        data-value={v}
                        data-series={j}
                      />
                      <text x={x(v) + 4} y={y + BAR_H - 3} class="bar-value">
                        {format(v)}
                      </text>
                    </g>
                  )
                })}
              </g>
            )
          })}
          <line x1={LABEL_W} x2={LABEL_W} y1={0} y2={plotH} class="axis" />
        </svg>
      )}
      {rows.length > 0 && (
        <details>
          <summary>{t.dashShowTable}</summary>
          <table data-testid={`chart-${id}-table`}>
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t.dashItem}</th>
                {series.map((s) => (
                  <th key={s.name} scope="col" class="num">
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-row={r.key}>
                  <th scope="row">{r.label}</th>
                  {r.values.map((v, j) => (
                    <td key={j} class="num">
                      {exact(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  )
}
