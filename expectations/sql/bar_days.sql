-- One row per day of each measured dataset's series that carries a price (gate_bars: the staged
-- days and the stored month before them), with its bar and, for a staged day, its file. A day
-- staged twice (the key rules name it) is one day, with the smallest of its figures, so the
-- series rules order days without ties: a copied day had turned a series' run stale or not
-- depending on which copy each sort met first. Only a dataset whose days are not known distinct
-- (gate_distinct_days) is grouped: grouping a year of the market's bars cost its series rules
-- 0.7 s of CPU, and a clean batch has no copies to group.
WITH distinct_days AS (
    SELECT dataset
    FROM gate_distinct_days
),

grouped AS (
    SELECT
        dataset,
        series,
        trade_date,
        min(value) FILTER (WHERE value > 0) AS value,
        bool_or(is_staged) FILTER (WHERE value > 0) AS is_staged,
        min(open) AS open,
        min(high) AS high,
        min(low) AS low,
        min(volume) AS volume,
        max(source_file) FILTER (WHERE value > 0) AS source_file
    FROM gate_bars
    WHERE dataset NOT IN (SELECT dataset FROM distinct_days)
    GROUP BY dataset, series, trade_date
    HAVING count(*) FILTER (WHERE value > 0) > 0
),

single AS (
    SELECT dataset, series, trade_date, value, is_staged, open, high, low, volume, source_file
    FROM gate_bars
    WHERE dataset IN (SELECT dataset FROM distinct_days) AND value > 0
),

final AS (
    SELECT * FROM grouped
    UNION ALL
    SELECT * FROM single
)

SELECT * FROM final
