-- One row per staged FX rate with the previous rate of its pair from staging or merged history.
WITH staged AS (
    SELECT pair, trade_date, rate, source_file
    FROM staging.fx_rates
),

-- Stored days around the staged range, plus each series' last stored day however old it is.
merged AS (
    SELECT pair, trade_date, rate
    FROM gate_history_fx_rates
    UNION
    SELECT series, last_date, last_value
    FROM gate_series_tails
    WHERE dataset = 'fx_rates'
),

-- Merged days already staged again are dropped so each day appears once in the rate chain.
chain AS (
    SELECT *, true AS is_staged
    FROM staged
    UNION ALL BY NAME
    SELECT *, false AS is_staged
    FROM merged
    WHERE NOT EXISTS (
        SELECT 1 FROM staged
        WHERE staged.pair = merged.pair AND staged.trade_date = merged.trade_date
    )
),

chained AS (
    SELECT
        *,
        lag(rate) OVER (PARTITION BY pair ORDER BY trade_date) AS prev_rate
    FROM chain
),

final AS (
    SELECT
        pair,
        trade_date,
        rate,
        source_file,
        prev_rate,
        abs(rate / prev_rate - 1) AS abs_change,
        CASE WHEN NOT isfinite(rate) THEN 'rate' END AS nonfinite_columns
    FROM chained
    WHERE is_staged
)

SELECT * FROM final
ORDER BY pair, trade_date
