-- 0022_supervision: supervision findings (docs/rules.md §22). A supervisor (Fatherland Front, a mass organisation)
-- records a finding on an area (an office of any level, or a commune or village); the branches under the area on
-- the day it is recorded are kept with it (they see it and answer it). Findings, their branches and the branches'
-- answers are append-only records: a finding is answered once it has an answer.
CREATE TABLE `supervision_findings` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `finding_date` text NOT NULL,
  `office_id` integer NOT NULL REFERENCES `offices`(`id`),
  `place_id` integer REFERENCES `places`(`id`),
  `loan_id` integer REFERENCES `loans`(`id`),
  `application_id` integer REFERENCES `applications`(`id`),
  `supervising_body` text NOT NULL CHECK (`supervising_body` IN ('fatherland_front', 'womens_union',
    'farmers_association', 'veterans_association', 'youth_union')),
  `finding` text NOT NULL,
  `follow_up` text NOT NULL,
  `recorded_by` integer NOT NULL,
  `recorded_on` text NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `supervision_findings_office` ON `supervision_findings` (`office_id`);
--> statement-breakpoint
CREATE INDEX `supervision_findings_date` ON `supervision_findings` (`finding_date`);
--> statement-breakpoint
CREATE TRIGGER supervision_findings_no_update BEFORE UPDATE ON supervision_findings
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER supervision_findings_no_delete BEFORE DELETE ON supervision_findings
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TABLE `supervision_finding_branches` (
  `finding_id` integer NOT NULL REFERENCES `supervision_findings`(`id`),
  `branch_id` integer NOT NULL REFERENCES `branches`(`id`),
  PRIMARY KEY(`finding_id`, `branch_id`)
);
--> statement-breakpoint
CREATE INDEX `supervision_finding_branches_branch` ON `supervision_finding_branches` (`branch_id`, `finding_id`);
--> statement-breakpoint
CREATE TRIGGER supervision_finding_branches_no_update BEFORE UPDATE ON supervision_finding_branches
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER supervision_finding_branches_no_delete BEFORE DELETE ON supervision_finding_branches
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TABLE `supervision_answers` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `finding_id` integer NOT NULL REFERENCES `supervision_findings`(`id`),
  `branch_id` integer NOT NULL REFERENCES `branches`(`id`),
  `answer` text NOT NULL,
  `action_taken` text,
  `answered_by` integer NOT NULL,
  `answered_on` text NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `supervision_answers_finding` ON `supervision_answers` (`finding_id`);
--> statement-breakpoint
CREATE TRIGGER supervision_answers_no_update BEFORE UPDATE ON supervision_answers
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER supervision_answers_no_delete BEFORE DELETE ON supervision_answers
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
