INSERT OR REPLACE INTO core.eps_forecast BY NAME
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
