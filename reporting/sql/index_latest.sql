-- Each index's last row up to the report date: close and the returns of the MTD/YTD/1Y table.
WITH dated AS (
    SELECT * FROM mart_index_performance WHERE trade_date <= $as_of
),

latest AS (
    SELECT index_code, max(trade_date) AS trade_date
    FROM dated
    GROUP BY index_code
),

final AS (
    SELECT
        p.index_code, i.name, i.is_proxy, p.trade_date, p.close, i.currency, p.ret_1d,
        p.ret_mtd, p.ret_ytd, p.ret_1y, p.excess_mtd_vs_ndx, p.excess_ytd_vs_ndx, p.drawdown,
        p.vol_20d
    FROM dated AS p
    INNER JOIN latest USING (index_code, trade_date)
    INNER JOIN ref_indices AS i USING (index_code)
)

SELECT * FROM final
ORDER BY ret_ytd DESC NULLS LAST
