-- 0014_funding_sources: funding sources with capital (docs/rules.md §12).
-- 1. The sources; the two every deployment had before are seeded with the codes its rows already carry. They are not
-- capital-controlled until their first capital receipt (capital_since stays null).
CREATE TABLE `funding_sources` (
  `code` text PRIMARY KEY NOT NULL,
  `name` text NOT NULL,
  `kind` text NOT NULL CHECK (`kind` IN ('central', 'local')),
  `region` text,
  `branch_id` integer REFERENCES `branches`(`id`),
  `capital_since` text,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
INSERT INTO `funding_sources` (`code`, `name`, `kind`, `region`) VALUES
  ('central', 'Nguồn vốn trung ương', 'central', NULL),
  ('local_budget', 'Nguồn vốn ngân sách địa phương ủy thác (Đà Nẵng)', 'local', 'Đà Nẵng');
--> statement-breakpoint
-- 2. Capital received by a source (append-only, one journal entry each).
CREATE TABLE `capital_receipts` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `funding_source` text NOT NULL REFERENCES `funding_sources`(`code`),
  `amount` integer NOT NULL CHECK (`amount` > 0),
  `value_date` text NOT NULL,
  `decision_no` text NOT NULL,
  `note` text,
  `journal_entry_id` integer NOT NULL REFERENCES `journal_entries`(`id`),
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `capital_receipts_source` ON `capital_receipts` (`funding_source`,`value_date`);
--> statement-breakpoint
CREATE TRIGGER capital_receipts_no_update BEFORE UPDATE ON capital_receipts
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER capital_receipts_no_delete BEFORE DELETE ON capital_receipts
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
-- 3. A local policy names the source of its loans (every policy so far was funded by the local budget).
ALTER TABLE `local_policies` ADD `funding_source` text DEFAULT 'local_budget' NOT NULL;
--> statement-breakpoint
-- 4. A disbursement is now funded by the branch's cash of the loan's source (Cr cash_at_branch, no longer
-- Cr cash_at_transaction_point). Loans disbursed before get one entry (append-only: nothing is edited) that moves
-- their live disbursements to the new targets: Dr cash_at_transaction_point / Cr cash_at_branch, per loan and source.
-- The lines come first and the header last (the ledger guards of migration 0001).
INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id)
SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM journal_entries), k.account, l.funding_source,
  CASE k.dr WHEN 1 THEN d.amount ELSE 0 END, CASE k.dr WHEN 1 THEN 0 ELSE d.amount END, l.id
FROM loans l
JOIN (SELECT t.loan_id, SUM(t.amount) AS amount FROM loan_transactions t
      WHERE t.kind = 'disbursement' AND NOT EXISTS (SELECT 1 FROM loan_transactions r WHERE r.reverses_id = t.id)
      GROUP BY t.loan_id) d ON d.loan_id = l.id
JOIN (SELECT 'cash_at_transaction_point' AS account, 1 AS dr UNION ALL SELECT 'cash_at_branch', 0) k
WHERE d.amount > 0
ORDER BY l.id, k.dr DESC;
--> statement-breakpoint
INSERT INTO journal_entries (id, kind, value_date, posted_on, description)
SELECT e.id, 'funding_reclassification', b.date, b.date,
  'Disbursements funded by the branch cash of their source (migration 0014, docs/rules.md §12)'
FROM (SELECT COALESCE(MAX(id), 0) + 1 AS id FROM journal_entries) e
JOIN (SELECT COALESCE((SELECT date FROM business_date ORDER BY id LIMIT 1), date('now')) AS date) b
WHERE EXISTS (SELECT 1 FROM journal_lines WHERE entry_id = e.id);
