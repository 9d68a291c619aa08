-- Scopes at every level (docs/rules.md §21). Partners become a tree of their own (province union → district
-- association → commune chapter): a province-level partner has no branch, so partners is rebuilt with branch_id
-- nullable (the runner turns foreign keys off around migrations and checks every reference afterwards). The ids
-- stay, so every row that names a partner still names the same one. Existing partners are district associations.
CREATE TABLE `partners_new` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `code` text NOT NULL,
  `name` text NOT NULL,
  `kind` text NOT NULL,
  `branch_id` integer REFERENCES `branches`(`id`),
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  `level` text DEFAULT 'district' NOT NULL CHECK (`level` IN ('province', 'district', 'commune')),
  `parent_id` integer REFERENCES `partners`(`id`),
  `office_id` integer REFERENCES `offices`(`id`),
  `place_id` integer REFERENCES `places`(`id`),
  CHECK ((`level` = 'province') = (`branch_id` IS NULL)),
  CHECK ((`level` = 'commune') = (`place_id` IS NOT NULL))
);
--> statement-breakpoint
INSERT INTO `partners_new` (`id`, `code`, `name`, `kind`, `branch_id`, `created_at`, `level`, `office_id`)
  SELECT p.`id`, p.`code`, p.`name`, p.`kind`, p.`branch_id`, p.`created_at`, 'district',
    (SELECT b.`office_id` FROM `branches` b WHERE b.`id` = p.`branch_id`)
  FROM `partners` p;
--> statement-breakpoint
DROP TABLE `partners`;
--> statement-breakpoint
ALTER TABLE `partners_new` RENAME TO `partners`;
--> statement-breakpoint
CREATE UNIQUE INDEX `partners_code_unique` ON `partners` (`code`);
--> statement-breakpoint
CREATE INDEX `partners_branch` ON `partners` (`branch_id`);
--> statement-breakpoint
CREATE INDEX `partners_parent` ON `partners` (`parent_id`);
--> statement-breakpoint
-- A user's scope node above the district: a province office or the head office (branch staff and supervisors).
ALTER TABLE `users` ADD `office_id` integer REFERENCES `offices`(`id`);
--> statement-breakpoint
-- A cached API key carries its resolved scope: a change of the tree above it must drop the cache like a change
-- of the user does.
CREATE TRIGGER offices_auth_version AFTER INSERT ON offices BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER branches_auth_version AFTER INSERT ON branches BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER branches_office_auth_version AFTER UPDATE OF office_id ON branches BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER partners_auth_version AFTER INSERT ON partners BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
