-- One row per staged margin balance with the previous balance of its exchange in its chain
-- (gate_series_chain).
WITH staged AS (
    SELECT exchange, trade_date, financing_balance, lending_balance, financing_buy
    FROM staging.margin
),

-- Each staged day's place in the chain (staged days, then stored history).
chain AS (
    SELECT series AS exchange, trade_date, prev_value AS prev_balance
    FROM gate_series_chain
    WHERE dataset = 'margin' AND is_staged
),

chained AS (
    SELECT staged.*, chain.prev_balance
    FROM staged
    LEFT JOIN chain USING (exchange, trade_date)
),

final AS (
    SELECT
        exchange,
        trade_date,
        financing_balance,
        lending_balance,
        financing_buy,
        prev_balance,
        abs(financing_balance / prev_balance - 1) AS abs_change,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(financing_balance) THEN 'financing_balance' END,
            CASE WHEN NOT isfinite(lending_balance) THEN 'lending_balance' END,
            CASE WHEN NOT isfinite(financing_buy) THEN 'financing_buy' END
        ), '') AS nonfinite_columns
    FROM chained
)

SELECT * FROM final
