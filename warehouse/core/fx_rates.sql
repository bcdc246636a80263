-- The rows staging.fx_rates brings to core.fx_rates: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.fx_rates
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT pair, trade_date, rate, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
