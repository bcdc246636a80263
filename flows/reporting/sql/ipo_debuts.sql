-- Every IPO debut, newest first.
SELECT
    symbol, name, exchange, board, listing_date, currency, offer_price, first_day_close,
    first_day_return, return_since_listing, funds_raised, is_ai
FROM mart_ipo_debuts
ORDER BY listing_date DESC, symbol
