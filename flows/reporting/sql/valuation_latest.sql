-- Every valued stock on the latest valuation date, most expensive on forward earnings first.
WITH latest AS (
    SELECT max(as_of_date) AS as_of_date FROM mart_valuation
),

final AS (
    SELECT
        v.symbol, v.name, v.basket, v.board, v.as_of_date, v.close, v.currency, v.market_cap,
        v.pe_ttm, v.pe_forward, v.pe_ttm_pctile_3y, v.history_days, v.basket_median_pe_ttm,
        v.basket_median_pe_forward, v.is_stretched
    FROM mart_valuation AS v
    INNER JOIN latest USING (as_of_date)
)

SELECT * FROM final
ORDER BY pe_forward DESC NULLS LAST, pe_ttm DESC NULLS LAST
