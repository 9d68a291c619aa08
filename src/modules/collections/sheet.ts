/**
 * The collection sheet of a commune transaction point (docs/rules.md §11): for a
 * session date, each group handing in at the point, each household with an
 * active loan, and per loan what falls due by that date — read from the loan's
 * replay as of the date (src/domain/collection-sheet.ts), the same numbers the
 * repayment waterfall uses, so that a repayment of exactly a loan's `total` on
 * the date leaves nothing overdue and nothing due. Each group carries a ready
 * POST /v1/collection-sessions body.
 *
 * Date: default the point's next session date on or after the business date (a
 * sheet is printed before the session); allowed from one year before the
 * business date up to that next session date (SHEET_DATE_OUT_OF_RANGE). A
 * future date shows what will be due if nothing is paid until then; the session
 * itself can be posted once the business date has reached it.
 *
 * Savings expected: the household's monthly commitment (its savings account),
 * once per household (in its own group), on its first loan line of the group's
 * session body; savings already handed in that month are not netted.
 *
 * Scope: branch staff see their branch's points, finance / auditor / admin all;
 * a partner officer sees the points of its partner's branch, with only its own
 * groups. Outside scope → 404.
 * Errors: NOT_FOUND (point, or group outside scope), GROUP_NOT_AT_POINT, SHEET_DATE_OUT_OF_RANGE.
 */
import type Database from 'better-sqlite3'
import type { Actor } from '../../platform/auth.js'
import { inBranchScope, inScope, scopeOf } from '../../platform/scope.js'
import { DomainError, notFound } from '../../platform/errors.js'
import { addMonths, sessionDayInMonthAfter } from '../../domain/dates.js'
import { NO_AMOUNTS, addAmounts, sheetAmounts, type SheetAmounts } from '../../domain/collection-sheet.js'
import { loadLoanRow, loanState } from '../loans/projection.js'
import { expectedSavingsByHousehold } from '../savings/service.js'
import type { SessionLine } from './service.js'
import { MAX_SESSION_LINES } from './schemas.js'
import { activeLoansOfGroups, collectionQueries, type SheetGroupRow, type SheetPointRow } from './queries.js'

/** The point's first session date on or after `date`. */
export function nextSessionDate(date: string, sessionDay: number): string {
  return sessionDayInMonthAfter(date, Number(date.slice(8, 10)) <= sessionDay ? 0 : 1, sessionDay)
}

type SheetLoan = SheetAmounts & {
  loanId: number
  programmeCode: string
  classification: string
  outstandingPrincipal: number
  nextDueDate: string | null
}
interface SheetHousehold {
  householdId: number
  headName: string
  nationalId: string
  village: string
  savingsExpected: number
  total: number
  loans: SheetLoan[]
}
type Totals = Omit<SheetAmounts, 'interest' | 'principal'> & {
  households: number
  loans: number
  savingsExpected: number
  cashExpected: number
}

function pointVisible(sqlite: Database.Database, actor: Actor, point: SheetPointRow): boolean {
  if (actor.role !== 'partner_officer') return inBranchScope(actor, point.branchId)
  // A partner officer sees the points of the branches where its partners (its own and those under it) work.
  const scope = scopeOf(actor)
  const ids = scope.kind === 'partner' ? scope.ids : []
  return ids.some((id) => collectionQueries(sqlite).partnerBranch.get(id) === point.branchId)
}

const emptyTotals = (): Totals => ({
  households: 0,
  loans: 0,
  principalDue: 0,
  interestDue: 0,
  overduePrincipal: 0,
  overdueInterest: 0,
  total: 0,
  savingsExpected: 0,
  cashExpected: 0,
})

function addTotals(t: Totals, a: Omit<Totals, 'households' | 'loans'> | SheetAmounts, savings = 0): void {
  t.principalDue += a.principalDue
  t.interestDue += a.interestDue
  t.overduePrincipal += a.overduePrincipal
  t.overdueInterest += a.overdueInterest
  t.total += a.total
  t.savingsExpected += savings
  t.cashExpected += a.total + savings
}

const collator = new Intl.Collator('vi', { sensitivity: 'base' })

