/**
 * The organisation tree (docs/rules.md §20), migration 0020. Offices: head office → province → district (a
 * branch, `branches.office_id`, is the district level); `office_paths` is the tree's closure, kept by the service
 * (every ancestor of every office, itself at depth 0), so a subtree is one indexed look-up. Places: communes (each
 * served by one district office; its transaction point has `transaction_points.place_id`) and their villages
 * (`groups.place_id`).
 */
import { sqliteTable, integer, text, index, primaryKey, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { sql } from 'drizzle-orm'

export const OFFICE_LEVELS = ['head_office', 'province', 'district'] as const
export const PLACE_KINDS = ['commune', 'village'] as const

const createdAt = () =>
  text('created_at')
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`)

export const offices = sqliteTable(
  'offices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level', { enum: OFFICE_LEVELS }).notNull(),
    /** null for the head office only */
    parentId: integer('parent_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('offices_code_unique').on(t.code), index('offices_parent').on(t.parentId)],
)

export const officePaths = sqliteTable(
  'office_paths',
  {
    ancestorId: integer('ancestor_id')
      .notNull()
      .references(() => offices.id),
    descendantId: integer('descendant_id')
      .notNull()
      .references(() => offices.id),
    depth: integer('depth').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ancestorId, t.descendantId] }), index('office_paths_descendant').on(t.descendantId)],
)

export const places = sqliteTable(
  'places',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: PLACE_KINDS }).notNull(),
    /** a village's commune; null for a commune */
    parentId: integer('parent_id'),
    /** the district office that serves the commune (for a village: its commune's) */
    officeId: integer('office_id')
      .notNull()
      .references(() => offices.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('places_code_unique').on(t.code),
    index('places_office').on(t.officeId),
    index('places_parent').on(t.parentId),
  ],
)
