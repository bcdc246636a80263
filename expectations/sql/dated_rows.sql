-- Per staged series of $dataset: how many of its rows are dated on a day that is not a session
-- of its calendar, and the first such day.
WITH staged AS (
    SELECT series, trade_date, source_file
    FROM gate_staged_dates
    WHERE dataset = $dataset AND series IS NOT NULL AND trade_date IS NOT NULL
),

calendars AS (
    SELECT series, calendar
    FROM gate_dataset_calendars
    WHERE dataset = $dataset
),

sessions AS (
    SELECT calendar, session_date
    FROM ref.sessions
),

judged_rows AS (
    SELECT
        staged.series,
        staged.trade_date,
        staged.source_file,
        calendars.calendar,
        sessions.session_date IS NOT NULL AS is_session
    FROM staged
    INNER JOIN calendars USING (series)
    LEFT JOIN sessions
        ON sessions.calendar = calendars.calendar AND sessions.session_date = staged.trade_date
),

final AS (
    SELECT
        series,
        any_value(calendar) AS calendar,
        count(*) FILTER (WHERE NOT is_session) AS non_sessions,
        min(trade_date) FILTER (WHERE NOT is_session) AS first_non_session,
        count(*) FILTER (WHERE NOT is_session) = 0 AS all_sessions,
        arg_min(source_file, trade_date) FILTER (WHERE NOT is_session) AS source_file
    FROM judged_rows
    GROUP BY series
)

SELECT * FROM final
