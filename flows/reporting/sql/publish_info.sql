-- The run that produced the published file.
SELECT run_id, as_of_date, source, published_at, gate_checks_run
FROM publish_info
