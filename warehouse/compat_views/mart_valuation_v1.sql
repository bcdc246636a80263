-- The mart under its column names before release 0.2.0; removed in release 0.3.0.
CREATE VIEW pub.compat.mart_valuation_v1 AS
SELECT
    symbol, name, basket, board, trade_date AS as_of_date, close, currency, market_cap, pe_ttm,
    pe_forward, pe_ttm_pctile_3y, history_days, basket_median_pe_ttm, basket_median_pe_forward,
    is_stretched
FROM main.mart_valuation;
