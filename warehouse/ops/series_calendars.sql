-- The seeded trading calendar of every series of a bar dataset, with its suspension windows
-- (one row per window; start_date and end_date are null for a series never suspended).
WITH calendars AS (
    SELECT 'security_bars' AS dataset, symbol AS series, calendar
    FROM ref.securities
    UNION ALL
    SELECT 'index_bars', index_code, calendar
    FROM ref.indices
),

suspensions AS (
    SELECT 'security_bars' AS dataset, symbol AS series, start_date, end_date
    FROM ref.suspensions
),

final AS (
    SELECT calendars.dataset, calendars.series, calendars.calendar,
        suspensions.start_date, suspensions.end_date
    FROM calendars
    LEFT JOIN suspensions USING (dataset, series)
)

SELECT series, calendar, start_date, end_date
FROM final
WHERE dataset = $dataset
ORDER BY series, start_date
