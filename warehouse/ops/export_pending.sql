-- Each core table's exports due: the months noted, and whether it is due whole.
SELECT
    table_name,
    coalesce(list(DISTINCT month ORDER BY month) FILTER (WHERE month IS NOT NULL), []) AS months,
    bool_or(month IS NULL) AS whole
FROM ops.export_pending
GROUP BY table_name
ORDER BY table_name
