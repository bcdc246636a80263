-- Every index the seeds know.
SELECT index_code
FROM ref.indices
ORDER BY index_code
