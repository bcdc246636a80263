INSERT OR REPLACE INTO core.valuation BY NAME
WITH source AS (
    SELECT * FROM staging.valuation
),
context AS (
    SELECT run_id FROM ops.run_context
),
final AS (
    SELECT symbol, trade_date, close, pe_ttm, market_cap, total_shares, context.run_id AS loaded_run_id
    FROM source CROSS JOIN context
)
SELECT * FROM final;
