/**
 * CSV for reports (RFC 4180) and statement uploads. Cells that begin with
 * = + - @ (or a tab / carriage return) are prefixed with an apostrophe so a
 * spreadsheet never runs them as formulas (CSV injection) — except plain
 * numbers, which must stay numbers (e.g. a negative balance).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'

const NUMBER = /^-?\d+$/

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let s = typeof value === 'object' ? JSON.stringify(value) : String(value)
  if (/^[=+\-@\t\r]/.test(s) && !NUMBER.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function toCsv(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  header: readonly string[] = columns,
): string {
  const lines = [header.map(csvCell).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** A report column: the row's key and the Vietnamese heading people read. */
export type CsvColumn = readonly [key: string, vi: string]

/**
 * A report as people open it in Excel: UTF-8 with a BOM (so Vietnamese names show), each heading
 * in Vietnamese with the machine name in brackets ("Dư nợ (outstanding)": readable, and still
 * matched by programs through `csvKey`), amounts as plain integers.
 */
export function reportCsv(columns: readonly CsvColumn[], rows: readonly Record<string, unknown>[]): string {
  return (
    '\uFEFF' +
    toCsv(
      columns.map(([key]) => key),
      rows,
      columns.map(([key, vi]) => `${vi} (${key})`),
    )
  )
}

/** The machine name of a report heading: "Dư nợ (outstanding)" → "outstanding"; a bare name stays. */
export function csvKey(heading: string): string {
  return /\(([A-Za-z][\w]*)\)$/.exec(heading)?.[1] ?? heading
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  // Excel's "CSV UTF-8" starts with a byte-order mark: it is not part of the first cell.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

/** The query parameter that asks for CSV where an Accept header cannot be set (a link in a browser). */
export const CsvFormatQuery = {
  format: Type.Optional(Type.Literal('csv', { description: 'csv: the same report as CSV (as with Accept: text/csv)' })),
}

export function wantsCsv(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return /\btext\/csv\b/.test(accept) || (request.query as { format?: string } | undefined)?.format === 'csv'
}

/** Sends JSON, or CSV of `rows` when the client asked for text/csv. */
export function sendReport<T extends object>(
  request: FastifyRequest,
  reply: FastifyReply,
  json: T,
  csv: { columns: readonly CsvColumn[]; rows: readonly Record<string, unknown>[]; filename: string },
) {
  if (wantsCsv(request)) {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${csv.filename}"`)
      .serializer((x: unknown) => x as string)
      .send(reportCsv(csv.columns, csv.rows))
  }
  return json
}
