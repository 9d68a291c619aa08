-- The audit trail is read by user and newest first (GET /v1/audit?userId=).
CREATE INDEX audit_user ON audit_log (user_id, id);
--> statement-breakpoint
-- Who deactivated a user, when and why (users.active stays the switch the key check reads).
ALTER TABLE users ADD deactivated_at text;
--> statement-breakpoint
ALTER TABLE users ADD deactivation_reason text;
--> statement-breakpoint
-- A collection session's lines as handed in (the interest / principal split of each line is the
-- commune's record; the line's repayment stores only their sum). Append-only, like the money rows.
CREATE TABLE collection_session_lines (
  session_id integer NOT NULL REFERENCES collection_sessions(id),
  line_index integer NOT NULL,
  loan_id integer NOT NULL REFERENCES loans(id),
  interest integer,
  principal integer,
  savings integer NOT NULL,
  transaction_id integer REFERENCES loan_transactions(id),
  PRIMARY KEY (session_id, line_index)
);
--> statement-breakpoint
CREATE INDEX collection_session_lines_loan ON collection_session_lines (loan_id);
--> statement-breakpoint
CREATE TRIGGER collection_session_lines_no_update BEFORE UPDATE ON collection_session_lines BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER collection_session_lines_no_delete BEFORE DELETE ON collection_session_lines BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
-- Sessions posted before this table existed: their lines rebuilt from their repayments and savings
-- deposits, in posting order; the split of such a line is unknown (NULL), its sum is the repayment.
INSERT INTO collection_session_lines (session_id, line_index, loan_id, interest, principal, savings, transaction_id)
SELECT session_id, ROW_NUMBER() OVER (PARTITION BY session_id ORDER BY first_id, loan_id) - 1, loan_id, NULL, NULL, savings, transaction_id
FROM (
  SELECT session_id, loan_id, MIN(first_id) AS first_id, SUM(savings) AS savings, MAX(transaction_id) AS transaction_id
  FROM (
    SELECT collection_session_id AS session_id, loan_id, id AS first_id, 0 AS savings, id AS transaction_id
      FROM loan_transactions WHERE collection_session_id IS NOT NULL AND kind = 'repayment'
    UNION ALL
    SELECT collection_session_id, loan_id, 9007199254740991, amount, NULL FROM savings_deposits
  ) GROUP BY session_id, loan_id
);
