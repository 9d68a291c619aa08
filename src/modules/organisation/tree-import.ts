/**
 * Importing communes and villages (docs/rules.md §20): a list of (code, name, parent code[, kind]) lines, as CSV
 * (UTF-8, with or without BOM, English or Vietnamese headers in any order) or JSON. A line whose parent is a
 * district office's code is a commune of that office; a line whose parent is a commune (already known, or
 * another line of the list, in any order) is a village of it. The dry run answers each line's outcome (create,
 * unchanged: the same place exists already, or conflict with a code) and writes nothing; applying writes every
 * new place in one command, and only when no line conflicts (a tree with holes is worse than none).
 */
import type Database from 'better-sqlite3'
import { DomainError } from '../../platform/errors.js'
import { csvKey } from '../../platform/csv.js'
import type { CommandContext } from '../../platform/commands.js'
import { csvRecords } from '../reconciliation/statement.js'
import { foldText } from '../../domain/text.js'
import { treeQueries, type PlaceKind } from './tree-queries.js'

export const MAX_IMPORT_LINES = 10_000
export const IMPORT_PROBLEMS = [
  'MISSING_VALUE',
  'TOO_LONG',
  'UNKNOWN_KIND',
  'UNKNOWN_PARENT',
  'LEVEL',
  'CODE_TAKEN',
  'DUPLICATE_IN_LIST',
  'PARENT_IN_CONFLICT',
] as const
export type ImportProblem = (typeof IMPORT_PROBLEMS)[number]

export interface ImportLineInput {
  line: number
  code: string
  name: string
  parentCode: string
  kind?: string
}

export interface ImportLine {
  line: number
  code: string
  name: string
  parentCode: string
  kind: PlaceKind | null
  outcome: 'create' | 'unchanged' | 'conflict'
  problem: ImportProblem | null
  detail: string | null
  placeId: number | null
}

const COLUMNS = ['code', 'name', 'parentCode', 'kind'] as const
type Column = (typeof COLUMNS)[number]
const HEADERS: Record<string, Column> = {
  code: 'code',
  ma: 'code',
  madonvi: 'code',
  madiaban: 'code',
  name: 'name',
  ten: 'name',
  tendonvi: 'name',
  tendiaban: 'name',
  parent: 'parentCode',
  parentcode: 'parentCode',
  macaptren: 'parentCode',
  madonvicaptren: 'parentCode',
  kind: 'kind',
  cap: 'kind',
  loai: 'kind',
}
/** Kind words, folded: the English names and the Vietnamese words for a commune-level unit and a village. */
const KINDS: Record<string, PlaceKind> = {
  commune: 'commune',
  xa: 'commune',
  phuong: 'commune',
  thitran: 'commune',
  village: 'village',
  thon: 'village',
  ap: 'village',
  ban: 'village',
  xom: 'village',
  buon: 'village',
  langbuon: 'village',
  todanpho: 'village',
  khupho: 'village',
}
const fold = (s: string) => foldText(s).replace(/[^a-z0-9]/g, '')

function tooLong(count: number): DomainError {
  return new DomainError('VALIDATION_ERROR', `A list holds at most ${MAX_IMPORT_LINES} lines, got ${count}`, {
    errors: [{ field: 'body', message: `at most ${MAX_IMPORT_LINES} lines` }],
  })
}

