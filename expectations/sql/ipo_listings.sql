-- One row per staged IPO listing with its first-day return and whether its board limited the
-- debut: Shanghai and Shenzhen main-board debuts closed within +44% / -36% of the offer price
-- until the registration reform of 2023-04-10 lifted first-day limits there too (STAR, ChiNext
-- and Hong Kong debuts never had one), whether both first-day prices lie within the multiples
-- of the offer a real debut stays within; flagged where a number is NaN or infinite.
WITH staged AS (
    SELECT
        symbol, name, exchange, board, listing_date, prospectus_date, offer_price,
        first_day_open, first_day_close, funds_raised, currency
    FROM staging.ipo_listings
),

final AS (
    SELECT
        *,
        first_day_close / offer_price - 1 AS first_day_return,
        -- Both first-day prices as multiples of the offer, where the report has them.
        CASE WHEN offer_price > 0 THEN
            first_day_open / offer_price BETWEEN $lowest_multiple AND $highest_multiple
            AND first_day_close / offer_price BETWEEN $lowest_multiple AND $highest_multiple
        END AS first_day_plausible,
        -- GX row conditions compare strings, not booleans: hence a label.
        CASE
            WHEN board = 'MAIN' AND exchange IN ('SSE', 'SZSE')
                AND listing_date < DATE '2023-04-10' THEN 'limited'
            ELSE 'free'
        END AS debut_limit,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(offer_price) THEN 'offer_price' END,
            CASE WHEN NOT isfinite(first_day_open) THEN 'first_day_open' END,
            CASE WHEN NOT isfinite(first_day_close) THEN 'first_day_close' END,
            CASE WHEN NOT isfinite(funds_raised) THEN 'funds_raised' END
        ), '') AS nonfinite_columns
    FROM staged
)

SELECT * FROM final
