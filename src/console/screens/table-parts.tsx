/**
 * Pieces shared by the screens that list things: a table with its column headings, the
 * loading / empty / table states of a list, and the label–value pairs of a fact sheet. One
 * place for the markup the browser tests and screen readers rely on (scope="col", the table's name).
 */
import type { ComponentChildren } from 'preact'
import { useI18n } from '../i18n'

/** A column heading; `num` right-aligns it over figures. */
export interface Column {
  label: ComponentChildren
  num?: boolean
}

/** Headings over text. */
export function cols(...labels: ComponentChildren[]): Column[] {
  return labels.map((label) => ({ label }))
}
/** Headings over figures (right-aligned). */
export function nums(...labels: ComponentChildren[]): Column[] {
  return labels.map((label) => ({ label, num: true }))
}

/**
 * A table named by `label` (aria-label), `labelledBy` (a heading's id) or its `caption`, with one
 * heading row; the rows are the children.
 */
export function Table({
  testId,
  label,
  labelledBy,
  caption,
  captionClass,
  columns,
  foot,
  children,
}: {
  testId?: string
  label?: string
  labelledBy?: string
  caption?: ComponentChildren
  captionClass?: string
  columns: Column[]
  foot?: ComponentChildren
  children: ComponentChildren
}) {
  return (
    <table data-testid={testId} aria-label={label} aria-labelledby={labelledBy}>
      {caption != null && <caption class={captionClass}>{caption}</caption>}
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} scope="col" class={c.num ? 'num' : undefined}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
      {foot && <tfoot>{foot}</tfoot>}
    </table>
  )
}

/** A table in a focusable box that scrolls sideways on narrow screens (keyboard users can scroll it too). */
export function ScrollTable(props: Parameters<typeof Table>[0]) {
  return (
    <div class="table-wrap" tabIndex={0}>
      <Table {...props} />
    </div>
  )
}

/**
 * A loaded list's three states: a loading hint until the first answer (none after an error, whose
 * alert says enough), the `empty` hint, or the table the children draw from the items.
 */
export function ListState<T>({
  items,
  error,
  empty,
  children,
}: {
  items: T[] | null
  error: unknown
  empty: string
  children: (items: T[]) => ComponentChildren
}) {
  const { t } = useI18n()
  if (items === null) return error ? null : <p class="hint">{t.loading}</p>
  return items.length === 0 ? <p class="hint">{empty}</p> : <>{children(items)}</>
}

/** One label–value pair of a fact sheet (`<dl class="facts">`). */
export function Fact({
  label,
  testId,
  ddClass,
  children,
}: {
  label: ComponentChildren
  testId?: string
  ddClass?: string
  children: ComponentChildren
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId} class={ddClass}>
        {children}
      </dd>
    </div>
  )
}
