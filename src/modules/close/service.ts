/**
 * The daily close (RULES.md §10). Closing day D, for every active loan: the
 * instalments whose effective due date is D and that are not fully paid become
 * overdue (overdue_since = D + 1); each touched loan's overdue principal and
 * classification are refreshed; listeners (the support rule) run; the business
 * date moves to D + 1. Interest itself is exact at any moment by replay, so the
 * close does not post accruals.
 *
 * Set-based SQL in chunks of loan ids (bounded transactions so other writers
 * are not blocked for long); a close_runs row per day records progress, so a
 * crashed run resumes at the next chunk and a finished day is never redone:
 * closing the same day twice changes nothing.
 */
import type Database from 'better-sqlite3'
import { addDays } from '../../domain/dates.js'
import { DomainError } from '../../platform/errors.js'
import { setBusinessDate, makeBusinessDateReader } from '../../platform/business-date.js'

export const CLOSE_CHUNK_LOANS = 20_000

export type DayClosedListener = (sqlite: Database.Database, closedDay: string, nextDay: string) => void
/** Capabilities that act at the end of a day (e.g. the support rule's window expiry) register here. */
export const dayClosedListeners: DayClosedListener[] = []

let running = false

export interface CloseResult { previousDate: string; businessDate: string; daysClosed: number; instalmentsNowOverdue: number; loansReclassified: number }

function prepare(sqlite: Database.Database) {
  return {
    run: sqlite.prepare('SELECT status, loans_processed AS processed FROM close_runs WHERE date = ?'),
    start: sqlite.prepare("INSERT INTO close_runs (date, status, loans_processed, started_at) VALUES (?, 'running', 0, ?) ON CONFLICT(date) DO NOTHING"),
    progress: sqlite.prepare('UPDATE close_runs SET loans_processed = ? WHERE date = ?'),
    finish: sqlite.prepare("UPDATE close_runs SET status = 'done', finished_at = ? WHERE date = ?"),
    maxLoan: sqlite.prepare('SELECT COALESCE(MAX(id), 0) FROM loans').pluck(),
    markOverdue: sqlite.prepare(`UPDATE instalments SET overdue_since = @next
      WHERE effective_due_date = @day AND paid_off_on IS NULL AND overdue_since IS NULL AND loan_id > @from AND loan_id <= @to
        AND loan_id IN (SELECT id FROM loans WHERE state = 'active' AND id > @from AND id <= @to)`),
    refreshLoans: sqlite.prepare(`UPDATE loans SET
        overdue_principal = (SELECT COALESCE(SUM(i.principal_due - i.principal_paid), 0) FROM instalments i
          WHERE i.loan_id = loans.id AND i.effective_due_date <= @day AND i.paid_off_on IS NULL),
        classification = CASE
          WHEN EXISTS (SELECT 1 FROM instalments i WHERE i.loan_id = loans.id AND i.effective_due_date <= @day AND i.paid_off_on IS NULL) THEN 'overdue'
          ELSE classification END,
        projected_as_of = @next
      WHERE state = 'active' AND id > @from AND id <= @to
        AND id IN (SELECT loan_id FROM instalments WHERE effective_due_date = @day AND overdue_since = @next AND loan_id > @from AND loan_id <= @to)`),
    audit: sqlite.prepare('INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
  }
}

/** Closes days one at a time until the business date is `target`. Re-running is a no-op. */
export async function closeBusinessDays(sqlite: Database.Database, target: string, userId: number, requestId = 'close'): Promise<CloseResult> {
  if (running) throw new DomainError('CLOSE_IN_PROGRESS', 'A daily close is already running')
  running = true
  try {
    const s = prepare(sqlite)
    const current = makeBusinessDateReader(sqlite)
    const previousDate = current()
    let instalmentsNowOverdue = 0
    let loansReclassified = 0
    let daysClosed = 0
    while (current() < target) {
      const day = current()
      const next = addDays(day, 1)
      s.start.run(day, new Date().toISOString())
      const run = s.run.get(day) as { status: string; processed: number }
      const maxLoan = s.maxLoan.get() as number
      // Resume after the last finished chunk of a crashed run.
      for (let from = run.processed; from < maxLoan; from += CLOSE_CHUNK_LOANS) {
        const to = Math.min(from + CLOSE_CHUNK_LOANS, maxLoan)
        sqlite.transaction(() => {
          instalmentsNowOverdue += s.markOverdue.run({ day, next, from, to }).changes
          loansReclassified += s.refreshLoans.run({ day, next, from, to }).changes
          s.progress.run(to, day)
        }).immediate()
        // Let queued commands (repayments at the counter) run between chunks.
        await new Promise((resolve) => setImmediate(resolve))
      }
      sqlite.transaction(() => {
        for (const listener of dayClosedListeners) listener(sqlite, day, next)
        s.finish.run(new Date().toISOString(), day)
        setBusinessDate(sqlite, next)
        s.audit.run(new Date().toISOString(), userId, 'business_date.close', 'business_date', day, JSON.stringify({ date: day }), JSON.stringify({ date: next }), requestId)
      }).immediate()
      daysClosed++
    }
    return { previousDate, businessDate: current(), daysClosed, instalmentsNowOverdue, loansReclassified }
  } finally {
    running = false
  }
}
