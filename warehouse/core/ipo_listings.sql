-- The rows staging.ipo_listings brings to core.ipo_listings: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.ipo_listings
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT symbol, name, exchange, board, listing_date, prospectus_date, offer_price, first_day_open, first_day_close, funds_raised, currency, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
