-- 0015_local_top_ups: a local policy may raise a programme's cap (docs/rules.md §13); the part of a loan above the
-- national cap is funded by the policy's source.
ALTER TABLE `local_policies` ADD `top_up_cap_amount` integer;
--> statement-breakpoint
ALTER TABLE `local_policies` ADD `top_up_factor_pct` integer;
--> statement-breakpoint
ALTER TABLE `local_policies` ADD `top_up_priority_only` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `loans` ADD `top_up_amount` integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE `loans` ADD `top_up_funding_source` text;
