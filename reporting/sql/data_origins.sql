-- Provenance of every landed body the published run read.
SELECT source_file, provider, endpoint, subject, origin, origin_detail, repairs
FROM data_origins
ORDER BY origin, endpoint, subject
