CREATE OR REPLACE TABLE marts.mart_index_event_returns AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
source AS (
    SELECT b.index_code, b.trade_date, b.close
    FROM core.index_bars AS b
    CROSS JOIN context
    WHERE b.trade_date <= context.as_of_date
),
events AS (
    SELECT event_id, event_date, name AS event_name FROM ref.events
),
renamed AS (
    SELECT s.index_code, s.trade_date, s.close, e.event_id, e.event_name, e.event_date
    FROM source AS s
    JOIN events AS e ON s.trade_date >= e.event_date
),
base AS (
    SELECT r.*, s.close AS event_close, s.trade_date AS event_base_date
    FROM renamed AS r
    ASOF LEFT JOIN source AS s
        ON s.index_code = r.index_code AND s.trade_date <= r.event_date
),
final AS (
    SELECT
        index_code,
        trade_date,
        event_id,
        event_name,
        event_date,
        event_base_date,
        close / event_close - 1 AS ret_since_event
    FROM base
    WHERE event_close IS NOT NULL
)
SELECT * FROM final
ORDER BY index_code, event_id, trade_date;

COMMENT ON TABLE marts.mart_index_event_returns IS 'Return of each index since each reference event (ref_events), one row per index, event and trading day on or after the event.';
COMMENT ON COLUMN marts.mart_index_event_returns.index_code IS 'Index code, as in mart_index_performance.';
COMMENT ON COLUMN marts.mart_index_event_returns.trade_date IS 'Trading day of the index''s exchange calendar.';
COMMENT ON COLUMN marts.mart_index_event_returns.event_id IS 'Event identifier from ref_events (e.g. deepseek_r1, tariff_low).';
COMMENT ON COLUMN marts.mart_index_event_returns.event_name IS 'Human-readable event description.';
COMMENT ON COLUMN marts.mart_index_event_returns.event_date IS 'Calendar date of the event.';
COMMENT ON COLUMN marts.mart_index_event_returns.event_base_date IS 'Trading day whose close is the base: the last close on or before the event date.';
COMMENT ON COLUMN marts.mart_index_event_returns.ret_since_event IS 'close / base close - 1, fraction (ret_since_event per event).';
