-- 0014_funding_sources: placeholder until its tables land (issue "policy depth").
SELECT 1;
