-- One-off rebuild of core.series_tails from the full core tables (a warehouse from before the
-- tails existed); afterwards every merge keeps it current from staging alone.
INSERT OR REPLACE INTO core.series_tails BY NAME
WITH source AS (
    SELECT 'index_bars' AS dataset, index_code AS series, trade_date, close AS value
    FROM core.index_bars
    UNION ALL
    SELECT 'security_bars', symbol, trade_date, close
    FROM core.security_bars
    UNION ALL
    SELECT 'fx_rates', pair, trade_date, rate
    FROM core.fx_rates
    UNION ALL
    SELECT 'margin', exchange, trade_date, financing_balance
    FROM core.margin
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
