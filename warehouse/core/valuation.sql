-- The rows staging.valuation brings to core.valuation: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.valuation
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT symbol, trade_date, close, pe_ttm, market_cap, total_shares, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
