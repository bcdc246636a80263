-- IPO counts per listing month and exchange.
SELECT
    listing_month, exchange, listings, ai_listings, listings_with_first_day,
    median_first_day_return
FROM mart_ipo_monthly
ORDER BY listing_month, exchange
