/**
 * The service's business date (docs/rules.md §10): a stored 'YYYY-MM-DD' moved
 * only by the daily close, never by the wall clock (except to start a new database).
 */
import type Database from 'better-sqlite3'
import { todayInVietnam } from '../domain/dates.js'

export function ensureBusinessDate(sqlite: Database.Database, initial?: string): string {
  const row = sqlite.prepare('SELECT date FROM business_date WHERE id = 1').get() as { date: string } | undefined
  if (row) return row.date
  const date = initial ?? todayInVietnam()
  sqlite
    .prepare('INSERT INTO business_date (id, date, updated_at) VALUES (1, ?, ?)')
    .run(date, new Date().toISOString())
  return date
}

export function makeBusinessDateReader(sqlite: Database.Database): () => string {
  const stmt = sqlite.prepare('SELECT date FROM business_date WHERE id = 1').pluck()
  return () => stmt.get() as string
}

/** Moves the business date forward only: two closes racing from two processes can never move it back. */
export function setBusinessDate(sqlite: Database.Database, date: string): void {
  sqlite
    .prepare('UPDATE business_date SET date = ?, updated_at = ? WHERE id = 1 AND date < ?')
    .run(date, new Date().toISOString(), date)
}

/**
 * The shape both GET /v1/business-date and the close answer: the date the
 * service operates on, and the last day the daily close finished (null when
 * no day has been closed on this database yet). Normally lastClosedDate is the
 * day before businessDate.
 */
export interface BusinessDateView {
  businessDate: string
  lastClosedDate: string | null
}

export function businessDateView(sqlite: Database.Database): BusinessDateView {
  const businessDate = sqlite.prepare('SELECT date FROM business_date WHERE id = 1').pluck().get() as string
  const lastClosedDate = sqlite.prepare("SELECT MAX(date) FROM close_runs WHERE status = 'done'").pluck().get() as
    string | null
  return { businessDate, lastClosedDate }
}
