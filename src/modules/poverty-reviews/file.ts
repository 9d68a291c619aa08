/**
 * A commune's reviewed list as received: CSV (UTF-8, with or without BOM, English or Vietnamese headers, in
 * any order; other columns such as the head's name are ignored) or JSON. Only the file's shape is refused
 * here (VALIDATION_ERROR naming the header or the query parameter); each line's values are judged by the
 * dry run, which reports a bad value on its line rather than refusing the whole list.
 */
import { DomainError } from '../../platform/errors.js'
import { csvKey } from '../../platform/csv.js'
import { csvRecords } from '../reconciliation/statement.js'
import { foldText } from '../../domain/text.js'
import type { ReviewLineInput } from '../../domain/poverty-review.js'

export const MAX_REVIEW_LINES = 5000
const COLUMNS = ['nationalId', 'status', 'decisionNo', 'effectiveDate'] as const
type Column = (typeof COLUMNS)[number]

/** Header names (folded: lower case, no diacritics, no spaces or punctuation) → column. */
const HEADERS: Record<string, Column> = {
  nationalid: 'nationalId',
  citizenid: 'nationalId',
  socccd: 'nationalId',
  cccd: 'nationalId',
  socancuoc: 'nationalId',
  socancuoccongdan: 'nationalId',
  sodinhdanh: 'nationalId',
  sodinhdanhcanhan: 'nationalId',
  status: 'status',
  povertystatus: 'status',
  tinhtrang: 'status',
  trangthai: 'status',
  phanloai: 'status',
  decisionno: 'decisionNo',
  decisionnumber: 'decisionNo',
  soquyetdinh: 'decisionNo',
  effectivedate: 'effectiveDate',
  ngayhieuluc: 'effectiveDate',
}

function headerColumn(cell: string): Column | undefined {
  const key = csvKey(cell.trim())
  return HEADERS[foldText(key).replace(/[^a-z0-9]/g, '')]
}

export interface ReviewInput {
  transactionPointId: number
  year: number
  lines: ReviewLineInput[]
}

function tooLong(count: number): DomainError {
  return new DomainError('VALIDATION_ERROR', `A review holds at most ${MAX_REVIEW_LINES} lines, got ${count}`, {
    errors: [{ field: 'body', message: `at most ${MAX_REVIEW_LINES} lines` }],
  })
}

/** The CSV's lines; the header is line 1 and each line keeps its physical number for the dry run's answer. */
export function parseReviewCsv(text: string): ReviewLineInput[] {
  const { records, error } = csvRecords(text)
  if (error) throw new DomainError('VALIDATION_ERROR', `The CSV is invalid: ${error.message}`, { errors: [error] })
  const header = records[0]
  const expected = 'nationalId,status,decisionNo,effectiveDate (or Số CCCD,Tình trạng,Số quyết định,Ngày hiệu lực)'
  if (!header)
    throw new DomainError('VALIDATION_ERROR', `The list is empty; the first line must be the header ${expected}`, {
      errors: [{ field: 'csv.line 1', message: `missing header ${expected}` }],
    })
  const at = new Map<Column, number>()
  header.cells.forEach((cell, i) => {
    const column = headerColumn(cell)
    if (column && !at.has(column)) at.set(column, i)
  })
  const missing = COLUMNS.filter((c) => !at.has(c))
  if (missing.length > 0)
    throw new DomainError('VALIDATION_ERROR', `The header lacks ${missing.join(', ')}; expected ${expected}`, {
      errors: missing.map((c) => ({ field: `csv.line ${header.line}`, message: `no column ${c}` })),
    })
  const body = records.slice(1)
  if (body.length > MAX_REVIEW_LINES) throw tooLong(body.length)
  return body.map((r) => ({
    line: r.line,
    nationalId: r.cells[at.get('nationalId')!] ?? '',
    status: r.cells[at.get('status')!] ?? '',
    decisionNo: r.cells[at.get('decisionNo')!] ?? '',
    effectiveDate: r.cells[at.get('effectiveDate')!] ?? '',
  }))
}

interface JsonReview {
  transactionPointId: number
  year: number
  lines: { nationalId: string; status: string; decisionNo: string; effectiveDate: string }[]
}

/** The review of a POST /v1/poverty-reviews request, whichever way it was sent (JSON lines are numbered from 1). */
export function receivedReview(
  contentType: string | undefined,
  body: unknown,
  query: { transactionPointId?: number; year?: number },
): ReviewInput {
  const mediaType = String(contentType ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (mediaType !== 'text/csv' && mediaType !== 'application/json')
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the list as text/csv or application/json')
  if (mediaType === 'text/csv') {
    const missing = (['transactionPointId', 'year'] as const)
      .filter((k) => query[k] === undefined)
      .map((k) => ({ field: `querystring.${k}`, message: 'is required with a text/csv list' }))
    if (missing.length > 0)
      throw new DomainError('VALIDATION_ERROR', `A CSV list needs ${missing.map((m) => m.field).join(' and ')}`, {
        errors: missing,
      })
    const lines = parseReviewCsv(typeof body === 'string' ? body : '')
    return { transactionPointId: query.transactionPointId!, year: query.year!, lines }
  }
  const given = (['transactionPointId', 'year'] as const).filter((k) => query[k] !== undefined)
  if (given.length > 0)
    throw new DomainError('VALIDATION_ERROR', 'With a JSON body, transactionPointId and year go in the body', {
      errors: given.map((k) => ({ field: `querystring.${k}`, message: 'goes in the body with a JSON list' })),
    })
  const json = body as JsonReview
  if (json.lines.length > MAX_REVIEW_LINES) throw tooLong(json.lines.length)
  return {
    transactionPointId: json.transactionPointId,
    year: json.year,
    lines: json.lines.map((l, i) => ({ line: i + 1, ...l })),
  }
}
