-- Reference events up to the report date, for marking charts and headline figures.
WITH final AS (
    SELECT event_id, event_date, name
    FROM ref_events
    WHERE event_date <= $as_of
)

SELECT * FROM final
ORDER BY event_date
