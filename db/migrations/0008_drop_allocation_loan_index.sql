-- One random index-page write less per repayment: the only per-loan query on this table
-- (replacing a loan's allocations after a back-dated event) now goes through loan_transactions.
DROP INDEX `repayment_allocations_loan`;