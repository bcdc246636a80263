CREATE OR REPLACE TABLE marts.mart_ipo_monthly AS
WITH source AS (
    SELECT * FROM marts.mart_ipo_debuts
),
renamed AS (
    SELECT date_trunc('month', listing_date)::DATE AS listing_month, exchange, is_ai,
           first_day_return, funds_raised
    FROM source
),
final AS (
    SELECT
        listing_month,
        exchange,
        count(*) AS listings,
        count(*) FILTER (WHERE is_ai) AS ai_listings,
        count(first_day_return) AS listings_with_first_day,
        median(first_day_return) AS median_first_day_return,
        median(first_day_return) FILTER (WHERE is_ai) AS median_first_day_return_ai,
        sum(funds_raised) AS funds_raised
    FROM renamed
    GROUP BY listing_month, exchange
)
SELECT * FROM final
ORDER BY listing_month, exchange;

COMMENT ON TABLE marts.mart_ipo_monthly IS 'IPO debuts aggregated by listing month and exchange.';
COMMENT ON COLUMN marts.mart_ipo_monthly.listing_month IS 'First day of the listing month.';
COMMENT ON COLUMN marts.mart_ipo_monthly.exchange IS 'SSE, SZSE or HKEX.';
COMMENT ON COLUMN marts.mart_ipo_monthly.listings IS 'IPOs listed in the month.';
COMMENT ON COLUMN marts.mart_ipo_monthly.ai_listings IS 'Of which AI companies (is_ai).';
COMMENT ON COLUMN marts.mart_ipo_monthly.listings_with_first_day IS 'IPOs with a known first-day close (the median uses only these).';
COMMENT ON COLUMN marts.mart_ipo_monthly.median_first_day_return IS 'Median first-day return of the month''s IPOs with a known first-day close, fraction.';
COMMENT ON COLUMN marts.mart_ipo_monthly.median_first_day_return_ai IS 'Median first-day return of the month''s AI IPOs with a known first-day close, fraction.';
COMMENT ON COLUMN marts.mart_ipo_monthly.funds_raised IS 'Gross proceeds, in the exchange''s offer currency (CNY for SSE/SZSE, HKD for HKEX).';
