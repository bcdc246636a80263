-- The mart under its column names before release 0.2.0; removed in release 0.3.0.
CREATE VIEW pub.compat.mart_basket_market_value_v1 AS
SELECT
    basket, trade_date AS as_of_date, market_cap_usd, change_1y_usd,
    change_1y_frac AS change_1y_pct, china_us_ratio, members_priced, members_total
FROM main.mart_basket_market_value;
