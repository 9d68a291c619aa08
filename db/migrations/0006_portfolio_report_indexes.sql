CREATE INDEX `loans_report_programme` ON `loans` (`state`,`programme_code`,`household_id`,`outstanding_principal`,`overdue_principal`);--> statement-breakpoint
CREATE INDEX `loans_report_branch` ON `loans` (`state`,`branch_id`,`household_id`,`outstanding_principal`,`overdue_principal`);--> statement-breakpoint
CREATE INDEX `loans_report_partner` ON `loans` (`state`,`partner_id`,`household_id`,`outstanding_principal`,`overdue_principal`);--> statement-breakpoint
CREATE INDEX `loans_report_group` ON `loans` (`state`,`group_id`,`household_id`,`outstanding_principal`,`overdue_principal`);--> statement-breakpoint
CREATE INDEX `loans_report_household` ON `loans` (`state`,`household_id`);