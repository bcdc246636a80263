-- One row per staged margin balance with the previous balance of its exchange from staging or
-- merged history.
WITH staged AS (
    SELECT exchange, trade_date, financing_balance, lending_balance, financing_buy, source_file
    FROM staging.margin
),

-- Stored days around the staged range, plus each series' last stored day however old it is.
merged AS (
    SELECT exchange, trade_date, financing_balance
    FROM gate_history_margin
    UNION
    SELECT series, last_date, last_value
    FROM gate_series_tails
    WHERE dataset = 'margin'
),

-- Merged days already staged again are dropped so each day appears once in the balance chain.
chain AS (
    SELECT *, true AS is_staged
    FROM staged
    UNION ALL BY NAME
    SELECT *, false AS is_staged
    FROM merged
    WHERE NOT EXISTS (
        SELECT 1 FROM staged
        WHERE staged.exchange = merged.exchange AND staged.trade_date = merged.trade_date
    )
),

chained AS (
    SELECT
        *,
        lag(financing_balance) OVER (PARTITION BY exchange ORDER BY trade_date) AS prev_balance
    FROM chain
),

final AS (
    SELECT
        exchange,
        trade_date,
        financing_balance,
        lending_balance,
        financing_buy,
        source_file,
        prev_balance,
        abs(financing_balance / prev_balance - 1) AS abs_change,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(financing_balance) THEN 'financing_balance' END,
            CASE WHEN NOT isfinite(lending_balance) THEN 'lending_balance' END,
            CASE WHEN NOT isfinite(financing_buy) THEN 'financing_buy' END
        ), '') AS nonfinite_columns
    FROM chained
    WHERE is_staged
)

SELECT * FROM final
ORDER BY exchange, trade_date
