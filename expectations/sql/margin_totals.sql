-- Per staged date, the market-wide TOTAL financing balance next to the sum of its SSE and SZSE
-- parts; the TOTAL also holds the Beijing exchange, so it can only be larger.
WITH staged AS (
    SELECT exchange, trade_date, financing_balance, source_file
    FROM staging.margin
),

totals AS (
    SELECT trade_date, max(financing_balance) AS total_balance, max(source_file) AS source_file
    FROM staged
    WHERE exchange = 'TOTAL'
    GROUP BY trade_date
),

parts AS (
    SELECT trade_date, sum(financing_balance) AS parts_balance
    FROM staged
    WHERE exchange IN ('SSE', 'SZSE')
    GROUP BY trade_date
),

final AS (
    SELECT
        'TOTAL' AS exchange,
        totals.trade_date,
        totals.total_balance,
        parts.parts_balance,
        totals.source_file
    FROM totals
    INNER JOIN parts USING (trade_date)
)

SELECT * FROM final
