/**
 * Invariants of the organisation tree (docs/rules.md §20), run by the verifier (src/modules/ledger/verify.ts):
 *  - organisation_tree: the offices obey the level rule (src/domain/organisation-tree.ts: one head office, each
 *    level under the one above, no cycle); office_paths is exactly the closure of the parent links; every branch
 *    is a district office and every district office one branch; every commune is served by a district office and
 *    every village by its commune's office; every transaction point serves a commune of its branch's office and
 *    every group meets in a village of its point's commune.
 */
import type Database from 'better-sqlite3'
import type { InvariantFailure } from '../ledger/verify.js'
import { treeProblems, type TreeNode } from '../../domain/organisation-tree.js'

const invariant = 'organisation_tree'

/** Rows that break a rule, as `detail` strings (at most 5 per rule). */
const CHECKS: [rule: string, sql: string][] = [
  [
    'office_paths is not the closure of the parent links',
    `WITH RECURSIVE closure(a, d, depth) AS (
        SELECT id, id, 0 FROM offices
        UNION ALL SELECT o.parent_id, c.d, c.depth + 1 FROM closure c JOIN offices o ON o.id = c.a
          WHERE o.parent_id IS NOT NULL AND c.depth < 10)
      SELECT 'missing ' || a || '→' || d || ' at ' || depth FROM (
        SELECT a, d, depth FROM closure EXCEPT SELECT ancestor_id, descendant_id, depth FROM office_paths)
      UNION ALL
      SELECT 'extra ' || a || '→' || d || ' at ' || depth FROM (
        SELECT ancestor_id AS a, descendant_id AS d, depth FROM office_paths EXCEPT SELECT a, d, depth FROM closure)
      LIMIT 5`,
  ],
  [
    'a branch is not one district office',
    `SELECT 'branch ' || b.id FROM branches b LEFT JOIN offices o ON o.id = b.office_id
      WHERE o.id IS NULL OR o.level <> 'district'
      UNION ALL SELECT 'district office ' || o.id || ' without a branch' FROM offices o
        WHERE o.level = 'district' AND NOT EXISTS (SELECT 1 FROM branches b WHERE b.office_id = o.id)
      LIMIT 5`,
  ],
  [
    'a place is not served by the right office',
    `SELECT 'commune ' || p.id FROM places p JOIN offices o ON o.id = p.office_id
        WHERE p.kind = 'commune' AND (o.level <> 'district' OR p.parent_id IS NOT NULL)
      UNION ALL SELECT 'village ' || v.id FROM places v LEFT JOIN places c ON c.id = v.parent_id
        WHERE v.kind = 'village' AND (c.id IS NULL OR c.kind <> 'commune' OR c.office_id <> v.office_id)
      LIMIT 5`,
  ],
  [
    "a transaction point does not serve a commune of its branch's office",
    `SELECT 'transaction point ' || tp.id FROM transaction_points tp JOIN branches b ON b.id = tp.branch_id
        LEFT JOIN places p ON p.id = tp.place_id
      WHERE p.id IS NULL OR p.kind <> 'commune' OR p.office_id IS NOT b.office_id LIMIT 5`,
  ],
  [
    "a group does not meet in a village of its point's commune",
    `SELECT 'group ' || g.id FROM groups g JOIN transaction_points tp ON tp.id = g.transaction_point_id
        LEFT JOIN places v ON v.id = g.place_id
      WHERE v.id IS NULL OR v.kind <> 'village' OR v.parent_id IS NOT tp.place_id LIMIT 5`,
  ],
]

export function verifyTree(sqlite: Database.Database, failures: InvariantFailure[]): void {
  const offices = sqlite.prepare('SELECT id, level, parent_id AS parentId FROM offices ORDER BY id').all() as TreeNode[]
  for (const p of treeProblems(offices).slice(0, 5))
    failures.push({ invariant, detail: `office ${p.nodeId}: ${p.code} (${p.detail})` })
  for (const [rule, sql] of CHECKS)
    for (const row of sqlite.prepare(sql).pluck().all() as string[])
      failures.push({ invariant, detail: `${rule}: ${row}` })
}
