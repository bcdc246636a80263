INSERT OR REPLACE INTO core.security_bars BY NAME
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