export function collectionSheet(
  sqlite: Database.Database,
  actor: Actor,
  transactionPointId: number,
  q: { date?: string; groupId?: number },
  businessDate: string,
) {
  const queries = collectionQueries(sqlite)
  const point = queries.point.get(transactionPointId)
  if (!point || !pointVisible(sqlite, actor, point)) throw notFound('Transaction point', transactionPointId)
  const nextSession = nextSessionDate(businessDate, point.sessionDay)
  const earliest = addMonths(businessDate, -12)
  const date = q.date ?? nextSession
  if (date < earliest || date > nextSession) {
    throw new DomainError(
      'SHEET_DATE_OUT_OF_RANGE',
      `A collection sheet can be prepared for ${earliest} up to the point's next session date ${nextSession}, ` +
        `not ${date}`,
      { earliest, latest: nextSession },
    )
  }

  let groups: SheetGroupRow[]
  if (q.groupId !== undefined) {
    const g = queries.sheetGroup.get(q.groupId)
    if (!g || !inScope(actor, g)) throw notFound('Group', q.groupId)
    if (g.transactionPointId !== point.id)
      throw new DomainError(
        'GROUP_NOT_AT_POINT',
        `Group ${g.id} hands in at transaction point ${g.transactionPointId}, not ${point.id}`,
      )
    groups = [g]
  } else {
    groups = queries.sheetGroupsAt.all(point.id).filter((g) => actor.role !== 'partner_officer' || inScope(actor, g))
  }

  const loanRows =
    groups.length === 0
      ? []
      : activeLoansOfGroups(
          sqlite,
          groups.map((g) => g.id),
        )
  const savings = expectedSavingsByHousehold(sqlite, [...new Set(loanRows.map((r) => r.householdId))])
  // A household's savings are expected once: in its own group when it has a loan there, else with its first loan on
  // the sheet.
  const savingsGroup = new Map<number, number>()
  for (const r of loanRows)
    if (!savingsGroup.has(r.householdId) || r.groupId === r.householdGroupId) savingsGroup.set(r.householdId, r.groupId)

  const sheetTotals = emptyTotals()
  const sheetGroups = groups.map((g) => {
    const households = new Map<number, SheetHousehold>()
    for (const r of loanRows) {
      if (r.groupId !== g.id) continue
      const row = loadLoanRow(sqlite, r.loanId)
      const state = loanState(sqlite, row, date)
      // Not yet disbursed on the date (or already settled then): nothing to collect, not on the sheet.
      if (state.state !== 'active') continue
      let h = households.get(r.householdId)
      if (!h) {
        const expected = savingsGroup.get(r.householdId) === g.id ? (savings.get(r.householdId) ?? 0) : 0
        h = {
          householdId: r.householdId,
          headName: r.headName,
          nationalId: r.nationalId,
          village: r.village,
          savingsExpected: expected,
          total: 0,
          loans: [],
        }
        households.set(r.householdId, h)
      }
      const amounts = sheetAmounts(state)
      h.total += amounts.total
      h.loans.push({
        loanId: row.id,
        programmeCode: row.programmeCode,
        classification: state.classification,
        outstandingPrincipal: state.outstandingPrincipal,
        nextDueDate: state.nextDueDate,
        ...amounts,
      })
    }
    const list = [...households.values()].sort(
      (a, b) => collator.compare(a.headName, b.headName) || a.householdId - b.householdId,
    )
    const totals = emptyTotals()
    const lines: SessionLine[] = []
    for (const h of list) {
      totals.households++
      const sum = { ...NO_AMOUNTS }
      h.loans.forEach((l, i) => {
        totals.loans++
        addAmounts(sum, l)
        const line = {
          loanId: l.loanId,
          interest: l.interest,
          principal: l.principal,
          savings: i === 0 ? h.savingsExpected : 0,
        }
        if (line.interest + line.principal + line.savings > 0) lines.push(line)
      })
      addTotals(totals, sum, h.savingsExpected)
    }
    sheetTotals.households += totals.households
    sheetTotals.loans += totals.loans
    addTotals(sheetTotals, totals, totals.savingsExpected)
    const sessionRequest =
      lines.length > 0 && lines.length <= MAX_SESSION_LINES
        ? { transactionPointId: point.id, groupId: g.id, sessionDate: date, lines }
        : null
    return {
      groupId: g.id,
      groupCode: g.code,
      groupName: g.name,
      village: g.village,
      partnerId: g.partnerId,
      partnerName: g.partnerName,
      households: list,
      totals,
      sessionRequest,
    }
  })
  return {
    transactionPointId: point.id,
    transactionPointCode: point.code,
    transactionPointName: point.name,
    commune: point.commune,
    sessionDay: point.sessionDay,
    date,
    businessDate,
    nextSessionDate: nextSession,
    groups: sheetGroups,
    totals: sheetTotals,
  }
}

export type CollectionSheet = ReturnType<typeof collectionSheet>

/** CSV header (Vietnamese, what the commune officer prints) → field of a sheet row. */
export const SHEET_CSV_COLUMNS: readonly [string, string][] = [
  ['Tổ', 'groupName'],
  ['Thôn', 'village'],
  ['Hộ vay', 'headName'],
  ['Số CCCD', 'nationalId'],
  ['Mã khoản vay', 'loanId'],
  ['Chương trình', 'programmeCode'],
  ['Dư nợ', 'outstandingPrincipal'],
  ['Gốc đến hạn', 'principalDue'],
  ['Lãi đến hạn', 'interestDue'],
  ['Gốc quá hạn', 'overduePrincipal'],
  ['Lãi quá hạn', 'overdueInterest'],
  ['Tổng phải thu', 'total'],
  ['Tiết kiệm dự kiến', 'savingsExpected'],
]

/**
 * One row per loan, keyed by the Vietnamese headers; a household's expected savings on its first loan's row only
 * (so a column sum is right).
 */
export function sheetCsvRows(sheet: CollectionSheet): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = []
  for (const g of sheet.groups) {
    for (const h of g.households) {
      h.loans.forEach((l, i) => {
        const values: Record<string, unknown> = {
          groupName: g.groupName,
          village: h.village,
          headName: h.headName,
          nationalId: h.nationalId,
          ...l,
          savingsExpected: i === 0 ? h.savingsExpected : 0,
        }
        rows.push(Object.fromEntries(SHEET_CSV_COLUMNS.map(([header, field]) => [header, values[field]])))
      })
    }
  }
  return rows
}
