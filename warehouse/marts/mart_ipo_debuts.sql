CREATE OR REPLACE TABLE marts.mart_ipo_debuts AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
source AS (
    SELECT l.*
    FROM core.ipo_listings AS l
    CROSS JOIN context
    -- Listings by introduction or transfer have no offer price and are not debuts.
    WHERE l.listing_date <= context.as_of_date AND l.offer_price IS NOT NULL
),
-- Only listed IPOs' rows: most of the market's history belongs to older listings.
bars AS (
    SELECT sb.symbol, sb.trade_date, sb.open, sb.close
    FROM core.security_bars AS sb
    CROSS JOIN context
    WHERE sb.trade_date <= context.as_of_date
      AND sb.symbol IN (SELECT symbol FROM source)
),
latest AS (
    SELECT symbol, arg_max(close, trade_date) AS last_close, max(trade_date) AS last_date
    FROM bars
    GROUP BY symbol
),
ai AS (
    SELECT symbol FROM ref.ipo_ai
    UNION
    SELECT symbol FROM ref.securities WHERE is_ai
),
renamed AS (
    SELECT
        s.symbol,
        s.name,
        s.exchange,
        s.board,
        s.listing_date,
        s.currency,
        s.offer_price,
        coalesce(s.first_day_open, d.open) AS first_day_open,
        coalesce(s.first_day_close, d.close) AS first_day_close,
        s.funds_raised,
        l.last_close,
        l.last_date,
        ai.symbol IS NOT NULL AS is_ai
    FROM source AS s
    LEFT JOIN bars AS d ON d.symbol = s.symbol AND d.trade_date = s.listing_date
    LEFT JOIN latest AS l ON l.symbol = s.symbol
    LEFT JOIN ai ON ai.symbol = s.symbol
),
final AS (
    SELECT
        symbol,
        name,
        exchange,
        board,
        listing_date,
        currency,
        offer_price,
        first_day_open,
        first_day_close,
        first_day_close / offer_price - 1 AS first_day_return,
        last_close / offer_price - 1 AS return_since_listing,
        last_date AS return_since_listing_date,
        funds_raised,
        is_ai
    FROM renamed
)
SELECT * FROM final
ORDER BY listing_date, symbol;

COMMENT ON TABLE marts.mart_ipo_debuts IS 'One row per IPO (STAR, ChiNext, SSE/SZSE main boards, HKEX) listed on or before the as-of date, with its offer price and first-day performance.';
COMMENT ON COLUMN marts.mart_ipo_debuts.symbol IS 'Security symbol (688785.SH, 02513.HK, ...).';
COMMENT ON COLUMN marts.mart_ipo_debuts.name IS 'Company name as published by the exchange or provider.';
COMMENT ON COLUMN marts.mart_ipo_debuts.exchange IS 'SSE, SZSE or HKEX.';
COMMENT ON COLUMN marts.mart_ipo_debuts.board IS 'STAR, CHINEXT, MAIN or HK.';
COMMENT ON COLUMN marts.mart_ipo_debuts.listing_date IS 'First trading day.';
COMMENT ON COLUMN marts.mart_ipo_debuts.currency IS 'Currency of the offer and prices (CNY or HKD).';
COMMENT ON COLUMN marts.mart_ipo_debuts.offer_price IS 'IPO offer (subscription) price per share.';
COMMENT ON COLUMN marts.mart_ipo_debuts.first_day_open IS 'Opening price on the listing day; from the IPO feed, else from daily bars; null when neither has it.';
COMMENT ON COLUMN marts.mart_ipo_debuts.first_day_close IS 'Closing price on the listing day; from the IPO feed, else from daily bars; null when neither has it.';
COMMENT ON COLUMN marts.mart_ipo_debuts.first_day_return IS 'first_day_close / offer_price - 1, fraction (the first-day pop).';
COMMENT ON COLUMN marts.mart_ipo_debuts.return_since_listing IS 'Last stored close on or before the as-of date / offer_price - 1, fraction; null without daily bars.';
COMMENT ON COLUMN marts.mart_ipo_debuts.return_since_listing_date IS 'Date of the close used for return_since_listing.';
COMMENT ON COLUMN marts.mart_ipo_debuts.funds_raised IS 'Gross proceeds in the offer currency (HKEX: public offer plus placing tranches).';
COMMENT ON COLUMN marts.mart_ipo_debuts.is_ai IS 'True for AI companies: listed in ref_ipo_ai (with the reason) or flagged is_ai in ref_securities.';
