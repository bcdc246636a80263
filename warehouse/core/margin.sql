-- The rows staging.margin brings to core.margin: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.margin
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT exchange, trade_date, financing_balance, lending_balance, financing_buy, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
