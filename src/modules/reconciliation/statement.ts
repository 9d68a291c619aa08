/**
 * A reconciliation statement as received: JSON or CSV (content negotiation) and
 * the CSV parser. Nothing here reads the database; bad input is refused with
 * VALIDATION_ERROR naming each line (`csv.line N`, `body.lines[i]`).
 */
import { DomainError } from '../../platform/errors.js'

export const CSV_HEADER = ['loanId', 'amount', 'reference'] as const
const MAX_REPORTED_ERRORS = 100
const MAX_ID = 2_147_483_647

export interface StatementLine {
  loanId: number
  amount: number
  reference?: string | null
}
export interface StatementInput {
  transactionPointId: number
  date: string
  lines: StatementLine[]
}
/** Where each statement line came from, for error messages: `csv.line 3` or `body.lines[2]`. */
export type LineLabel = (index: number, column?: 'loanId' | 'amount' | 'reference') => string

export interface FieldError {
  field: string
  message: string
}

export function tooMany(errors: FieldError[]): FieldError[] {
  return errors.length > MAX_REPORTED_ERRORS ? errors.slice(0, MAX_REPORTED_ERRORS) : errors
}

export function describeErrors(what: string, errors: FieldError[]): string {
  const shown = errors
    .slice(0, 5)
    .map((e) => `${e.field}: ${e.message}`)
    .join('; ')
  const more = errors.length > 5 ? ` (and ${errors.length - 5} more)` : ''
  return `${what}: ${shown}${more}. Nothing was written.`
}

// ---------------------------------------------------------------------------
// CSV statement parsing (pure)

/** RFC 4180 records with the physical line each starts on (quoted newlines count as lines). */
export function csvRecords(text: string): { records: { line: number; cells: string[] }[]; error?: FieldError } {
  const records: { line: number; cells: string[] }[] = []
  let line = 1
  let start = 1
  let row: string[] = []
  let cell = ''
  let quoted = false
  let quoteLine = 0
  let wasQuoted = false
  const endRecord = () => {
    row.push(cell)
    if (!(row.length === 1 && row[0]!.trim() === '' && !wasQuoted)) records.push({ line: start, cells: row })
    row = []
    cell = ''
    wasQuoted = false
  }
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n' || (ch === '\r' && s[i + 1] !== '\n')) line++
        cell += ch
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true
      wasQuoted = true
      quoteLine = line
      cell = ''
    } else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++
      endRecord()
      line++
      start = line
    } else cell += ch
  }
  if (quoted) return { records, error: { field: `csv.line ${quoteLine}`, message: 'a quoted field is not closed' } }
  if (cell !== '' || row.length > 0 || wasQuoted) endRecord()
  return { records }
}

function parseLoanId(raw: string): number | string {
  const v = raw.trim()
  if (v === '') return 'loanId is missing'
  if (!/^\d+$/.test(v)) return `loanId "${v}" is not a positive whole number`
  const n = Number(v)
  if (n < 1 || n > MAX_ID) return `loanId ${v} is out of range`
  return n
}

function parseAmount(raw: string): number | string {
  const v = raw.trim()
  if (v === '') return 'amount is missing'
  if (/^-\s*\d+([.,]\d*)?$/.test(v)) return `amount ${v} is negative; a statement lists cash received (≥ 0)`
  if (!/^\d+$/.test(v)) return `amount "${v}" is not a whole number of VND (no decimals, separators or currency)`
  const n = Number(v)
  if (!Number.isSafeInteger(n)) return `amount ${v} is too large`
  return n
}

/**
 * Parses a CSV statement. Throws VALIDATION_ERROR listing every bad line
 * (errors[].field = `csv.line N`, the header being line 1); nothing is looked
 * up in the database here.
 */
