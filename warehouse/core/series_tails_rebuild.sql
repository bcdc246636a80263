-- One-off rebuild of core.series_tails from the full core tables (a warehouse from before the
-- tails existed); afterwards every merge keeps it current from staging alone.
INSERT OR REPLACE INTO core.series_tails BY NAME
WITH source AS (
    SELECT dataset, series, trade_date, value
    FROM stored_series
),
final AS (
    SELECT
        dataset,
        series,
        min(trade_date) AS first_date,
        max(trade_date) AS last_date,
        arg_max(value, trade_date) AS last_value,
        'rebuild' AS loaded_run_id
    FROM source
    GROUP BY dataset, series
)
SELECT * FROM final;
