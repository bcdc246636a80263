-- The rows staging.eps_forecast brings to core.eps_forecast: warehouse.load upserts them on the natural key,
-- or, for a backfill partition, inserts them in place of the partition's dates.
WITH source AS (
    SELECT * FROM staging.eps_forecast
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT symbol, report_date, fiscal_year, eps, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
