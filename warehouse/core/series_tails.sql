-- The first and last stored day of every daily series (staged_series: the registry's long
-- form of the staged chained datasets, built by warehouse.series), and its last value, maintained from what
-- is staged: the gate's history checks read a series' seam with the past from here instead of
-- scanning the history.
INSERT OR REPLACE INTO core.series_tails BY NAME
WITH source AS (
    SELECT dataset, series, trade_date, value
    FROM staged_series
),
context AS (
    SELECT run_id FROM ops.run_context
),
staged AS (
    SELECT
        dataset,
        series,
        min(trade_date) AS first_date,
        max(trade_date) AS last_date,
        arg_max(value, trade_date) AS last_value
    FROM source
    WHERE series IS NOT NULL AND trade_date IS NOT NULL
    GROUP BY dataset, series
),
final AS (
    SELECT
        staged.dataset,
        staged.series,
        least(staged.first_date, tails.first_date) AS first_date,
        greatest(staged.last_date, tails.last_date) AS last_date,
        CASE
            WHEN tails.last_date IS NULL OR staged.last_date >= tails.last_date
                THEN staged.last_value
            ELSE tails.last_value
        END AS last_value,
        context.run_id AS loaded_run_id
    FROM staged
    LEFT JOIN core.series_tails AS tails USING (dataset, series)
    CROSS JOIN context
)
SELECT * FROM final;
