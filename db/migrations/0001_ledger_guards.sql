-- Database-level guards for the append-only money tables (RULES.md §9, ARCHITECTURE rule 4).
-- A journal entry header may only be inserted after its lines, and only when they balance:
-- Σ debit = Σ credit > 0 and every line one-sided and non-negative.
CREATE TRIGGER journal_entry_must_balance BEFORE INSERT ON journal_entries
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_UNBALANCED')
  WHERE (SELECT COUNT(*) FROM journal_lines WHERE entry_id = NEW.id) < 2
     OR (SELECT COALESCE(SUM(debit), 0) FROM journal_lines WHERE entry_id = NEW.id)
        <> (SELECT COALESCE(SUM(credit), 0) FROM journal_lines WHERE entry_id = NEW.id)
     OR (SELECT COALESCE(SUM(debit), 0) FROM journal_lines WHERE entry_id = NEW.id) <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER journal_line_shape BEFORE INSERT ON journal_lines
BEGIN
  SELECT RAISE(ABORT, 'LEDGER_LINE_INVALID')
  WHERE NEW.debit < 0 OR NEW.credit < 0 OR (NEW.debit > 0 AND NEW.credit > 0) OR (NEW.debit = 0 AND NEW.credit = 0);
  SELECT RAISE(ABORT, 'LEDGER_ENTRY_SEALED')
  WHERE EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id);
END;
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER loan_transactions_no_update BEFORE UPDATE ON loan_transactions
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER loan_transactions_no_delete BEFORE DELETE ON loan_transactions
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER poverty_records_no_delete BEFORE DELETE ON poverty_records
BEGIN SELECT RAISE(ABORT, 'APPEND_ONLY'); END;
--> statement-breakpoint
CREATE TRIGGER transaction_points_session_day BEFORE INSERT ON transaction_points
BEGIN
  SELECT RAISE(ABORT, 'INVALID_SESSION_DAY') WHERE NEW.session_day < 1 OR NEW.session_day > 28;
END;
