/**
 * The audit trail as read back (GET /v1/audit): newest first, each filter optional; user and entity
 * have indexes. The cursor is the last id seen. Rows are written by the command bus (`ctx.audit`).
 */
import type Database from 'better-sqlite3'
import { addDays } from '../../domain/dates.js'

export interface AuditFilters {
  userId?: number
  entity?: string
  id?: string
  action?: string
  /** First UTC day, inclusive (YYYY-MM-DD) */
  from?: string
  /** Last UTC day, inclusive (YYYY-MM-DD) */
  to?: string
}

interface AuditRow {
  id: number
  at: string
  userId: number
  action: string
  entity: string
  entityId: string
  before: string | null
  after: string | null
  requestId: string | null
}

export function makeAuditTrail(sqlite: Database.Database) {
  const stmt = sqlite.prepare(`SELECT id, at, user_id AS userId, action, entity, entity_id AS entityId, before,
    after,
      request_id AS requestId
    FROM audit_log
    WHERE (@entity IS NULL OR entity = @entity) AND (@entityId IS NULL OR entity_id = @entityId)
      AND (@userId IS NULL OR user_id = @userId) AND (@action IS NULL OR action = @action)
      AND (@from IS NULL OR at >= @from) AND (@toExclusive IS NULL OR at < @toExclusive)
      AND (@before IS NULL OR id < @before)
    ORDER BY id DESC LIMIT @limit`)
  /** At most `limit` entries older than `before` (an id), matching the filters; before/after summaries parsed. */
  return (q: AuditFilters, before: number | null, limit: number) => {
    const rows = stmt.all({
      entity: q.entity ?? null,
      entityId: q.id ?? null,
      userId: q.userId ?? null,
      action: q.action ?? null,
      from: q.from ?? null,
      toExclusive: q.to ? addDays(q.to, 1) : null,
      before,
      limit,
    }) as AuditRow[]
    return rows.map((r) => ({
      ...r,
      before: r.before ? (JSON.parse(r.before) as unknown) : null,
      after: r.after ? (JSON.parse(r.after) as unknown) : null,
    }))
  }
}
