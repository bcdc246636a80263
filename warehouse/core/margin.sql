INSERT OR REPLACE INTO core.margin BY NAME
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
