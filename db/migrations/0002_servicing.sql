CREATE TABLE `close_runs` (
	`date` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`loans_processed` integer DEFAULT 0 NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text
);
--> statement-breakpoint
CREATE TABLE `collection_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_point_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`session_date` text NOT NULL,
	`line_count` integer NOT NULL,
	`total_interest` integer NOT NULL,
	`total_principal` integer NOT NULL,
	`total_savings` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`transaction_point_id`) REFERENCES `transaction_points`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `collection_sessions_point_date` ON `collection_sessions` (`transaction_point_id`,`session_date`);--> statement-breakpoint
CREATE INDEX `collection_sessions_group` ON `collection_sessions` (`group_id`,`session_date`);--> statement-breakpoint
CREATE TABLE `savings_deposits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`collection_session_id` integer NOT NULL,
	`loan_id` integer NOT NULL,
	`household_id` integer NOT NULL,
	`amount` integer NOT NULL,
	`value_date` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	FOREIGN KEY (`collection_session_id`) REFERENCES `collection_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`loan_id`) REFERENCES `loans`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `savings_household` ON `savings_deposits` (`household_id`);