-- The rows staging.crosscheck brings to core.crosscheck: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.crosscheck
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT dataset, series, trade_date, provider, value, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
