-- Every chained dataset's series as the gate continues it: the staged days, the stored days
-- around them not staged again, and each series' last stored day however old it is; with each
-- day's previous value and date in the chain and the series' first day in it. A day staged
-- twice is one day here (the key rules name the duplicate).
WITH staged AS (
    SELECT dataset, series, trade_date, any_value(value) AS value
    FROM gate_staged_series
    GROUP BY dataset, series, trade_date
),

stored AS (
    SELECT dataset, series, trade_date, value
    FROM gate_merged_series
    UNION
    SELECT dataset, series, last_date, last_value
    FROM gate_series_tails
),

chain AS (
    SELECT *, true AS is_staged
    FROM staged
    UNION ALL
    SELECT *, false AS is_staged
    FROM stored
    WHERE NOT EXISTS (
        SELECT 1 FROM staged
        WHERE staged.dataset = stored.dataset
            AND staged.series = stored.series
            AND staged.trade_date = stored.trade_date
    )
),

final AS (
    SELECT
        dataset,
        series,
        trade_date,
        value,
        is_staged,
        lag(value) OVER by_day AS prev_value,
        lag(trade_date) OVER by_day AS prev_date,
        min(trade_date) OVER (PARTITION BY dataset, series) AS first_date
    FROM chain
    WINDOW by_day AS (PARTITION BY dataset, series ORDER BY trade_date)
)

SELECT * FROM final
