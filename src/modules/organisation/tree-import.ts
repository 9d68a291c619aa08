/**
 * Importing the tree's reference data (docs/rules.md §20): a list of (code, name, parent code[, kind]) lines, as CSV
 * (UTF-8, with or without BOM, English or Vietnamese headers in any order) or JSON. Each line's level is its
 * parent's level plus one: under the head office a province office, under a province office a district office
 * (created as a branch, by the organisation service), under a district office a commune, under a commune a
 * village — the parent known already or another line of the list, in any order. The dry run answers each line's
 * outcome (create, unchanged: the same node exists already, or conflict with a code) and writes nothing; applying
 * writes every new node in one command, top-down, and only when no line conflicts (a tree with holes is worse
 * than none).
 */
import type Database from 'better-sqlite3'
import { DomainError } from '../../platform/errors.js'
import { csvKey } from '../../platform/csv.js'
import type { CommandContext } from '../../platform/commands.js'
import { csvRecords } from '../reconciliation/statement.js'
import { foldText } from '../../domain/text.js'
import { TREE_LEVELS, type TreeLevel } from '../../domain/organisation-tree.js'
import { treeQueries, type OfficeRow, type PlaceRow } from './tree-queries.js'
import { createOffice } from './tree.js'
import { createBranch } from './service.js'

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
/** The levels a list creates, top-down (the head office exists in every database). */
export const IMPORT_LEVELS = ['province', 'district', 'commune', 'village'] as const
export type ImportLevel = (typeof IMPORT_LEVELS)[number]

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
  /** the level the line is (from its parent); null when its parent cannot be placed */
  kind: ImportLevel | null
  outcome: 'create' | 'unchanged' | 'conflict'
  problem: ImportProblem | null
  detail: string | null
  /** a province or district office, once created or when unchanged */
  officeId: number | null
  /** a district office's branch */
  branchId: number | null
  /** a commune or village, once created or when unchanged */
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
/**
 * Kind words, folded, and the levels each names. "Thành phố" alone is a centrally-run city (a province) under the
 * head office and a provincial city (a district) under a province: the parent decides; the long forms are one level.
 */
