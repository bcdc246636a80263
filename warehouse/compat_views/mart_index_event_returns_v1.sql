-- The mart under its column names before release 0.2.0; removed in release 0.3.0.
CREATE VIEW pub.compat.mart_index_event_returns_v1 AS
SELECT
    index_code, trade_date AS as_of_date, event_id, event_name, event_date, event_base_date,
    ret_since_event
FROM main.mart_index_event_returns;
