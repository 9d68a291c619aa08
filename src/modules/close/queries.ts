/**
 * The daily close's SQL: prepared once per connection, rows typed from the
 * drizzle schema. A close_runs row per day is its progress record: inserted
 * when the day's close starts, updated as chunks finish and once when the day
 * is done, never deleted (a finished day is never closed again). The close
 * writes its audit row itself: it runs outside a command (timer, CLI).
 */
import { perConnection } from '../../platform/database.js'
import type { closeRuns } from '../../db/schema.js'

export type CloseRunRow = Pick<typeof closeRuns.$inferSelect, 'status'> & {
  processed: (typeof closeRuns.$inferSelect)['loansProcessed']
}

/** The module's prepared statements for this connection. */
export const closeQueries = perConnection((sqlite) => ({
  run: sqlite.prepare<[string], CloseRunRow>(
    'SELECT status, loans_processed AS processed FROM close_runs WHERE date = ?',
  ),
  start: sqlite.prepare<[string, string]>(
    "INSERT INTO close_runs (date, status, loans_processed, started_at) VALUES (?, 'running', 0, ?) ON " +
      'CONFLICT(date) DO NOTHING',
  ),
  progress: sqlite.prepare<[number, string]>('UPDATE close_runs SET loans_processed = ? WHERE date = ?'),
  finish: sqlite.prepare<[string, string]>("UPDATE close_runs SET status = 'done', finished_at = ? WHERE date = ?"),
  maxLoan: sqlite.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM loans').pluck(),
  // Loans whose state can change at the end of this day: something falls due (original or extended date),
  // the next due date is today, or a freeze / extension window may end. Everything else is unchanged by a day
  // passing
  // (their interest is exact at any moment by replay and is shown by GET /v1/loans/{id}).
  // next_due_date is the earliest effective due date (≥ the projection date) of an instalment not yet paid off,
  // so every loan with something falling due on @day has next_due_date = @day (indexed with state).
  candidates: sqlite
    .prepare<[{ day: string; from: number; to: number }], number>(
      `SELECT id FROM loans WHERE state = 'active' AND next_due_date = @day AND id > @from AND id <= @to
      UNION SELECT id FROM loans WHERE state = 'active' AND classification IN ('frozen', 'extended') AND id
        > @from AND id <= @to
      ORDER BY id`,
    )
    .pluck(),
  audit: sqlite.prepare<[string, number, string, string, string, string, string, string]>(
    'INSERT INTO audit_log (at, user_id, action, entity, entity_id, before, after, request_id) VALUES (?, ' +
      '?, ?, ?, ?, ?, ?, ?)',
  ),
}))
