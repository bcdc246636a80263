-- Reference events, for marking charts.
SELECT event_id, event_date, name
FROM ref_events
ORDER BY event_date
