CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`salt` text NOT NULL,
	`hash` text NOT NULL,
	`label` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_keys_user` ON `api_keys` (`user_id`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`programme_code` text NOT NULL,
	`local_policy_code` text,
	`partner_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`partner_reference` text NOT NULL,
	`amount` integer NOT NULL,
	`term_months` integer NOT NULL,
	`every_months` integer NOT NULL,
	`grace_months` integer NOT NULL,
	`purpose` text NOT NULL,
	`application_date` text NOT NULL,
	`status` text NOT NULL,
	`submitted_by` integer NOT NULL,
	`certified_by` integer,
	`certification_decision_no` text,
	`certified_on` text,
	`decided_by` integer,
	`decided_on` text,
	`rejection_reason` text,
	`loan_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`programme_code`) REFERENCES `programmes`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`local_policy_code`) REFERENCES `local_policies`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `applications_partner_reference` ON `applications` (`partner_id`,`partner_reference`);--> statement-breakpoint
CREATE INDEX `applications_household` ON `applications` (`household_id`,`programme_code`);--> statement-breakpoint
CREATE INDEX `applications_status` ON `applications` (`status`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`user_id` integer,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `branches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`province` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `branches_code_unique` ON `branches` (`code`);--> statement-breakpoint
CREATE TABLE `business_date` (
	`id` integer PRIMARY KEY NOT NULL,
	`date` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`partner_id` integer NOT NULL,
	`transaction_point_id` integer NOT NULL,
	`village` text NOT NULL,
	`leader_name` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_point_id`) REFERENCES `transaction_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_code_unique` ON `groups` (`code`);--> statement-breakpoint
CREATE INDEX `groups_partner` ON `groups` (`partner_id`);--> statement-breakpoint
CREATE INDEX `groups_transaction_point` ON `groups` (`transaction_point_id`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`national_id` text NOT NULL,
	`head_name` text NOT NULL,
	`group_id` integer NOT NULL,
	`area` text NOT NULL,
	`commune` text NOT NULL,
	`village` text NOT NULL,
	`address` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `households_national_id_unique` ON `households` (`national_id`);--> statement-breakpoint
CREATE INDEX `households_group` ON `households` (`group_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` integer NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status_code` integer NOT NULL,
	`response_body` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`user_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `instalments` (
	`loan_id` integer NOT NULL,
	`number` integer NOT NULL,
	`due_date` text NOT NULL,
	`effective_due_date` text NOT NULL,
	`principal_planned` integer NOT NULL,
	`interest_planned` integer NOT NULL,
	`principal_due` integer NOT NULL,
	`principal_paid` integer DEFAULT 0 NOT NULL,
	`interest_charged` integer DEFAULT 0 NOT NULL,
	`interest_paid` integer DEFAULT 0 NOT NULL,
	`penalty_charged` integer DEFAULT 0 NOT NULL,
	`penalty_paid` integer DEFAULT 0 NOT NULL,
	`paid_off_on` text,
	`overdue_since` text,
	`extended` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`loan_id`, `number`),
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `instalments_due` ON `instalments` (`effective_due_date`);--> statement-breakpoint
CREATE TABLE `journal_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`value_date` text NOT NULL,
	`posted_on` text NOT NULL,
	`loan_transaction_id` integer,
	`support_payment_id` integer,
	`reconciliation_id` integer,
	`description` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `journal_entries_value` ON `journal_entries` (`value_date`);--> statement-breakpoint
CREATE INDEX `journal_entries_tx` ON `journal_entries` (`loan_transaction_id`);--> statement-breakpoint
CREATE TABLE `journal_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL,
	`account` text NOT NULL,
	`funding_source` text NOT NULL,
	`debit` integer DEFAULT 0 NOT NULL,
	`credit` integer DEFAULT 0 NOT NULL,
	`loan_id` integer
);
--> statement-breakpoint
CREATE INDEX `journal_lines_entry` ON `journal_lines` (`entry_id`);--> statement-breakpoint
CREATE INDEX `journal_lines_account` ON `journal_lines` (`account`,`funding_source`);--> statement-breakpoint
CREATE INDEX `journal_lines_loan` ON `journal_lines` (`loan_id`);--> statement-breakpoint
CREATE TABLE `loan_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`loan_id` integer NOT NULL,
	`kind` text NOT NULL,
	`value_date` text NOT NULL,
	`posted_on` text NOT NULL,
	`amount` integer NOT NULL,
	`reference` text,
	`reverses_id` integer,
	`collection_session_id` integer,
	`details` text,
	`created_by` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `loan_transactions_loan` ON `loan_transactions` (`loan_id`,`value_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `loan_transactions_reverses` ON `loan_transactions` (`reverses_id`);--> statement-breakpoint
CREATE INDEX `loan_transactions_posted` ON `loan_transactions` (`posted_on`);--> statement-breakpoint
CREATE TABLE `loans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`application_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`programme_code` text NOT NULL,
	`local_policy_code` text,
	`branch_id` integer NOT NULL,
	`partner_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`transaction_point_id` integer NOT NULL,
	`funding_source` text NOT NULL,
	`approved_amount` integer NOT NULL,
	`term_months` integer NOT NULL,
	`every_months` integer NOT NULL,
	`grace_months` integer NOT NULL,
	`session_day` integer NOT NULL,
	`overdue_rate_pct` integer NOT NULL,
	`rates` text NOT NULL,
	`approved_on` text NOT NULL,
	`approved_by` integer NOT NULL,
	`state` text NOT NULL,
	`classification` text NOT NULL,
	`first_disbursed_on` text,
	`disbursed_amount` integer DEFAULT 0 NOT NULL,
	`outstanding_principal` integer DEFAULT 0 NOT NULL,
	`overdue_principal` integer DEFAULT 0 NOT NULL,
	`overdue_interest` integer DEFAULT 0 NOT NULL,
	`interest_due` integer DEFAULT 0 NOT NULL,
	`next_due_date` text,
	`closed_on` text,
	`written_off_on` text,
	`projected_as_of` text,
	`version` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`application_id`) REFERENCES `applications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`programme_code`) REFERENCES `programmes`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`local_policy_code`) REFERENCES `local_policies`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_point_id`) REFERENCES `transaction_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `loans_application_id_unique` ON `loans` (`application_id`);--> statement-breakpoint
CREATE INDEX `loans_household` ON `loans` (`household_id`,`programme_code`);--> statement-breakpoint
CREATE INDEX `loans_branch` ON `loans` (`branch_id`,`state`);--> statement-breakpoint
CREATE INDEX `loans_partner` ON `loans` (`partner_id`,`state`);--> statement-breakpoint
CREATE INDEX `loans_group` ON `loans` (`group_id`);--> statement-breakpoint
CREATE INDEX `loans_state` ON `loans` (`state`,`next_due_date`);--> statement-breakpoint
CREATE TABLE `local_policies` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`branch_id` integer,
	`region` text NOT NULL,
	`programme_code` text NOT NULL,
	`borrower_rate_ppm` integer,
	`support_amount` integer,
	`support_requires_on_time` integer DEFAULT true NOT NULL,
	`support_requires_exit` integer DEFAULT true NOT NULL,
	`exit_window_months_after_closure` integer DEFAULT 12 NOT NULL,
	`budget` integer DEFAULT 0 NOT NULL,
	`effective_from` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`programme_code`) REFERENCES `programmes`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `partners` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`branch_id` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `partners_code_unique` ON `partners` (`code`);--> statement-breakpoint
CREATE INDEX `partners_branch` ON `partners` (`branch_id`);--> statement-breakpoint
CREATE TABLE `poverty_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`status` text NOT NULL,
	`effective_date` text NOT NULL,
	`decision_no` text NOT NULL,
	`source` text NOT NULL,
	`recorded_by` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `poverty_household` ON `poverty_records` (`household_id`,`effective_date`);--> statement-breakpoint
CREATE TABLE `programme_rates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`programme_code` text NOT NULL,
	`effective_from` text NOT NULL,
	`monthly_rate_ppm` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`programme_code`) REFERENCES `programmes`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `programme_rates_version` ON `programme_rates` (`programme_code`,`effective_from`);--> statement-breakpoint
CREATE TABLE `programmes` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`legal_basis` text NOT NULL,
	`eligible_statuses` text NOT NULL,
	`eligible_areas` text NOT NULL,
	`max_amount` integer NOT NULL,
	`max_term_months` integer NOT NULL,
	`overdue_rate_pct` integer DEFAULT 130 NOT NULL,
	`funding_source` text NOT NULL,
	`default_every_months` integer NOT NULL,
	`default_grace_months` integer NOT NULL,
	`escaped_window_months` integer,
	`collateral_threshold` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `transaction_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`branch_id` integer NOT NULL,
	`commune` text NOT NULL,
	`session_day` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transaction_points_code_unique` ON `transaction_points` (`code`);--> statement-breakpoint
CREATE INDEX `transaction_points_branch` ON `transaction_points` (`branch_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`branch_id` integer,
	`partner_id` integer,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
