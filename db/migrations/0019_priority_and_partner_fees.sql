-- 0019_priority_and_partner_fees: placeholder until its tables land (issue "policy depth").
SELECT 1;
