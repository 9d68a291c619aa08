-- 0009_savings_accounts: members' savings accounts (one per household), their append-only movements,
-- withdrawals awaiting a second person's approval, and the approval threshold as data.
CREATE TABLE `savings_settings` (
  `id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
  `withdrawal_approval_threshold` integer NOT NULL CHECK (`withdrawal_approval_threshold` >= 0),
  `updated_by` integer,
  `updated_at` text
);
--> statement-breakpoint
INSERT INTO `savings_settings` (`id`, `withdrawal_approval_threshold`) VALUES (1, 2000000);
--> statement-breakpoint
CREATE TABLE `savings_accounts` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `household_id` integer NOT NULL REFERENCES `households`(`id`),
  `transaction_point_id` integer NOT NULL REFERENCES `transaction_points`(`id`),
  `funding_source` text DEFAULT 'central' NOT NULL,
  `monthly_commitment` integer DEFAULT 0 NOT NULL CHECK (`monthly_commitment` >= 0),
  `status` text DEFAULT 'open' NOT NULL CHECK (`status` IN ('open', 'closed')),
  `opened_on` text NOT NULL,
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  `updated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `savings_accounts_household` ON `savings_accounts` (`household_id`);
--> statement-breakpoint
CREATE INDEX `savings_accounts_point` ON `savings_accounts` (`transaction_point_id`);
--> statement-breakpoint
CREATE TABLE `savings_withdrawals` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `account_id` integer NOT NULL REFERENCES `savings_accounts`(`id`),
  `amount` integer NOT NULL CHECK (`amount` > 0),
  `value_date` text NOT NULL,
  `reference` text,
  `status` text NOT NULL CHECK (`status` IN ('pending_approval', 'paid', 'rejected')),
  `proposed_by` integer NOT NULL,
  `decided_by` integer,
  `decided_on` text,
  `rejection_reason` text,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  `updated_at` text
);
--> statement-breakpoint
CREATE INDEX `savings_withdrawals_account` ON `savings_withdrawals` (`account_id`, `status`);
--> statement-breakpoint
CREATE TABLE `savings_transactions` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `account_id` integer NOT NULL REFERENCES `savings_accounts`(`id`),
  `kind` text NOT NULL CHECK (`kind` IN ('deposit', 'withdrawal')),
  `amount` integer NOT NULL CHECK (`amount` > 0),
  `value_date` text NOT NULL,
  `posted_on` text NOT NULL,
  `transaction_point_id` integer NOT NULL REFERENCES `transaction_points`(`id`),
  `collection_session_id` integer REFERENCES `collection_sessions`(`id`),
  `withdrawal_id` integer REFERENCES `savings_withdrawals`(`id`),
  `journal_entry_id` integer,
  `reference` text,
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `savings_transactions_account` ON `savings_transactions` (`account_id`, `value_date`);
--> statement-breakpoint
CREATE INDEX `savings_transactions_point_date` ON `savings_transactions` (`transaction_point_id`, `value_date`);
--> statement-breakpoint
CREATE INDEX `savings_transactions_session` ON `savings_transactions` (`collection_session_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `savings_transactions_withdrawal` ON `savings_transactions` (`withdrawal_id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `savings_transactions_entry` ON `savings_transactions` (`journal_entry_id`);
--> statement-breakpoint
CREATE TRIGGER savings_transactions_no_update BEFORE UPDATE ON savings_transactions
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER savings_transactions_no_delete BEFORE DELETE ON savings_transactions
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER savings_deposits_no_update BEFORE UPDATE ON savings_deposits
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER savings_deposits_no_delete BEFORE DELETE ON savings_deposits
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
-- Existing session savings: an account per household that saved (at its group's point), each deposit
-- copied as a deposit movement linked to the journal entry the session posted for it.
INSERT INTO `savings_accounts` (`household_id`, `transaction_point_id`, `funding_source`, `monthly_commitment`, `status`, `opened_on`, `created_by`)
SELECT d.household_id, g.transaction_point_id, 'central', 0, 'open', MIN(d.value_date), 0
FROM savings_deposits d JOIN households h ON h.id = d.household_id JOIN groups g ON g.id = h.group_id
GROUP BY d.household_id, g.transaction_point_id ORDER BY d.household_id;
--> statement-breakpoint
INSERT INTO `savings_transactions` (`account_id`, `kind`, `amount`, `value_date`, `posted_on`, `transaction_point_id`, `collection_session_id`, `journal_entry_id`, `reference`, `created_by`, `created_at`)
SELECT a.id, 'deposit', d.amount, d.value_date, COALESCE(je.posted_on, d.value_date), cs.transaction_point_id, d.collection_session_id, je.id,
  'session ' || d.collection_session_id, cs.created_by, d.created_at
FROM savings_deposits d
JOIN savings_accounts a ON a.household_id = d.household_id
JOIN collection_sessions cs ON cs.id = d.collection_session_id
LEFT JOIN journal_entries je ON je.kind = 'savings_deposit' AND je.description = 'Savings of loan ' || d.loan_id || '''s household, session ' || d.collection_session_id
ORDER BY d.id;
--> statement-breakpoint
-- Members' savings are held under the central fund. Session savings of local-budget loans were posted
-- under that fund: one balanced entry moves the liability and the cash that backs it to central.
INSERT INTO journal_lines (entry_id, account, funding_source, debit, credit, loan_id)
SELECT n.id, x.account, x.fund, x.debit, x.credit, NULL
FROM (SELECT COALESCE(MAX(id), 0) + 1 AS id FROM journal_entries) n,
  (SELECT 'savings_deposits' AS account, funding_source AS fund, SUM(credit) - SUM(debit) AS debit, 0 AS credit, 1 AS ord
     FROM journal_lines WHERE account = 'savings_deposits' AND funding_source <> 'central' GROUP BY funding_source HAVING SUM(credit) - SUM(debit) > 0
   UNION ALL
   SELECT 'cash_at_transaction_point', funding_source, 0, SUM(credit) - SUM(debit), 2
     FROM journal_lines WHERE account = 'savings_deposits' AND funding_source <> 'central' GROUP BY funding_source HAVING SUM(credit) - SUM(debit) > 0
   UNION ALL
   SELECT 'cash_at_transaction_point', 'central', SUM(net), 0, 3
     FROM (SELECT SUM(credit) - SUM(debit) AS net FROM journal_lines WHERE account = 'savings_deposits' AND funding_source <> 'central' GROUP BY funding_source HAVING SUM(credit) - SUM(debit) > 0)
     HAVING COUNT(*) > 0
   UNION ALL
   SELECT 'savings_deposits', 'central', 0, SUM(net), 4
     FROM (SELECT SUM(credit) - SUM(debit) AS net FROM journal_lines WHERE account = 'savings_deposits' AND funding_source <> 'central' GROUP BY funding_source HAVING SUM(credit) - SUM(debit) > 0)
     HAVING COUNT(*) > 0) x
ORDER BY x.ord, x.fund;
--> statement-breakpoint
INSERT INTO journal_entries (id, kind, value_date, posted_on, description)
SELECT l.entry_id, 'savings_transfer',
  COALESCE((SELECT date FROM business_date WHERE id = 1), (SELECT MAX(value_date) FROM savings_deposits)),
  COALESCE((SELECT date FROM business_date WHERE id = 1), (SELECT MAX(value_date) FROM savings_deposits)),
  'Members'' savings posted under a loan''s local-budget fund moved to the central fund (savings accounts)'
FROM journal_lines l WHERE l.entry_id = (SELECT COALESCE(MAX(id), 0) + 1 FROM journal_entries) LIMIT 1;
