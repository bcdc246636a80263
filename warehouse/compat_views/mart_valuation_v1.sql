-- The mart under its column names before release 0.2.0, every column it has in its order (a
-- column added to the mart later appears here too); removed in release 0.3.0.
CREATE VIEW pub.compat.mart_valuation_v1 AS
SELECT * RENAME (trade_date AS as_of_date)
FROM main.mart_valuation;
