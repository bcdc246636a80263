INSERT OR REPLACE INTO core.crosscheck BY NAME
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
