-- Basket market value over time and the China/US ratio, up to the report date.
WITH final AS (
    SELECT
        basket, trade_date, market_cap_usd, change_1y_usd, change_1y_frac, china_us_ratio,
        members_priced, members_total
    FROM mart_basket_market_value
    WHERE trade_date <= $as_of
)

SELECT * FROM final
ORDER BY basket, trade_date
