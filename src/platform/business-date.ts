/**
 * The service's business date (RULES.md §10): a stored 'YYYY-MM-DD' moved
 * only by the daily close, never by the wall clock (except to start a new database).
 */
import type Database from 'better-sqlite3'
import { todayInVietnam } from '../domain/dates.js'

export function ensureBusinessDate(sqlite: Database.Database, initial?: string): string {
  const row = sqlite.prepare('SELECT date FROM business_date WHERE id = 1').get() as { date: string } | undefined
  if (row) return row.date
  const date = initial ?? todayInVietnam()
  sqlite.prepare('INSERT INTO business_date (id, date, updated_at) VALUES (1, ?, ?)').run(date, new Date().toISOString())
  return date
}

export function makeBusinessDateReader(sqlite: Database.Database): () => string {
  const stmt = sqlite.prepare('SELECT date FROM business_date WHERE id = 1').pluck()
  return () => stmt.get() as string
}

export function setBusinessDate(sqlite: Database.Database, date: string): void {
  sqlite.prepare('UPDATE business_date SET date = ?, updated_at = ? WHERE id = 1').run(date, new Date().toISOString())
}
