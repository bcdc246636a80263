-- The mart under its column names before release 0.2.0; removed in release 0.3.0.
CREATE VIEW pub.compat.mart_index_performance_v1 AS
SELECT
    index_code, trade_date AS as_of_date, close, ret_1d, ret_mtd, ret_ytd, ret_1y,
    excess_mtd_vs_ndx, excess_ytd_vs_ndx, drawdown, vol_20d, vol_60d
FROM main.mart_index_performance;
