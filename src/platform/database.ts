/**
 * The SQLite connection: WAL + synchronous=FULL so an acknowledged payment
 * survives power loss; foreign keys on; a busy timeout so a second process
 * (CLI backup, close-day) waits instead of failing at once.
 */
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as schema from '../db/schema.js'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
export interface Database_ {
  sqlite: Database.Database
  db: Db
}

/** db/migrations, found from this file both in src/ (tsx) and in dist/ (built). */
export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'migrations')

/** SQLite page cache per connection (default 2 MiB): repayments touch random loans, and each page
 * missing from the cache is a read system call inside the write transaction. */
export const WRITER_CACHE_MIB = 32

export function openDatabase(file: string, options: { migrate?: boolean; cacheMiB?: number } = {}): Database_ {
  if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true })
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma(`cache_size = ${-1024 * (options.cacheMiB ?? WRITER_CACHE_MIB)}`)
  // Savepoint (statement) journals in memory: every command runs in a savepoint of its batch,
  // and a journal in a temporary file costs write system calls for each page it first touches.
  sqlite.pragma('temp_store = MEMORY')
  const db = drizzle(sqlite, { schema })
  if (options.migrate !== false) runMigrations(sqlite, MIGRATIONS_FOLDER)
  return { sqlite, db }
}

/**
 * Applies the pending migrations with foreign keys off (a table rebuild — create, copy, drop, rename — must not
 * check references half-way; SQLite ignores the pragma inside the migrations' transaction, so it is set around
 * it), then checks every reference and turns foreign keys back on. A migration that breaks a reference fails
 * the start instead of leaving a database with a dangling id.
 */
export function runMigrations(sqlite: Database.Database, migrationsFolder: string): void {
  sqlite.pragma('foreign_keys = OFF')
  try {
    migrate(drizzle(sqlite, { schema }), { migrationsFolder })
    const broken = sqlite.pragma('foreign_key_check') as unknown[]
    if (broken.length > 0)
      throw new Error(`Migrations left ${broken.length} broken reference(s): ${JSON.stringify(broken[0])}`)
  } finally {
    sqlite.pragma('foreign_keys = ON')
  }
}

/** Number of migrations in the folder that are recorded as applied (for /ready). */
export function migrationsApplied(sqlite: Database.Database): boolean {
  try {
    const row = sqlite.prepare('SELECT COUNT(*) AS n FROM __drizzle_migrations').get() as { n: number }
    return row.n > 0
  } catch {
    return false
  }
}

/**
 * `make(sqlite)` run once per connection and remembered: a module's prepared statements
 * (`const queries = perConnection((db) => ({ … db.prepare(…) … }))`, then `queries(sqlite).byId.get(id)`).
 */
export function perConnection<T>(make: (sqlite: Database.Database) => T): (sqlite: Database.Database) => T {
  const made = new WeakMap<Database.Database, T>()
  return (sqlite) => {
    let value = made.get(sqlite)
    if (value === undefined) {
      value = make(sqlite)
      made.set(sqlite, value)
    }
    return value
  }
}

const statementCache = new WeakMap<Database.Database, Map<string, Database.Statement>>()
/** A prepared statement, prepared once per connection: hot paths must not re-prepare SQL per request. */
export function statement(sqlite: Database.Database, sql: string): Database.Statement {
  let cache = statementCache.get(sqlite)
  if (!cache) {
    cache = new Map()
    statementCache.set(sqlite, cache)
  }
  let stmt = cache.get(sql)
  if (!stmt) {
    stmt = sqlite.prepare(sql)
    cache.set(sql, stmt)
  }
  return stmt
}
