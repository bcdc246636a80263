-- Each index's return since each reference event, as of its latest trading day.
WITH latest AS (
    SELECT index_code, event_id, max(as_of_date) AS as_of_date
    FROM mart_index_event_returns
    GROUP BY index_code, event_id
),

final AS (
    SELECT e.index_code, e.event_id, e.event_name, e.event_date, e.ret_since_event
    FROM mart_index_event_returns AS e
    INNER JOIN latest USING (index_code, event_id, as_of_date)
)

SELECT * FROM final
ORDER BY event_date, index_code
