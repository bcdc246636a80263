-- The rows staging.security_bars brings to core.security_bars: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.security_bars
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT symbol, trade_date, open, high, low, close, volume, amount, currency, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
