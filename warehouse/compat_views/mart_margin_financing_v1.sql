-- The mart under its column names before release 0.2.0; removed in release 0.3.0.
CREATE VIEW pub.compat.mart_margin_financing_v1 AS
SELECT
    trade_date, exchange, financing_balance_cny, change_1d, change_20d,
    change_20d_frac AS change_20d_pct, financing_buy_cny, market_turnover_cny, balance_to_turnover,
    financing_buy_share_of_turnover
FROM main.mart_margin_financing;
