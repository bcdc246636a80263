-- One row per staged IPO listing with its first-day return and, where the board limits a debut
-- (Shanghai and Shenzhen main boards: +44% / -36% of the offer price on the first day; STAR,
-- ChiNext and Hong Kong debuts trade without a limit), that limit; flagged where a number is
-- NaN or infinite.
WITH staged AS (
    SELECT
        symbol, name, exchange, board, listing_date, prospectus_date, offer_price,
        first_day_open, first_day_close, funds_raised, currency, source_file
    FROM staging.ipo_listings
),

final AS (
    SELECT
        *,
        first_day_close / offer_price - 1 AS first_day_return,
        -- GX row conditions compare strings, not booleans: hence a label.
        CASE WHEN board = 'MAIN' AND exchange IN ('SSE', 'SZSE') THEN 'limited' ELSE 'free' END
            AS debut_limit,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(offer_price) THEN 'offer_price' END,
            CASE WHEN NOT isfinite(first_day_open) THEN 'first_day_open' END,
            CASE WHEN NOT isfinite(first_day_close) THEN 'first_day_close' END,
            CASE WHEN NOT isfinite(funds_raised) THEN 'funds_raised' END
        ), '') AS nonfinite_columns
    FROM staged
)

SELECT * FROM final
ORDER BY symbol, listing_date