export function parseStatementCsv(text: string): { lines: StatementLine[]; lineNumbers: number[] } {
  const { records, error } = csvRecords(text)
  const errors: FieldError[] = []
  if (error) errors.push(error)
  const header = records[0]
  const expected = `${CSV_HEADER.join(',')}`
  if (!header) {
    throw new DomainError(
      'VALIDATION_ERROR',
      `The statement is empty; the first line must be the header "${expected}" (reference optional)`,
      {
        errors: [{ field: 'csv.line 1', message: `missing header "${expected}"` }],
      },
    )
  }
  const names = header.cells.map((c) => c.trim())
  const withReference = names.length === 3 && names[0] === 'loanId' && names[1] === 'amount' && names[2] === 'reference'
  const withoutReference = names.length === 2 && names[0] === 'loanId' && names[1] === 'amount'
  if (!withReference && !withoutReference) {
    throw new DomainError(
      'VALIDATION_ERROR',
      `Line ${header.line}: the header must be exactly "${expected}" (or "loanId,amount"), got "${names.join(',')}". ` +
        `Nothing was written.`,
      {
        errors: [
          {
            field: `csv.line ${header.line}`,
            message: `header must be "${expected}" (reference optional), got "${names.join(',')}"`,
          },
        ],
      },
    )
  }
  const lines: StatementLine[] = []
  const lineNumbers: number[] = []
  for (const r of records.slice(1)) {
    const field = `csv.line ${r.line}`
    if (r.cells.length !== names.length && !(withReference && r.cells.length === 2)) {
      errors.push({ field, message: `expected ${names.length} columns (${names.join(',')}), got ${r.cells.length}` })
      continue
    }
    const loanId = parseLoanId(r.cells[0]!)
    const amount = parseAmount(r.cells[1]!)
    const reference = (r.cells[2] ?? '').trim()
    const problems: string[] = []
    if (typeof loanId === 'string') problems.push(loanId)
    if (typeof amount === 'string') problems.push(amount)
    if (reference.length > 100) problems.push('reference is longer than 100 characters')
    if (problems.length > 0) {
      errors.push({ field, message: problems.join('; ') })
      continue
    }
    lines.push({ loanId: loanId as number, amount: amount as number, reference: reference === '' ? null : reference })
    lineNumbers.push(r.line)
  }
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_ERROR', describeErrors('The statement CSV is invalid', errors), {
      errors: tooMany(errors),
    })
  }
  return { lines, lineNumbers }
}

/**
 * The statement of a POST /v1/reconciliations request, whichever way it was sent, with how to name its lines in
 * errors.
 */
export interface ReceivedStatement {
  input: StatementInput
  label: LineLabel
  pointField: string
}

interface JsonStatement {
  transactionPointId: number
  date: string
  lines: { loanId: number; amount: number; reference?: string | null }[]
}

/**
 * Content negotiation and parsing: `text/csv` (with `?transactionPointId=&date=`) or `application/json`;
 * anything else is 415 UNSUPPORTED_MEDIA_TYPE (validation only runs for the content types the schema names).
 */
export function receivedStatement(
  contentType: string | undefined,
  body: unknown,
  query: { transactionPointId?: number; date?: string },
): ReceivedStatement {
  const mediaType = String(contentType ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (mediaType !== 'text/csv' && mediaType !== 'application/json') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the statement as application/json or text/csv')
  }
  if (mediaType === 'text/csv') {
    const missing = (['transactionPointId', 'date'] as const)
      .filter((k) => query[k] === undefined)
      .map((k) => ({ field: `querystring.${k}`, message: 'is required with a text/csv statement' }))
    if (missing.length > 0)
      throw new DomainError('VALIDATION_ERROR', `A CSV statement needs ${missing.map((m) => m.field).join(' and ')}`, {
        errors: missing,
      })
    const parsed = parseStatementCsv(typeof body === 'string' ? body : '')
    return {
      input: { transactionPointId: query.transactionPointId!, date: query.date!, lines: parsed.lines },
      label: (i) => `csv.line ${parsed.lineNumbers[i]}`,
      pointField: 'querystring.transactionPointId',
    }
  }
  const json = body as JsonStatement
  return {
    input: {
      transactionPointId: json.transactionPointId,
      date: json.date,
      lines: json.lines.map((l) => ({ loanId: l.loanId, amount: l.amount, reference: l.reference ?? null })),
    },
    label: (i, column) => `body.lines[${i}]${column ? `.${column}` : ''}`,
    pointField: 'body.transactionPointId',
  }
}
