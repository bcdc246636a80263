-- Every valued stock on the last valuation date up to the report date, ranked by forward P/E.
WITH latest AS (
    SELECT max(trade_date) AS trade_date FROM mart_valuation WHERE trade_date <= $as_of
),

final AS (
    SELECT
        v.symbol, v.name, coalesce(s.name_local, '') AS name_local, v.basket, v.board,
        v.trade_date, v.close, v.currency, v.market_cap, v.pe_ttm, v.pe_forward,
        v.pe_ttm_pctile_3y, v.history_days, v.basket_median_pe_ttm, v.basket_median_pe_forward,
        v.is_stretched
    FROM mart_valuation AS v
    INNER JOIN latest USING (trade_date)
    LEFT JOIN ref_securities AS s USING (symbol)
)

SELECT * FROM final
ORDER BY pe_forward DESC NULLS LAST, pe_ttm DESC NULLS LAST