/** The CSV's lines (the header is line 1; each line keeps its physical number). */
export function parseImportCsv(text: string): ImportLineInput[] {
  const { records, error } = csvRecords(text)
  if (error) throw new DomainError('VALIDATION_ERROR', `The CSV is invalid: ${error.message}`, { errors: [error] })
  const expected = 'code,name,parentCode[,kind] (or Mã,Tên,Mã cấp trên[,Cấp])'
  const header = records[0]
  if (!header)
    throw new DomainError('VALIDATION_ERROR', `The list is empty; the first line must be the header ${expected}`, {
      errors: [{ field: 'csv.line 1', message: `missing header ${expected}` }],
    })
  const at = new Map<Column, number>()
  header.cells.forEach((cell, i) => {
    const column = HEADERS[fold(csvKey(cell.trim()))]
    if (column && !at.has(column)) at.set(column, i)
  })
  const missing = COLUMNS.filter((c) => c !== 'kind' && !at.has(c))
  if (missing.length > 0)
    throw new DomainError('VALIDATION_ERROR', `The header lacks ${missing.join(', ')}; expected ${expected}`, {
      errors: missing.map((c) => ({ field: `csv.line ${header.line}`, message: `no column ${c}` })),
    })
  const body = records.slice(1)
  if (body.length > MAX_IMPORT_LINES) throw tooLong(body.length)
  const cell = (r: { cells: string[] }, c: Column) => (at.has(c) ? (r.cells[at.get(c)!] ?? '') : undefined)
  return body.map((r) => ({
    line: r.line,
    code: cell(r, 'code')!,
    name: cell(r, 'name')!,
    parentCode: cell(r, 'parentCode')!,
    ...(at.has('kind') ? { kind: cell(r, 'kind') } : {}),
  }))
}

