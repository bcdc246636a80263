-- Every stored daily series' first and last day and last value, scanned from core: the stand-in
-- for core.series_tails in a warehouse whose merges did not maintain it yet.
WITH stored AS (
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
        arg_max(value, trade_date) AS last_value
    FROM stored
    GROUP BY dataset, series
)

SELECT * FROM final
