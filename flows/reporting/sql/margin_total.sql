-- The market-wide margin-financing balance and its 20-day change.
SELECT trade_date, financing_balance_cny, change_20d, change_20d_pct, balance_to_turnover
FROM mart_margin_financing
WHERE exchange = 'TOTAL'
ORDER BY trade_date
