-- 0023_entrustment_contracts: entrustment contracts by level (docs/rules.md §23). A partner of any level signs
-- with the bank office of its level; the contract's rates replace the fee-rate versions (§11) for the loans and
-- groups of the partners under it that have no nearer contract. Append-only: a contract is ended by an end record.
CREATE TABLE `entrustment_contracts` (
  `id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  `partner_id` integer NOT NULL REFERENCES `partners`(`id`),
  `contract_no` text NOT NULL,
  `signed_on` text NOT NULL,
  `effective_from` text NOT NULL,
  `effective_to` text,
  `office_id` integer NOT NULL REFERENCES `offices`(`id`),
  `entrustment_fee_rate_ppm` integer NOT NULL CHECK (`entrustment_fee_rate_ppm` BETWEEN 0 AND 1000000),
  `group_commission_rate_ppm` integer NOT NULL CHECK (`group_commission_rate_ppm` BETWEEN 0 AND 1000000),
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
  CHECK (`effective_to` IS NULL OR `effective_to` >= `effective_from`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entrustment_contracts_no` ON `entrustment_contracts` (`contract_no`);
--> statement-breakpoint
CREATE INDEX `entrustment_contracts_partner` ON `entrustment_contracts` (`partner_id`,`effective_from`);
--> statement-breakpoint
CREATE TABLE `entrustment_contract_ends` (
  `contract_id` integer PRIMARY KEY NOT NULL REFERENCES `entrustment_contracts`(`id`),
  `effective_to` text NOT NULL,
  `reference` text NOT NULL,
  `created_by` integer NOT NULL,
  `created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER entrustment_contracts_no_update BEFORE UPDATE ON entrustment_contracts
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER entrustment_contracts_no_delete BEFORE DELETE ON entrustment_contracts
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER entrustment_contract_ends_no_update BEFORE UPDATE ON entrustment_contract_ends
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER entrustment_contract_ends_no_delete BEFORE DELETE ON entrustment_contract_ends
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
