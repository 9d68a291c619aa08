-- Same guarantees, cheaper on the repayment hot path.
-- 1. The balanced-entry guard reads the entry's lines once (was four sub-queries).
DROP TRIGGER journal_entry_must_balance;
--> statement-breakpoint
CREATE TRIGGER journal_entry_must_balance BEFORE INSERT ON journal_entries
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED')
  FROM (SELECT COUNT(*) AS n, COALESCE(SUM(debit), 0) AS d, COALESCE(SUM(credit), 0) AS c FROM journal_lines WHERE entry_id = NEW.id)
  WHERE n < 2 OR d <> c OR d <= 0;
END;
--> statement-breakpoint
-- 2. A counter that changes whenever an API key or a user changes (revocation, deactivation, role),
-- from the API, the CLI or plain SQL: the key verifier keeps verified keys in memory only while it holds.
CREATE TABLE auth_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
--> statement-breakpoint
INSERT INTO auth_version (id, version) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER api_keys_auth_version_update AFTER UPDATE ON api_keys BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER api_keys_auth_version_delete AFTER DELETE ON api_keys BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER users_auth_version_update AFTER UPDATE ON users BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER users_auth_version_delete AFTER DELETE ON users BEGIN UPDATE auth_version SET version = version + 1 WHERE id = 1; END;
