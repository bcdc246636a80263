INSERT OR REPLACE INTO core.index_bars BY NAME
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
