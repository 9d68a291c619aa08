-- 0020_organisation_tree: the organisation as a tree (docs/rules.md §20). Offices: head office → province →
-- district (a branch is the district level); places: commune → village (a commune is served by one district
-- office and has its transaction point; a group meets in a village). Existing data moves in without changing any
-- loan: one head office, one province office per distinct branches.province, one district office per branch, one
-- commune place per transaction point, one village place per distinct (transaction point, group village).
CREATE TABLE `offices` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `code` text NOT NULL,
  `name` text NOT NULL,
  `level` text NOT NULL CHECK (`level` IN ('head_office', 'province', 'district')),
  `parent_id` integer REFERENCES `offices`(`id`),
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  CHECK ((`level` = 'head_office') = (`parent_id` IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `offices_code_unique` ON `offices` (`code`);
--> statement-breakpoint
CREATE INDEX `offices_parent` ON `offices` (`parent_id`);
--> statement-breakpoint
-- An office does not move and keeps its level (a move would change every scope below it): no update of either.
CREATE TRIGGER offices_fixed_place BEFORE UPDATE OF `parent_id`, `level` ON `offices`
BEGIN
  SELECT RAISE(ABORT, 'an office keeps its parent and level');
END;
--> statement-breakpoint
-- Closure of the office tree, kept by the service: every (ancestor, descendant) pair, each office its own
-- ancestor at depth 0. A subtree is one indexed look-up.
CREATE TABLE `office_paths` (
  `ancestor_id` integer NOT NULL REFERENCES `offices`(`id`),
  `descendant_id` integer NOT NULL REFERENCES `offices`(`id`),
  `depth` integer NOT NULL,
  PRIMARY KEY(`ancestor_id`, `descendant_id`)
);
--> statement-breakpoint
CREATE INDEX `office_paths_descendant` ON `office_paths` (`descendant_id`);
--> statement-breakpoint
ALTER TABLE `branches` ADD `office_id` integer REFERENCES `offices`(`id`);
--> statement-breakpoint
CREATE UNIQUE INDEX `branches_office` ON `branches` (`office_id`);
--> statement-breakpoint
CREATE TABLE `places` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `code` text NOT NULL,
  `name` text NOT NULL,
  `kind` text NOT NULL CHECK (`kind` IN ('commune', 'village')),
  `parent_id` integer REFERENCES `places`(`id`),
  `office_id` integer NOT NULL REFERENCES `offices`(`id`),
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  CHECK ((`kind` = 'commune') = (`parent_id` IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `places_code_unique` ON `places` (`code`);
--> statement-breakpoint
CREATE INDEX `places_office` ON `places` (`office_id`);
--> statement-breakpoint
CREATE INDEX `places_parent` ON `places` (`parent_id`);
--> statement-breakpoint
ALTER TABLE `transaction_points` ADD `place_id` integer REFERENCES `places`(`id`);
--> statement-breakpoint
CREATE INDEX `transaction_points_place` ON `transaction_points` (`place_id`);
--> statement-breakpoint
ALTER TABLE `groups` ADD `place_id` integer REFERENCES `places`(`id`);
--> statement-breakpoint
CREATE INDEX `groups_place` ON `groups` (`place_id`);
--> statement-breakpoint
-- The data already there. The head office exists in every database, even an empty one.
INSERT INTO `offices` (`code`, `name`, `level`, `parent_id`) VALUES ('HO', 'Hội sở chính', 'head_office', NULL);
--> statement-breakpoint
INSERT INTO `offices` (`code`, `name`, `level`, `parent_id`)
SELECT 'PROV-' || printf('%02d', ROW_NUMBER() OVER (ORDER BY MIN(b.`id`))), b.`province`, 'province',
  (SELECT `id` FROM `offices` WHERE `level` = 'head_office')
FROM `branches` b GROUP BY b.`province` ORDER BY MIN(b.`id`);
--> statement-breakpoint
INSERT INTO `offices` (`code`, `name`, `level`, `parent_id`)
SELECT b.`code`, b.`name`, 'district',
  (SELECT o.`id` FROM `offices` o WHERE o.`level` = 'province' AND o.`name` = b.`province`)
FROM `branches` b ORDER BY b.`id`;
--> statement-breakpoint
UPDATE `branches` SET `office_id` =
  (SELECT o.`id` FROM `offices` o WHERE o.`level` = 'district' AND o.`code` = `branches`.`code`);
--> statement-breakpoint
INSERT INTO `office_paths` (`ancestor_id`, `descendant_id`, `depth`) SELECT `id`, `id`, 0 FROM `offices`;
--> statement-breakpoint
INSERT INTO `office_paths` (`ancestor_id`, `descendant_id`, `depth`)
SELECT `parent_id`, `id`, 1 FROM `offices` WHERE `parent_id` IS NOT NULL;
--> statement-breakpoint
INSERT INTO `office_paths` (`ancestor_id`, `descendant_id`, `depth`)
SELECT p.`parent_id`, d.`id`, 2 FROM `offices` d JOIN `offices` p ON p.`id` = d.`parent_id` WHERE p.`parent_id` IS NOT NULL;
--> statement-breakpoint
INSERT INTO `places` (`code`, `name`, `kind`, `parent_id`, `office_id`)
SELECT tp.`code`, tp.`commune`, 'commune', NULL, b.`office_id`
FROM `transaction_points` tp JOIN `branches` b ON b.`id` = tp.`branch_id` ORDER BY tp.`id`;
--> statement-breakpoint
UPDATE `transaction_points` SET `place_id` =
  (SELECT p.`id` FROM `places` p WHERE p.`kind` = 'commune' AND p.`code` = `transaction_points`.`code`);
--> statement-breakpoint
INSERT INTO `places` (`code`, `name`, `kind`, `parent_id`, `office_id`)
SELECT tp.`code` || '-' || printf('%02d', ROW_NUMBER() OVER (PARTITION BY tp.`id` ORDER BY MIN(g.`id`))), g.`village`,
  'village', tp.`place_id`, c.`office_id`
FROM `groups` g JOIN `transaction_points` tp ON tp.`id` = g.`transaction_point_id` JOIN `places` c ON c.`id` = tp.`place_id`
GROUP BY tp.`id`, g.`village` ORDER BY MIN(g.`id`);
--> statement-breakpoint
UPDATE `groups` SET `place_id` = (
  SELECT v.`id` FROM `places` v JOIN `transaction_points` tp ON tp.`place_id` = v.`parent_id`
  WHERE tp.`id` = `groups`.`transaction_point_id` AND v.`kind` = 'village' AND v.`name` = `groups`.`village`
);
