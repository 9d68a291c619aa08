-- 0019_priority_and_partner_fees: priority attributes (docs/rules.md §14) and partner fees as money (§19).
-- 1. Ethnic-minority membership of a household (changed through household changes, which keep the history).
ALTER TABLE `households` ADD `ethnic_minority` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `households` ADD `ethnic_group` text;
--> statement-breakpoint
-- 2. Dated designations of a commune (its transaction point) or one of its villages; append-only: a designation
-- is ended by an end record, never edited.
CREATE TABLE `area_designations` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `transaction_point_id` integer NOT NULL REFERENCES `transaction_points`(`id`),
  `village` text,
  `designation` text NOT NULL CHECK (`designation` IN ('remote', 'especially_difficult')),
  `effective_from` text NOT NULL,
  `decision_no` text NOT NULL,
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `area_designations_point` ON `area_designations` (`transaction_point_id`,`effective_from`);
--> statement-breakpoint
CREATE TABLE `area_designation_ends` (
  `designation_id` integer PRIMARY KEY NOT NULL REFERENCES `area_designations`(`id`),
  `effective_to` text NOT NULL,
  `decision_no` text NOT NULL,
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER area_designations_no_update BEFORE UPDATE ON area_designations
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER area_designations_no_delete BEFORE DELETE ON area_designations
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER area_designation_ends_no_update BEFORE UPDATE ON area_designation_ends
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER area_designation_ends_no_delete BEFORE DELETE ON area_designation_ends
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
-- 3. Partner fee accruals: one record per partner and run, with the month's figures as computed then; its lines
-- (per funding source) hold what the run posted (the change since the earlier runs, may be negative).
CREATE TABLE `partner_fee_accruals` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `month` text NOT NULL,
  `partner_id` integer NOT NULL REFERENCES `partners`(`id`),
  `entrustment_fee` integer NOT NULL,
  `group_commission` integer NOT NULL,
  `journal_entry_id` integer NOT NULL REFERENCES `journal_entries`(`id`),
  `accrued_on` text NOT NULL,
  `accrued_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `partner_fee_accruals_month` ON `partner_fee_accruals` (`month`,`partner_id`);
--> statement-breakpoint
CREATE TABLE `partner_fee_accrual_lines` (
  `accrual_id` integer NOT NULL REFERENCES `partner_fee_accruals`(`id`),
  `funding_source` text NOT NULL,
  `entrustment_fee` integer NOT NULL,
  `group_commission` integer NOT NULL,
  PRIMARY KEY (`accrual_id`, `funding_source`)
);
--> statement-breakpoint
CREATE TABLE `partner_fee_payments` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `month` text NOT NULL,
  `partner_id` integer NOT NULL REFERENCES `partners`(`id`),
  `amount` integer NOT NULL CHECK (`amount` > 0),
  `paid_on` text NOT NULL,
  `reference` text NOT NULL,
  `journal_entry_id` integer NOT NULL REFERENCES `journal_entries`(`id`),
  `paid_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `partner_fee_payments_month` ON `partner_fee_payments` (`month`,`partner_id`);
--> statement-breakpoint
CREATE TABLE `partner_fee_payment_lines` (
  `payment_id` integer NOT NULL REFERENCES `partner_fee_payments`(`id`),
  `funding_source` text NOT NULL,
  `amount` integer NOT NULL CHECK (`amount` > 0),
  PRIMARY KEY (`payment_id`, `funding_source`)
);
--> statement-breakpoint
CREATE TRIGGER partner_fee_accruals_no_update BEFORE UPDATE ON partner_fee_accruals
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_accruals_no_delete BEFORE DELETE ON partner_fee_accruals
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_accrual_lines_no_update BEFORE UPDATE ON partner_fee_accrual_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_accrual_lines_no_delete BEFORE DELETE ON partner_fee_accrual_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_payments_no_update BEFORE UPDATE ON partner_fee_payments
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_payments_no_delete BEFORE DELETE ON partner_fee_payments
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_payment_lines_no_update BEFORE UPDATE ON partner_fee_payment_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER partner_fee_payment_lines_no_delete BEFORE DELETE ON partner_fee_payment_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
