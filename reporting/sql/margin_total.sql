-- The market-wide margin-financing balance and its 20-day change, up to the report date.
WITH final AS (
    SELECT trade_date, financing_balance_cny, change_20d, change_20d_frac, balance_to_turnover
    FROM mart_margin_financing
    WHERE exchange = 'TOTAL' AND trade_date <= $as_of
)

SELECT * FROM final
ORDER BY trade_date
