-- Every chained dataset's series as the gate continues it (gate_series_days): the staged days,
-- the stored days around them not staged again and each series' last stored day however old it
-- is; with each day's previous value and date in the chain and the series' first day in it.
-- A day staged twice is one day (the key rules name the duplicate), and so is a last stored day
-- the window holds too: staged rows are grouped by day, stored rows by day and value. A day's
-- copies keep their smallest figure, the same on every run whichever copy a scan meets first.
-- The staged rows of a dataset whose days are distinct (gate_distinct_days) have no copies to
-- group: grouping a year of the market's bars cost its row checks 0.3 s of CPU.
WITH distinct_days AS (
    SELECT dataset
    FROM gate_distinct_days
),

grouped AS (
    SELECT dataset, series, trade_date, min(value) AS value, is_staged
    FROM gate_series_days
    WHERE NOT is_staged OR dataset NOT IN (SELECT dataset FROM distinct_days)
    GROUP BY dataset, series, trade_date, is_staged, CASE WHEN NOT is_staged THEN value END
),

chain AS (
    SELECT * FROM grouped
    UNION ALL
    SELECT dataset, series, trade_date, value, is_staged
    FROM gate_series_days
    WHERE is_staged AND dataset IN (SELECT dataset FROM distinct_days)
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
