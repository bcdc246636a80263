-- Basket market value over time and the China/US ratio.
SELECT
    basket, as_of_date, market_cap_usd, change_1y_usd, change_1y_pct, china_us_ratio,
    members_priced, members_total
FROM mart_basket_market_value
ORDER BY basket, as_of_date
