-- The last date of each staged daily series of $dataset next to the session it is due to reach:
-- the last session of its calendar on or before $as_of, $lag_sessions sessions back. A security
-- suspended on its due session is exempt: it has nothing to publish.
WITH staged AS (
    SELECT dataset, series, trade_date, source_file
    FROM gate_staged_series
),

calendars AS (
    SELECT dataset, series, calendar
    FROM gate_series_calendars
),

sessions AS (
    SELECT calendar, session_date
    FROM ref.sessions
),

suspensions AS (
    SELECT 'security_bars' AS dataset, symbol AS series, start_date, end_date
    FROM ref.suspensions
),

numbered_sessions AS (
    SELECT
        calendar,
        session_date,
        row_number() OVER (PARTITION BY calendar ORDER BY session_date DESC) AS sessions_back
    FROM sessions
    WHERE session_date <= $as_of
),

due_sessions AS (
    SELECT calendar, session_date AS due_date
    FROM numbered_sessions
    WHERE sessions_back = $lag_sessions + 1
),

staged_ends AS (
    SELECT series, max(trade_date) AS last_staged, arg_max(source_file, trade_date) AS source_file
    FROM staged
    WHERE dataset = $dataset AND series IS NOT NULL AND trade_date IS NOT NULL
    GROUP BY series
),

merged_ends AS (
    SELECT series, last_date AS last_merged
    FROM gate_series_tails
    WHERE dataset = $dataset
),

final AS (
    SELECT
        staged_ends.series,
        greatest(staged_ends.last_staged, merged_ends.last_merged) AS last_date,
        due_sessions.due_date,
        staged_ends.source_file
    FROM staged_ends
    INNER JOIN calendars
        ON calendars.dataset = $dataset AND calendars.series = staged_ends.series
    LEFT JOIN merged_ends ON merged_ends.series = staged_ends.series
    LEFT JOIN due_sessions ON due_sessions.calendar = calendars.calendar
    WHERE NOT EXISTS (
        SELECT 1 FROM suspensions
        WHERE suspensions.dataset = $dataset
            AND suspensions.series = staged_ends.series
            AND due_sessions.due_date BETWEEN suspensions.start_date AND suspensions.end_date
    )
)

SELECT * FROM final
