CREATE TABLE `fee_rates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`partner_id` integer,
	`effective_from` text NOT NULL,
	`entrustment_fee_rate_ppm` integer NOT NULL,
	`group_commission_rate_ppm` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`partner_id`) REFERENCES `partners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `fee_rates_version` ON `fee_rates` (`partner_id`,`effective_from`);--> statement-breakpoint
CREATE TABLE `reconciliation_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reconciliation_id` integer NOT NULL,
	`loan_id` integer,
	`statement_amount` integer,
	`posted_amount` integer,
	`result` text NOT NULL,
	`reference` text,
	FOREIGN KEY (`reconciliation_id`) REFERENCES `reconciliations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reconciliation_lines_rec` ON `reconciliation_lines` (`reconciliation_id`);--> statement-breakpoint
CREATE TABLE `reconciliations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_point_id` integer NOT NULL,
	`date` text NOT NULL,
	`status` text NOT NULL,
	`statement_total` integer NOT NULL,
	`posted_total` integer NOT NULL,
	`suspense_amount` integer NOT NULL,
	`summary` text NOT NULL,
	`created_by` integer NOT NULL,
	`closed_by` integer,
	`closed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`transaction_point_id`) REFERENCES `transaction_points`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reconciliations_point_date` ON `reconciliations` (`transaction_point_id`,`date`);--> statement-breakpoint
CREATE TABLE `repayment_allocations` (
	`transaction_id` integer PRIMARY KEY NOT NULL,
	`loan_id` integer NOT NULL,
	`value_date` text NOT NULL,
	`amount` integer NOT NULL,
	`overdue_interest` integer NOT NULL,
	`overdue_principal` integer NOT NULL,
	`interest` integer NOT NULL,
	`principal` integer NOT NULL,
	`prepaid` integer NOT NULL,
	`collection_session_id` integer
);
--> statement-breakpoint
CREATE INDEX `repayment_allocations_loan` ON `repayment_allocations` (`loan_id`);--> statement-breakpoint
CREATE INDEX `repayment_allocations_date` ON `repayment_allocations` (`value_date`);--> statement-breakpoint
-- Default rates: entrustment fee 0.045 %/month of the balance on which interest was collected (since 1 Jul 2009),
-- group commission 8 % of the interest collected (placeholder until VBSP's current table is loaded; data, not code).
INSERT INTO `fee_rates` (`partner_id`, `effective_from`, `entrustment_fee_rate_ppm`, `group_commission_rate_ppm`) VALUES (NULL, '2009-07-01', 450, 80000);
--> statement-breakpoint
CREATE TRIGGER reconciliation_lines_no_update BEFORE UPDATE ON reconciliation_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
