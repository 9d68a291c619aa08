-- 0016_borrowers_and_purposes (docs/rules.md §15): who a programme lends to (household, student, released
-- person, employer) and the facts its applications carry, checked by one generic rule set stored as data;
-- loan purposes as a per-programme list, the chosen purpose kept on the application and copied to the loan.
ALTER TABLE programmes ADD borrower_kind text NOT NULL DEFAULT 'household';
--> statement-breakpoint
-- {"facts":[{name,type,required}],"rules":[{rule,...}]}; an empty definition for household programmes.
ALTER TABLE programmes ADD borrower_facts text NOT NULL DEFAULT '{"facts":[],"rules":[]}';
--> statement-breakpoint
ALTER TABLE programmes ADD purpose_required integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- The facts as submitted (JSON object), checked against the programme's definition.
ALTER TABLE applications ADD borrower_facts text NOT NULL DEFAULT '{}';
--> statement-breakpoint
ALTER TABLE applications ADD purpose_code text;
--> statement-breakpoint
-- Copied from the application at approval; never changed afterwards.
ALTER TABLE loans ADD borrower_facts text NOT NULL DEFAULT '{}';
--> statement-breakpoint
ALTER TABLE loans ADD purpose_code text;
--> statement-breakpoint
CREATE TABLE loan_purposes (
  programme_code text NOT NULL REFERENCES programmes(code),
  code text NOT NULL,
  name_vi text NOT NULL,
  name_en text NOT NULL,
  active integer NOT NULL DEFAULT 1,
  created_at text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (programme_code, code)
);
--> statement-breakpoint
-- Reports by purpose read loans by (programme, purpose).
CREATE INDEX loans_purpose ON loans (programme_code, purpose_code);