const KINDS: Record<string, readonly ImportLevel[]> = {
  province: ['province'],
  tinh: ['province'],
  thanhphotructhuoctrunguong: ['province'],
  district: ['district'],
  huyen: ['district'],
  quan: ['district'],
  thixa: ['district'],
  thanhphothuoctinh: ['district'],
  thanhpho: ['province', 'district'],
  commune: ['commune'],
  xa: ['commune'],
  phuong: ['commune'],
  thitran: ['commune'],
  village: ['village'],
  thon: ['village'],
  ap: ['village'],
  ban: ['village'],
  xom: ['village'],
  buon: ['village'],
  langbuon: ['village'],
  todanpho: ['village'],
  khupho: ['village'],
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

/** A node of the tree as it is now, by code: an office first, else a place. */
type Existing = { level: TreeLevel; office?: OfficeRow; place?: PlaceRow }

/** Each line's outcome against the offices and places as they are now (nothing written). */
export function planImport(sqlite: Database.Database, input: readonly ImportLineInput[]): ImportLine[] {
  const q = treeQueries(sqlite)
  const lines = input.map((l) => ({ ...l, code: l.code.trim(), name: l.name.trim(), parentCode: l.parentCode.trim() }))
  const counts = new Map<string, number>()
  for (const l of lines) counts.set(l.code, (counts.get(l.code) ?? 0) + 1)
  const inList = new Map(lines.map((l) => [l.code, l]))
  const existing = (code: string): Existing | undefined => {
    const office = q.officeByCode.get(code)
    if (office) return { level: office.level, office }
    const place = q.placeByCode.get(code)
    return place ? { level: place.kind, place } : undefined
  }
  /**
   * The level of a line's parent: up the chain of parents in the list to a node that exists, one level per step.
   * `broken`: the line's own parent is unknown or the chain loops through the line itself; `above`: a line further
   * up is in that case (this one is then under a line in conflict).
   */
  const parentLevel = (l: { code: string; parentCode: string }) => {
    const seen = new Set([l.code])
    let code = l.parentCode
    for (let steps = 0; ; steps++) {
      const node = existing(code)
      if (node) return { index: TREE_LEVELS.indexOf(node.level) + steps, node: steps === 0 ? node : undefined }
      const line = inList.get(code)
      if (line === undefined || seen.has(code))
        return { broken: steps === 0 || code === l.code ? (line === undefined ? 'unknown' : 'loop') : 'above' }
      seen.add(code)
      code = line.parentCode
    }
  }

  const judge = (l: (typeof lines)[number]): Omit<ImportLine, 'line' | 'code' | 'name' | 'parentCode'> => {
    const none = { officeId: null, branchId: null, placeId: null }
    const conflict = (problem: ImportProblem, detail: string, kind: ImportLevel | null = null) => ({
      kind,
      outcome: 'conflict' as const,
      problem,
      detail,
      ...none,
    })
    if (l.code === '' || l.name === '' || l.parentCode === '')
      return conflict('MISSING_VALUE', 'code, name and parent code are all required')
    if (l.code.length > 30 || l.name.length > 200 || l.parentCode.length > 30)
      return conflict('TOO_LONG', 'a code has at most 30 characters, a name 200')
    const given = l.kind === undefined || l.kind.trim() === '' ? undefined : KINDS[fold(l.kind)]
    if (l.kind !== undefined && l.kind.trim() !== '' && given === undefined)
      return conflict(
        'UNKNOWN_KIND',
        `kind "${l.kind}" is none of province (tỉnh), district (huyện), commune (xã), village (thôn)`,
      )
    if (counts.get(l.code)! > 1) return conflict('DUPLICATE_IN_LIST', `code ${l.code} is on several lines`)
    const parent = parentLevel(l)
    if ('broken' in parent) {
      if (parent.broken === 'unknown') return conflict('UNKNOWN_PARENT', `no office nor place has code ${l.parentCode}`)
      if (parent.broken === 'loop')
        return conflict('UNKNOWN_PARENT', `the parents of ${l.code} lead back to it: the chain reaches no office`)
      return conflict('PARENT_IN_CONFLICT', `a line above ${l.parentCode} is in conflict`)
    }
    if (parent.index >= TREE_LEVELS.length - 1)
      return parent.index === TREE_LEVELS.length - 1
        ? conflict('LEVEL', `${l.parentCode} is a village: nothing goes under it`)
        : conflict('PARENT_IN_CONFLICT', `${l.parentCode} is under a village`)
    const kind = TREE_LEVELS[parent.index + 1] as ImportLevel
    if (given !== undefined && !given.includes(kind))
      return conflict('LEVEL', `under ${l.parentCode} comes a ${kind}, not a ${given.join(' or ')}`, kind)
    if (kind === 'province' && l.name.length > 100)
      return conflict('TOO_LONG', "a province's name has at most 100 characters (its branches' province)", kind)
    // The same code, name, level and parent: unchanged. The code taken otherwise — by an office or a place alike,
    // so that a parent code names one node.
    const taken = existing(l.code)
    const parentNode = parent.node
    if (taken) {
      const same =
        taken.level === kind &&
        (taken.office?.name ?? taken.place?.name) === l.name &&
        (taken.office
          ? taken.office.parentId === parentNode?.office?.id
          : kind === 'commune'
            ? taken.place!.parentId === null && taken.place!.officeId === parentNode?.office?.id
            : taken.place!.parentId === parentNode?.place?.id)
      if (same)
        return {
          kind,
          outcome: 'unchanged',
          problem: null,
          detail: null,
          officeId: taken.office?.id ?? null,
          branchId: taken.office?.branchId ?? null,
          placeId: taken.place?.id ?? null,
        }
      const what = taken.office ? `office ${taken.office.id}` : `place ${taken.place!.id}`
      return conflict('CODE_TAKEN', `${what} has code ${l.code} with another name, level or parent`, kind)
    }
    if (kind === 'district' && q.branchByCode.get(l.code))
      return conflict('CODE_TAKEN', `branch code ${l.code} is taken`, kind)
    return { kind, outcome: 'create', problem: null, detail: null, ...none }
  }

  const judged = lines.map((l) => ({ line: l.line, code: l.code, name: l.name, parentCode: l.parentCode, ...judge(l) }))
  // A line under a line in conflict is in conflict too (repeated down the chains).
  const byCode = new Map(judged.map((l) => [l.code, l]))
  for (let changed = true; changed;) {
    changed = false
    for (const l of judged) {
      const parent = byCode.get(l.parentCode)
      if (l.outcome === 'conflict' || parent?.outcome !== 'conflict' || existing(l.parentCode)) continue
      Object.assign(l, {
        outcome: 'conflict',
        problem: 'PARENT_IN_CONFLICT',
        detail: `${l.parentCode} (line ${parent.line}) is in conflict`,
      })
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

/**
 * Creates every new node, top-down (provinces, then districts — each a branch, through the organisation service —,
 * communes, villages), so each finds its parent; with a line in conflict, nothing.
 */
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
  for (const level of IMPORT_LEVELS) {
    for (const l of lines.filter((x) => x.outcome === 'create' && x.kind === level)) {
      if (level === 'province') {
        const head = q.officeByCode.get(l.parentCode)!
        l.officeId = createOffice(ctx, { code: l.code, name: l.name, level, parentId: head.id }).id
      } else if (level === 'district') {
        // A district office is a branch: the organisation service creates both, and the branch's province is
        // the province office's name.
        const province = q.officeByCode.get(l.parentCode)!
        const branch = createBranch(ctx, {
          code: l.code,
          name: l.name,
          province: province.name,
          provinceOfficeId: province.id,
        })
        Object.assign(l, { officeId: branch.officeId, branchId: branch.id })
      } else {
        const parent = level === 'village' ? q.placeByCode.get(l.parentCode)! : null
        const officeId = parent ? parent.officeId : q.officeByCode.get(l.parentCode)!.id
        l.placeId = Number(
          q.insertPlace.run({ code: l.code, name: l.name, kind: level, parentId: parent?.id ?? null, officeId })
            .lastInsertRowid,
        )
      }
    }
  }
  const created = lines.filter((l) => l.outcome === 'create')
  ctx.audit({
    action: 'place.import',
    entity: 'place',
    entityId: created.find((l) => l.placeId !== null)?.placeId ?? 0,
    after: {
      created: created.map((l) => ({ level: l.kind, id: l.placeId ?? l.officeId, code: l.code })),
      unchanged: lines.length - created.length,
    },
  })
  return result('apply', lines, true)
}
