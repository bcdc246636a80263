-- One row per staged FX rate with the previous rate of its pair in its chain (gate_series_chain).
WITH staged AS (
    SELECT pair, trade_date, rate
    FROM staging.fx_rates
),

-- Each staged day's place in the chain (staged days, then stored history).
chain AS (
    SELECT series AS pair, trade_date, prev_value AS prev_rate
    FROM gate_series_chain
    WHERE dataset = 'fx_rates' AND is_staged
),

chained AS (
    SELECT staged.*, chain.prev_rate
    FROM staged
    LEFT JOIN chain USING (pair, trade_date)
),

final AS (
    SELECT
        pair,
        trade_date,
        rate,
        prev_rate,
        abs(rate / prev_rate - 1) AS abs_change,
        CASE WHEN NOT isfinite(rate) THEN 'rate' END AS nonfinite_columns
    FROM chained
)

SELECT * FROM final
