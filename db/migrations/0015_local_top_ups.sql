-- 0015_local_top_ups: placeholder until its tables land (issue "policy depth").
SELECT 1;
