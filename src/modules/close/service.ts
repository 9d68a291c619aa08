/**
 * The daily close (docs/rules.md §10). Closing day D: every active loan whose state
 * can change at the end of D (an instalment falls due, its next due date is D,
 * a freeze or extension may end) is replayed as of D + 1 and its projection
 * rewritten — instalments due and not fully paid become overdue, balances,
 * classification and next due date follow; then `hooks.dayClosed` (the support
 * rule) runs and the business date moves to D + 1. Interest is exact at any moment by
 * replay, so the close posts no accruals; other loans are unchanged by a day.
 *
 * `target` is the NEW business date: the close closes every day from the
 * current business date up to the day before `target`. It never moves the
 * business date past today's date in Asia/Ho_Chi_Minh (CLOSE_AHEAD_OF_CALENDAR)
 * unless the caller allows it (loading history, tests).
 *
 * Chunks of loan ids, one bounded transaction each, so other writers are not
 * blocked for long; a close_runs row per day records progress, so a crashed
 * run resumes at the next chunk and a finished day is never redone: closing the
 * same day twice changes nothing.
 */
import type Database from 'better-sqlite3'
import { addDays } from '../../domain/dates.js'
import { DomainError } from '../../platform/errors.js'
import { setBusinessDate, makeBusinessDateReader, businessDateView } from '../../platform/business-date.js'
import { todayInVietnam } from '../../domain/dates.js'
import { loadLoanRow, loanState, storedProjection, writeProjection } from '../loans/projection.js'
import type { Hooks } from '../../platform/hooks.js'
import { closeQueries } from './queries.js'

export const CLOSE_CHUNK_LOANS = 5_000

let running = false

export interface CloseResult {
  previousDate: string
  businessDate: string
  lastClosedDate: string | null
  daysClosed: number
  instalmentsNowOverdue: number
  loansReclassified: number
}

export interface CloseOptions {
  /** today's date in Vietnam (default: from the wall clock); the business date may not move past it */
  today?: string
  /** ALLOW_CLOSE_AHEAD: close past today (loading history, tests) */
  allowAhead?: boolean
}

/**
 * Refuses a close that would move the business date past today in Vietnam (a target at or before the business date
 * moves nothing).
 */
export function assertNotAheadOfCalendar(current: string, target: string, options: CloseOptions = {}): void {
  if (options.allowAhead || target <= current) return
  const today = options.today ?? todayInVietnam()
  if (target > today) {
    throw new DomainError(
      'CLOSE_AHEAD_OF_CALENDAR',
      `Closing up to ${target} would move the business date past today's date in Vietnam (${today}); days are ` +
        `closed once they have ended`,
      { today, businessDate: current },
    )
  }
}

/**
 * Closes days one at a time until the business date is `target`. Re-running is a no-op.
 * `hooks`: the application's set (`app.commands.hooks`); `dayClosed` runs at the end of each day.
 * Errors: CLOSE_IN_PROGRESS (another close is running), CLOSE_AHEAD_OF_CALENDAR.
 */
export async function closeBusinessDays(
  sqlite: Database.Database,
  hooks: Hooks,
  target: string,
  userId: number,
  requestId = 'close',
  options: CloseOptions = {},
): Promise<CloseResult> {
  if (running) throw new DomainError('CLOSE_IN_PROGRESS', 'A daily close is already running')
  const current = makeBusinessDateReader(sqlite)
  assertNotAheadOfCalendar(current(), target, options)
  running = true
  try {
    const s = closeQueries(sqlite)
    const previousDate = current()
    let instalmentsNowOverdue = 0
    let loansReclassified = 0
    let daysClosed = 0
    while (current() < target) {
      const day = current()
      const next = addDays(day, 1)
      s.start.run(day, new Date().toISOString())
      const run = s.run.get(day)!
      const maxLoan = s.maxLoan.get()!
      // Resume after the last finished chunk of a crashed run.
      for (let from = run.processed; from < maxLoan; from += CLOSE_CHUNK_LOANS) {
        const to = Math.min(from + CLOSE_CHUNK_LOANS, maxLoan)
        sqlite
          .transaction(() => {
            for (const loanId of s.candidates.all({ day, from, to })) {
              const row = loadLoanRow(sqlite, loanId)
              const before = row.classification
              const state = loanState(sqlite, row, next)
              instalmentsNowOverdue += state.instalments.filter((i) => i.overdueSince === next).length
              writeProjection(sqlite, loanId, state, storedProjection(sqlite, loanId), false)
              if (state.classification !== before) loansReclassified++
            }
            s.progress.run(to, day)
          })
          .immediate()
        // Let queued commands (repayments at the counter) run between chunks.
        await new Promise((resolve) => setImmediate(resolve))
      }
      sqlite
        .transaction(() => {
          hooks.dayClosed(sqlite, day, next)
          s.finish.run(new Date().toISOString(), day)
          setBusinessDate(sqlite, next)
          s.audit.run(
            new Date().toISOString(),
            userId,
            'business_date.close',
            'business_date',
            day,
            JSON.stringify({ date: day }),
            JSON.stringify({ date: next }),
            requestId,
          )
        })
        .immediate()
      daysClosed++
    }
    return { previousDate, ...businessDateView(sqlite), daysClosed, instalmentsNowOverdue, loansReclassified }
  } finally {
    running = false
  }
}
