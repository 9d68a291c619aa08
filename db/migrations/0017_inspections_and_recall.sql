-- 0017_inspections_and_recall: placeholder until its tables land (issue "policy depth").
SELECT 1;
