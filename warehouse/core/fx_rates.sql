INSERT OR REPLACE INTO core.fx_rates BY NAME
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
