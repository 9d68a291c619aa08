DROP TABLE `instalments`;--> statement-breakpoint
-- SQLite treats NULLs as distinct in unique indexes: one default (partner_id NULL) rate per effective date.
CREATE UNIQUE INDEX `fee_rates_default_version` ON `fee_rates` (`effective_from`) WHERE `partner_id` IS NULL;
