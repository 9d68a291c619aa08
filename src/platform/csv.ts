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

export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')]
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ }
      else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"' && cell === '') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row) }
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
export function sendReport<T extends object>(request: FastifyRequest, reply: FastifyReply, json: T, csv: { columns: readonly string[]; rows: readonly Record<string, unknown>[]; filename: string }) {
  if (wantsCsv(request)) {
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${csv.filename}"`).serializer((x: unknown) => x as string).send(toCsv(csv.columns, csv.rows))
  }
  return json
}