/** The lines of a POST /v1/places/import request, whichever way they were sent (JSON lines numbered from 1). */
export function receivedImport(contentType: string | undefined, body: unknown): ImportLineInput[] {
  const mediaType = String(contentType ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (mediaType === 'text/csv') return parseImportCsv(typeof body === 'string' ? body : '')
  if (mediaType !== 'application/json')
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the list as text/csv or application/json')
  const lines = (body as { lines: Omit<ImportLineInput, 'line'>[] }).lines
  if (lines.length > MAX_IMPORT_LINES) throw tooLong(lines.length)
  return lines.map((l, i) => ({ line: i + 1, ...l }))
}

/** Each line's outcome against the places and offices as they are now (nothing written). */
export function planImport(sqlite: Database.Database, input: readonly ImportLineInput[]): ImportLine[] {
  const q = treeQueries(sqlite)
  const lines = input.map((l) => ({ ...l, code: l.code.trim(), name: l.name.trim(), parentCode: l.parentCode.trim() }))
  const counts = new Map<string, number>()
  for (const l of lines) counts.set(l.code, (counts.get(l.code) ?? 0) + 1)
  const inList = new Map(lines.map((l) => [l.code, l]))

  const judge = (l: (typeof lines)[number]): Omit<ImportLine, 'line' | 'code' | 'name' | 'parentCode'> => {
    const conflict = (problem: ImportProblem, detail: string, kind: PlaceKind | null = null) => ({
      kind,
      outcome: 'conflict' as const,
      problem,
      detail,
      placeId: null,
    })
    if (l.code === '' || l.name === '' || l.parentCode === '')
      return conflict('MISSING_VALUE', 'code, name and parent code are all required')
    if (l.code.length > 30 || l.name.length > 200 || l.parentCode.length > 30)
      return conflict('TOO_LONG', 'a code has at most 30 characters, a name 200')
    const given = l.kind === undefined || l.kind.trim() === '' ? undefined : KINDS[fold(l.kind)]
    if (l.kind !== undefined && l.kind.trim() !== '' && given === undefined)
      return conflict('UNKNOWN_KIND', `kind "${l.kind}" is neither a commune (xã) nor a village (thôn)`)
    if (counts.get(l.code)! > 1) return conflict('DUPLICATE_IN_LIST', `code ${l.code} is on several lines`)
    // The parent: a district office (→ a commune), or a commune known or in the list (→ a village).
    const office = q.officeByCode.get(l.parentCode)
    const parentPlace = q.placeByCode.get(l.parentCode)
    const parentLine = inList.get(l.parentCode)
    let kind: PlaceKind
    if (office) {
      if (office.level !== 'district')
        return conflict('LEVEL', `${l.parentCode} is a ${office.level} office: a commune goes under a district`)
      kind = 'commune'
    } else if (parentPlace || parentLine) {
      const parentKind =
        parentPlace?.kind ?? (parentLine!.kind === undefined ? undefined : KINDS[fold(parentLine!.kind)])
      if (parentKind === 'village') return conflict('LEVEL', `${l.parentCode} is a village: nothing goes under it`)
      kind = 'village'
    } else return conflict('UNKNOWN_PARENT', `no district office nor commune has code ${l.parentCode}`)
    if (given !== undefined && given !== kind)
      return conflict('LEVEL', `under ${l.parentCode} comes a ${kind}, not a ${given}`, given)
    const existing = q.placeByCode.get(l.code)
    if (existing) {
      const sameParent =
        kind === 'commune'
          ? existing.officeId === office?.id && existing.parentId === null
          : existing.parentId === parentPlace?.id
      if (existing.kind === kind && existing.name === l.name && sameParent)
        return { kind, outcome: 'unchanged', problem: null, detail: null, placeId: existing.id }
      return conflict('CODE_TAKEN', `place ${existing.id} has code ${l.code} with another name or parent`, kind)
    }
    return { kind, outcome: 'create', problem: null, detail: null, placeId: null }
  }

  const judged = lines.map((l) => ({ line: l.line, code: l.code, name: l.name, parentCode: l.parentCode, ...judge(l) }))
  // A line under another line: that line must be a commune, and not in conflict (repeated down the chains).
  const byCode = new Map(judged.map((l) => [l.code, l]))
  for (let changed = true; changed;) {
    changed = false
    for (const l of judged) {
      const parent = byCode.get(l.parentCode)
      if (l.outcome === 'conflict' || parent === undefined || q.placeByCode.get(l.parentCode)) continue
      if (parent.kind === 'village')
        Object.assign(l, {
          outcome: 'conflict',
          problem: 'LEVEL',
          detail: `${l.parentCode} is a village (line ${parent.line})`,
        })
      else if (parent.outcome === 'conflict')
        Object.assign(l, {
          outcome: 'conflict',
          problem: 'PARENT_IN_CONFLICT',
          detail: `${l.parentCode} (line ${parent.line}) is in conflict`,
        })
      else continue
      changed = true
    }
  }
  return judged
}

export interface ImportResult {
  mode: 'dry_run' | 'apply'
  applied: boolean
  totals: { lines: number; create: number; unchanged: number; conflict: number }
  lines: ImportLine[]
}

function result(mode: ImportResult['mode'], lines: ImportLine[], applied: boolean): ImportResult {
  const count = (o: ImportLine['outcome']) => lines.filter((l) => l.outcome === o).length
  return {
    mode,
    applied,
    totals: {
      lines: lines.length,
      create: count('create'),
      unchanged: count('unchanged'),
      conflict: count('conflict'),
    },
    lines,
  }
}

export function dryRunImport(sqlite: Database.Database, input: readonly ImportLineInput[]): ImportResult {
  return result('dry_run', planImport(sqlite, input), false)
}

/** Creates every new place (communes first, so each village finds its commune) or, with a conflict, nothing. */
export function applyImport(ctx: CommandContext, input: readonly ImportLineInput[]): ImportResult {
  const lines = planImport(ctx.sqlite, input)
  const conflicts = lines.filter((l) => l.outcome === 'conflict')
  if (conflicts.length > 0)
    throw new DomainError(
      'PLACE_IMPORT_CONFLICTS',
      `${conflicts.length} line(s) in conflict (first: line ${conflicts[0]!.line}, ${conflicts[0]!.problem}); ` +
        'nothing was imported: correct them (the dry run lists them) and send the list again',
      {
        errors: conflicts.slice(0, 50).map((l) => ({ field: `line ${l.line}`, message: `${l.problem}: ${l.detail}` })),
      },
    )
  const q = treeQueries(ctx.sqlite)
  for (const kind of ['commune', 'village'] as const) {
    for (const l of lines.filter((x) => x.outcome === 'create' && x.kind === kind)) {
      const parent = kind === 'village' ? q.placeByCode.get(l.parentCode)! : null
      const officeId = parent ? parent.officeId : q.officeByCode.get(l.parentCode)!.id
      l.placeId = Number(
        q.insertPlace.run({ code: l.code, name: l.name, kind, parentId: parent?.id ?? null, officeId }).lastInsertRowid,
      )
    }
  }
  const created = lines.filter((l) => l.outcome === 'create')
  ctx.audit({
    action: 'place.import',
    entity: 'place',
    entityId: created[0]?.placeId ?? 0,
    after: { created: created.map((l) => ({ id: l.placeId, code: l.code })), unchanged: lines.length - created.length },
  })
  return result('apply', lines, true)
}
