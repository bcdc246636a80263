-- Every chained dataset's series as the gate continues it (gate_series_days): the staged days,
-- a day staged twice as one day (the key rules name the duplicate), the stored days around them
-- not staged again and each series' last stored day however old it is; with each day's previous
-- value and date in the chain and the series' first day in it.
WITH staged AS (
    SELECT dataset, series, trade_date, any_value(value) AS value
    FROM gate_series_days
    WHERE is_staged
    GROUP BY dataset, series, trade_date
),

-- A last stored day the window holds too is one day.
stored AS (
    SELECT DISTINCT dataset, series, trade_date, value
    FROM gate_series_days
    WHERE NOT is_staged
),

chain AS (
    SELECT *, true AS is_staged
    FROM staged
    UNION ALL
    SELECT *, false AS is_staged
    FROM stored
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
