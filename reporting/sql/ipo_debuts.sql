-- Every IPO debut listed by the report date, newest first, with the local name where one is known.
-- The mart keeps one return since listing, to its last close; before that close's date it is
-- not known from the marts, so it is left empty rather than taken from the report's future.
WITH dated AS (
    SELECT * FROM mart_ipo_debuts WHERE listing_date <= $as_of
),

final AS (
    SELECT
        d.symbol, coalesce(s.name, d.name) AS name, coalesce(s.name_local, '') AS name_local,
        d.exchange, d.board, d.listing_date, d.currency, d.offer_price, d.first_day_close,
        d.first_day_return,
        CASE WHEN d.return_since_listing_date <= $as_of THEN d.return_since_listing END
            AS return_since_listing,
        CASE WHEN d.return_since_listing_date <= $as_of THEN d.return_since_listing_date END
            AS return_since_listing_date,
        d.funds_raised, d.is_ai
    FROM dated AS d
    LEFT JOIN ref_securities AS s USING (symbol)
)

SELECT * FROM final
ORDER BY listing_date DESC, symbol
