-- 0010_loan_controls: cancellation of undisbursed loans, write-off proposals (four eyes), and the
-- indexes the loan and application list filters use. Recoveries are loan_transactions of kind
-- 'recovery' (no schema change: the kind column has no CHECK).
CREATE TABLE `loan_cancellations` (
  `loan_id` integer PRIMARY KEY NOT NULL REFERENCES `loans`(`id`),
  `cancelled_on` text NOT NULL,
  `reason` text NOT NULL,
  `cancelled_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER loan_cancellations_no_update BEFORE UPDATE ON loan_cancellations
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER loan_cancellations_no_delete BEFORE DELETE ON loan_cancellations
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TABLE `write_off_proposals` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `loan_id` integer NOT NULL REFERENCES `loans`(`id`),
  `branch_id` integer NOT NULL REFERENCES `branches`(`id`),
  `status` text NOT NULL,
  `decision_no` text NOT NULL,
  `cause` text NOT NULL,
  `cause_detail` text,
  `value_date` text NOT NULL,
  `principal` integer NOT NULL,
  `interest` integer NOT NULL,
  `proposed_by` integer NOT NULL,
  `proposed_on` text NOT NULL,
  `decided_by` integer,
  `decided_on` text,
  `rejection_reason` text,
  `loan_transaction_id` integer,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  `updated_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `write_off_proposals_one_pending` ON `write_off_proposals` (`loan_id`) WHERE status = 'pending_approval';
--> statement-breakpoint
CREATE INDEX `write_off_proposals_loan` ON `write_off_proposals` (`loan_id`);
--> statement-breakpoint
CREATE INDEX `write_off_proposals_status` ON `write_off_proposals` (`status`,`branch_id`);
--> statement-breakpoint
CREATE INDEX `loans_transaction_point` ON `loans` (`transaction_point_id`,`state`);
--> statement-breakpoint
CREATE INDEX `loans_programme` ON `loans` (`programme_code`,`state`);
--> statement-breakpoint
CREATE INDEX `applications_partner` ON `applications` (`partner_id`,`status`);
--> statement-breakpoint
CREATE INDEX `applications_branch` ON `applications` (`branch_id`,`status`);
