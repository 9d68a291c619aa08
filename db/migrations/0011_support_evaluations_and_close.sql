-- 0011_support_evaluations_and_close: the support rule's verdict per loan carries its evidence (docs/rules.md §8),
-- so a branch can tell a household why; lists filter it by policy and outcome.
ALTER TABLE support_evaluations ADD COLUMN evidence TEXT;
--> statement-breakpoint
CREATE INDEX support_evaluations_policy ON support_evaluations (local_policy_code, outcome, reason);
--> statement-breakpoint
CREATE INDEX support_evaluations_household ON support_evaluations (household_id);
