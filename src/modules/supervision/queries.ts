/**
 * The supervision module's SQL (docs/rules.md §22): prepared once per connection. Findings, their branches and the
 * answers are append-only (triggers refuse UPDATE and DELETE).
 */
import type Database from 'better-sqlite3'
import { perConnection } from '../../platform/database.js'
import type { SUPERVISING_BODIES } from '../../db/schema-supervision.js'

export type SupervisingBody = (typeof SUPERVISING_BODIES)[number]

export interface FindingRow {
  id: number
  date: string
  officeId: number
  placeId: number | null
  areaKind: 'head_office' | 'province' | 'district' | 'commune' | 'village'
  areaCode: string
  areaName: string
  loanId: number | null
  applicationId: number | null
  supervisingBody: SupervisingBody
  finding: string
  followUp: string
  recordedBy: number
  recordedOn: string
  createdAt: string
  answerCount: number
}

export interface AnswerRow {
  id: number
  findingId: number
  branchId: number
  answer: string
  actionTaken: string | null
  answeredBy: number
  answeredOn: string
  createdAt: string
}

/** Where a loan or an application sits: its branch and partner (scope), its group's village and its point's commune. */
export interface Whereabouts {
  branchId: number
  partnerId: number
  villageId: number | null
  communeId: number | null
}

const FINDING = `SELECT f.id, f.finding_date AS date, f.office_id AS officeId, f.place_id AS placeId,
    COALESCE(p.kind, o.level) AS areaKind, COALESCE(p.code, o.code) AS areaCode, COALESCE(p.name, o.name) AS areaName,
    f.loan_id AS loanId, f.application_id AS applicationId, f.supervising_body AS supervisingBody, f.finding,
    f.follow_up AS followUp, f.recorded_by AS recordedBy, f.recorded_on AS recordedOn, f.created_at AS createdAt,
    (SELECT COUNT(*) FROM supervision_answers a WHERE a.finding_id = f.id) AS answerCount
  FROM supervision_findings f JOIN offices o ON o.id = f.office_id LEFT JOIN places p ON p.id = f.place_id`
const ANSWER = `SELECT id, finding_id AS findingId, branch_id AS branchId, answer, action_taken AS actionTaken,
  answered_by AS answeredBy, answered_on AS answeredOn, created_at AS createdAt FROM supervision_answers`
/** A group's village and its point's commune, joined onto `g` (a group). */
const GROUP_PLACES = `g.place_id AS villageId, tp.place_id AS communeId
  FROM groups g JOIN transaction_points tp ON tp.id = g.transaction_point_id`

export const supervisionQueries = perConnection((sqlite: Database.Database) => ({
  insertFinding: sqlite.prepare<{
    date: string
    officeId: number
    placeId: number | null
    loanId: number | null
    applicationId: number | null
    supervisingBody: SupervisingBody
    finding: string
    followUp: string
    recordedBy: number
    recordedOn: string
  }>(
    `INSERT INTO supervision_findings (finding_date, office_id, place_id, loan_id, application_id, supervising_body,
      finding, follow_up, recorded_by, recorded_on) VALUES (@date, @officeId, @placeId, @loanId, @applicationId,
      @supervisingBody, @finding, @followUp, @recordedBy, @recordedOn)`,
  ),
  insertBranch: sqlite.prepare<[number, number]>(
    'INSERT INTO supervision_finding_branches (finding_id, branch_id) VALUES (?, ?)',
  ),
  insertAnswer: sqlite.prepare<{
    findingId: number
    branchId: number
    answer: string
    actionTaken: string | null
    answeredBy: number
    answeredOn: string
  }>(
    `INSERT INTO supervision_answers (finding_id, branch_id, answer, action_taken, answered_by, answered_on)
      VALUES (@findingId, @branchId, @answer, @actionTaken, @answeredBy, @answeredOn)`,
  ),
  byId: sqlite.prepare<[number], FindingRow>(`${FINDING} WHERE f.id = ?`),
  branchesOf: sqlite
    .prepare<[number], number>(
      'SELECT branch_id FROM supervision_finding_branches WHERE finding_id = ? ORDER BY branch_id',
    )
    .pluck(),
  answersOf: sqlite.prepare<[number], AnswerRow>(`${ANSWER} WHERE finding_id = ? ORDER BY id`),
  /** The branches whose district office is the office or lies under it (the closure table). */
  branchesUnderOffice: sqlite
    .prepare<[number], number>(
      `SELECT b.id FROM branches b JOIN office_paths op ON op.descendant_id = b.office_id
        WHERE op.ancestor_id = ? ORDER BY b.id`,
    )
    .pluck(),
  loanWhereabouts: sqlite.prepare<[number], Whereabouts>(
    `SELECT l.branch_id AS branchId, l.partner_id AS partnerId, ${GROUP_PLACES} JOIN loans l ON l.group_id = g.id
      WHERE l.id = ?`,
  ),
  applicationWhereabouts: sqlite.prepare<[number], Whereabouts>(
    `SELECT a.branch_id AS branchId, a.partner_id AS partnerId, ${GROUP_PLACES}
      JOIN households h ON h.group_id = g.id JOIN applications a ON a.household_id = h.id WHERE a.id = ?`,
  ),
}))

/** One page of findings by id; `where` are conditions on f with named parameters (filters and scope vary). */
export function findingsPage(
  sqlite: Database.Database,
  where: string[],
  params: Record<string, unknown>,
): FindingRow[] {
  return sqlite
    .prepare<[Record<string, unknown>], FindingRow>(
      `${FINDING} WHERE ${where.join(' AND ')} ORDER BY f.id LIMIT @limit`,
    )
    .all(params)
}

/** The branches and the answers of several findings at once (a page), grouped by finding. */
export function branchesAndAnswersOf(
  sqlite: Database.Database,
  ids: readonly number[],
): { branches: Map<number, number[]>; answers: Map<number, AnswerRow[]> } {
  const branches = new Map<number, number[]>()
  const answers = new Map<number, AnswerRow[]>()
  if (ids.length === 0) return { branches, answers }
  const list = JSON.stringify(ids)
  const links = sqlite
    .prepare<[string], { findingId: number; branchId: number }>(
      `SELECT finding_id AS findingId, branch_id AS branchId FROM supervision_finding_branches
        WHERE finding_id IN (SELECT value FROM json_each(?)) ORDER BY finding_id, branch_id`,
    )
    .all(list)
  for (const l of links) branches.set(l.findingId, [...(branches.get(l.findingId) ?? []), l.branchId])
  const rows = sqlite
    .prepare<[string], AnswerRow>(`${ANSWER} WHERE finding_id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(list)
  for (const a of rows) answers.set(a.findingId, [...(answers.get(a.findingId) ?? []), a])
  return { branches, answers }
}
