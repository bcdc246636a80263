-- The mart under its column names before release 0.2.0, every column it has in its order (a
-- column added to the mart later appears here too); removed in release 0.3.0.
CREATE VIEW pub.compat.mart_basket_market_value_v1 AS
SELECT * RENAME (trade_date AS as_of_date, change_1y_frac AS change_1y_pct)
FROM main.mart_basket_market_value;
