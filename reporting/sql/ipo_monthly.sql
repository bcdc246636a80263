-- IPO counts per listing month and exchange, of the debuts listed by the report date.
-- mart_ipo_monthly counts whole months; the report date's month is counted to that date here,
-- with the mart's definitions.
WITH dated AS (
    SELECT
        date_trunc('month', listing_date)::DATE AS listing_month, exchange, is_ai,
        first_day_return
    FROM mart_ipo_debuts
    WHERE listing_date <= $as_of
),

final AS (
    SELECT
        listing_month, exchange,
        count(*) AS listings,
        count(*) FILTER (WHERE is_ai) AS ai_listings,
        count(first_day_return) AS listings_with_first_day,
        median(first_day_return) AS median_first_day_return
    FROM dated
    GROUP BY listing_month, exchange
)

SELECT * FROM final
ORDER BY listing_month, exchange
