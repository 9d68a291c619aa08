CREATE TABLE `poverty_revocations` (
	`record_id` integer PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`revoked_by` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`record_id`) REFERENCES `poverty_records`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `support_evaluations` (
	`loan_id` integer PRIMARY KEY NOT NULL,
	`household_id` integer NOT NULL,
	`local_policy_code` text NOT NULL,
	`outcome` text NOT NULL,
	`reason` text,
	`evaluated_on` text NOT NULL,
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `support_evaluations_outcome` ON `support_evaluations` (`outcome`,`reason`);--> statement-breakpoint
CREATE TABLE `support_payments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`household_id` integer NOT NULL,
	`local_policy_code` text NOT NULL,
	`loan_id` integer NOT NULL,
	`branch_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`status` text NOT NULL,
	`evidence` text NOT NULL,
	`created_on` text NOT NULL,
	`approved_by` integer,
	`approved_on` text,
	`paid_by` integer,
	`paid_on` text,
	`pay_reference` text,
	`rejected_by` integer,
	`rejection_reason` text,
	`cancelled_on` text,
	`cancellation_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`local_policy_code`) REFERENCES `local_policies`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_payments_once` ON `support_payments` (`household_id`,`local_policy_code`);--> statement-breakpoint
CREATE INDEX `support_payments_status` ON `support_payments` (`status`);--> statement-breakpoint
CREATE INDEX `support_payments_loan` ON `support_payments` (`loan_id`);--> statement-breakpoint
CREATE TABLE `support_recoveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`support_payment_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`reason` text NOT NULL,
	`created_on` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`support_payment_id`) REFERENCES `support_payments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `support_recoveries_support_payment_id_unique` ON `support_recoveries` (`support_payment_id`);