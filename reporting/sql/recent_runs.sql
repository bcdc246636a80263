-- The run ledger as copied into the published file, newest first.
SELECT
    run_id, started_at, finished_at, as_of_date, source, status, row_counts,
    gate_passed, gate_failures, published_at, message
FROM ops_last_runs
ORDER BY started_at DESC
LIMIT $limit
