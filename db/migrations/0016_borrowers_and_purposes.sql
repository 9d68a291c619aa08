-- 0016_borrowers_and_purposes: placeholder until its tables land (issue "policy depth").
SELECT 1;
