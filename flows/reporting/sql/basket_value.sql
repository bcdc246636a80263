-- Basket market value over time and the China/US ratio, up to the report date.
WITH final AS (
    SELECT
        basket, as_of_date, market_cap_usd, change_1y_usd, change_1y_pct, china_us_ratio,
        members_priced, members_total
    FROM mart_basket_market_value
    WHERE as_of_date <= $as_of
)

SELECT * FROM final
ORDER BY basket, as_of_date
