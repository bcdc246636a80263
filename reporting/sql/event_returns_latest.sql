-- Each index's return since each reference event, as of its last trading day up to the report date.
WITH dated AS (
    SELECT * FROM mart_index_event_returns WHERE trade_date <= $as_of
),

latest AS (
    SELECT index_code, event_id, max(trade_date) AS trade_date
    FROM dated
    GROUP BY index_code, event_id
),

final AS (
    SELECT e.index_code, e.event_id, e.event_name, e.event_date, e.ret_since_event
    FROM dated AS e
    INNER JOIN latest USING (index_code, event_id, trade_date)
)

SELECT * FROM final
ORDER BY event_date, index_code
