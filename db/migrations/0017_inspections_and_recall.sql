-- 0017_inspections_and_recall: inspections after disbursement with their outcomes (append-only records),
-- and recall proposals (four eyes). A recall itself is a loan_transactions row of kind 'recall'.
CREATE TABLE `inspections` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `loan_id` integer NOT NULL REFERENCES `loans`(`id`),
  `branch_id` integer NOT NULL REFERENCES `branches`(`id`),
  `partner_id` integer NOT NULL REFERENCES `partners`(`id`),
  `inspected_on` text NOT NULL,
  `inspector` text NOT NULL,
  `finding` text NOT NULL CHECK (`finding` IN ('as_intended', 'partly', 'misused')),
  `evidence` text NOT NULL,
  `recorded_by` integer NOT NULL,
  `recorded_on` text NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inspections_loan` ON `inspections` (`loan_id`,`inspected_on`);
--> statement-breakpoint
CREATE INDEX `inspections_branch` ON `inspections` (`branch_id`,`inspected_on`);
--> statement-breakpoint
CREATE INDEX `inspections_partner` ON `inspections` (`partner_id`,`inspected_on`);
--> statement-breakpoint
CREATE INDEX `inspections_date` ON `inspections` (`inspected_on`);
--> statement-breakpoint
CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TABLE `inspection_outcomes` (
  `inspection_id` integer NOT NULL REFERENCES `inspections`(`id`),
  `outcome` text NOT NULL,
  `quantity` integer NOT NULL CHECK (`quantity` >= 0),
  PRIMARY KEY(`inspection_id`, `outcome`)
);
--> statement-breakpoint
CREATE TRIGGER inspection_outcomes_no_update BEFORE UPDATE ON inspection_outcomes
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER inspection_outcomes_no_delete BEFORE DELETE ON inspection_outcomes
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TABLE `recall_proposals` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `loan_id` integer NOT NULL REFERENCES `loans`(`id`),
  `branch_id` integer NOT NULL REFERENCES `branches`(`id`),
  `inspection_id` integer NOT NULL REFERENCES `inspections`(`id`),
  `status` text NOT NULL,
  `reason` text NOT NULL,
  `proposed_by` integer NOT NULL,
  `proposed_on` text NOT NULL,
  `decision_no` text,
  `value_date` text,
  `decided_by` integer,
  `decided_on` text,
  `rejection_reason` text,
  `loan_transaction_id` integer,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  `updated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recall_proposals_one_pending` ON `recall_proposals` (`loan_id`) WHERE status = 'pending_approval';
--> statement-breakpoint
CREATE INDEX `recall_proposals_loan` ON `recall_proposals` (`loan_id`);
--> statement-breakpoint
CREATE INDEX `recall_proposals_status` ON `recall_proposals` (`status`,`branch_id`);
