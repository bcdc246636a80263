-- Every security the seeds know.
SELECT symbol
FROM ref.securities
ORDER BY symbol
