-- The rows staging.index_bars brings to core.index_bars: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.index_bars
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT index_code, trade_date, open, high, low, close, volume, amount, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
