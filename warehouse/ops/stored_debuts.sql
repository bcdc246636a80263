-- IPOs already stored with an offer price and listed in [$first, $last]: debuts to keep following.
SELECT symbol, name, exchange, board, currency, listing_date
FROM core.ipo_listings
WHERE offer_price IS NOT NULL
  AND listing_date BETWEEN $first AND $last
ORDER BY symbol
