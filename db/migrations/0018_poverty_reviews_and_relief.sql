-- 0018_poverty_reviews_and_relief: placeholder until its tables land (issue "policy depth").
SELECT 1;
