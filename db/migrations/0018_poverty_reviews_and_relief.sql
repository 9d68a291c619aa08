-- 0018_poverty_reviews_and_relief: the annual poverty review of a commune's list and area-wide relief
-- decisions (docs/rules.md §17, §18).
CREATE TABLE poverty_reviews (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  transaction_point_id INTEGER NOT NULL REFERENCES transaction_points(id),
  year INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'applied')),
  created_by INTEGER NOT NULL,
  created_on TEXT NOT NULL,
  applied_by INTEGER,
  applied_on TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT
);
--> statement-breakpoint
CREATE INDEX poverty_reviews_point ON poverty_reviews (transaction_point_id, year);
--> statement-breakpoint
CREATE TABLE poverty_review_lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  review_id INTEGER NOT NULL REFERENCES poverty_reviews(id),
  line_no INTEGER NOT NULL,
  national_id TEXT NOT NULL,
  status_text TEXT NOT NULL,
  status TEXT,
  decision_no TEXT NOT NULL,
  effective_date_text TEXT NOT NULL,
  effective_date TEXT,
  household_id INTEGER REFERENCES households(id),
  outcome TEXT NOT NULL,
  code TEXT NOT NULL,
  from_status TEXT,
  applied_outcome TEXT,
  applied_code TEXT,
  poverty_record_id INTEGER REFERENCES poverty_records(id)
);
--> statement-breakpoint
CREATE UNIQUE INDEX poverty_review_lines_line ON poverty_review_lines (review_id, line_no);
--> statement-breakpoint
CREATE TABLE relief_decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  branch_id INTEGER NOT NULL REFERENCES branches(id),
  decision_no TEXT NOT NULL,
  cause TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('freeze', 'extension')),
  transaction_point_ids TEXT NOT NULL,
  value_date TEXT NOT NULL,
  months INTEGER,
  until_date TEXT,
  status TEXT NOT NULL CHECK (status IN ('proposed', 'applying', 'applied', 'rejected')),
  proposed_by INTEGER NOT NULL,
  proposed_on TEXT NOT NULL,
  decided_by INTEGER,
  decided_on TEXT,
  rejection_reason TEXT,
  completed_on TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at TEXT
);
--> statement-breakpoint
CREATE INDEX relief_decisions_branch ON relief_decisions (branch_id, status);
--> statement-breakpoint
CREATE UNIQUE INDEX relief_decisions_number ON relief_decisions (branch_id, decision_no) WHERE status <> 'rejected';
--> statement-breakpoint
CREATE TABLE relief_decision_loans (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  decision_id INTEGER NOT NULL REFERENCES relief_decisions(id),
  loan_id INTEGER NOT NULL REFERENCES loans(id),
  transaction_point_id INTEGER NOT NULL,
  eligible INTEGER NOT NULL,
  reason TEXT,
  outstanding_principal INTEGER NOT NULL,
  interest INTEGER NOT NULL,
  instalment_number INTEGER,
  new_due_date TEXT,
  result TEXT CHECK (result IN ('applied', 'skipped')),
  result_code TEXT,
  loan_transaction_id INTEGER REFERENCES loan_transactions(id),
  batch_no INTEGER
);
--> statement-breakpoint
CREATE UNIQUE INDEX relief_decision_loans_loan ON relief_decision_loans (decision_id, loan_id);
--> statement-breakpoint
CREATE INDEX relief_decision_loans_pending ON relief_decision_loans (decision_id, result);
