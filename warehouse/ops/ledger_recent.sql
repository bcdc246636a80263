-- The most recent runs, newest first: ops_last_runs in the published file.
WITH runs AS (
    SELECT
        run_id, started_at, finished_at, as_of_date, source, status,
        CAST(row_counts AS VARCHAR) AS row_counts, gate_passed, gate_failures, published_at,
        message, CAST(gate_warnings AS VARCHAR) AS gate_warnings, CAST(marts AS VARCHAR) AS marts
    FROM ops.run_log
),

final AS (
    SELECT * FROM runs
    ORDER BY started_at DESC
    LIMIT $limit
)

SELECT * FROM final
