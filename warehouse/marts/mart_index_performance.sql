CREATE OR REPLACE TABLE marts.mart_index_performance AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
source AS (
    SELECT b.index_code, b.trade_date, b.close
    FROM core.index_bars AS b
    CROSS JOIN context
    WHERE b.trade_date <= context.as_of_date
),
renamed AS (
    SELECT
        index_code,
        trade_date,
        close,
        lag(close) OVER w AS prev_close,
        ln(close / lag(close) OVER w) AS log_return,
        max(close) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_peak,
        date_trunc('month', trade_date)::DATE AS month_start,
        date_trunc('year', trade_date)::DATE AS year_start,
        (trade_date - INTERVAL 1 YEAR)::DATE AS year_ago
    FROM source
    WINDOW w AS (PARTITION BY index_code ORDER BY trade_date)
),
with_vol AS (
    SELECT
        *,
        CASE WHEN count(log_return) OVER v20 = 20
            THEN stddev_samp(log_return) OVER v20 * sqrt(252) END AS vol_20d,
        CASE WHEN count(log_return) OVER v60 = 60
            THEN stddev_samp(log_return) OVER v60 * sqrt(252) END AS vol_60d
    FROM renamed
    WINDOW
        v20 AS (PARTITION BY index_code ORDER BY trade_date
                ROWS BETWEEN 19 PRECEDING AND CURRENT ROW),
        v60 AS (PARTITION BY index_code ORDER BY trade_date
                ROWS BETWEEN 59 PRECEDING AND CURRENT ROW)
),
month_base AS (
    SELECT r.index_code, r.trade_date, s.close AS base_close
    FROM renamed AS r
    ASOF LEFT JOIN source AS s
        ON s.index_code = r.index_code AND s.trade_date < r.month_start
),
year_base AS (
    SELECT r.index_code, r.trade_date, s.close AS base_close
    FROM renamed AS r
    ASOF LEFT JOIN source AS s
        ON s.index_code = r.index_code AND s.trade_date < r.year_start
),
one_year_base AS (
    SELECT r.index_code, r.trade_date, s.close AS base_close
    FROM renamed AS r
    ASOF LEFT JOIN source AS s
        ON s.index_code = r.index_code AND s.trade_date <= r.year_ago
),
returns AS (
    SELECT
        v.index_code,
        v.trade_date,
        v.close,
        v.close / v.prev_close - 1 AS ret_1d,
        v.close / m.base_close - 1 AS ret_mtd,
        v.close / y.base_close - 1 AS ret_ytd,
        v.close / o.base_close - 1 AS ret_1y,
        v.close / v.running_peak - 1 AS drawdown,
        v.vol_20d,
        v.vol_60d
    FROM with_vol AS v
    JOIN month_base AS m USING (index_code, trade_date)
    JOIN year_base AS y USING (index_code, trade_date)
    JOIN one_year_base AS o USING (index_code, trade_date)
),
ndx AS (
    SELECT trade_date, ret_mtd, ret_ytd
    FROM returns
    WHERE index_code = 'NDX'
),
final AS (
    SELECT
        r.index_code,
        r.trade_date,
        r.close,
        r.ret_1d,
        r.ret_mtd,
        r.ret_ytd,
        r.ret_1y,
        -- NDX's figures as of the latest US session on or before this date, within the same
        -- month/year; a US session from the previous month means NDX has not moved this month.
        r.ret_mtd - CASE WHEN date_trunc('month', n.trade_date) = date_trunc('month', r.trade_date)
            THEN n.ret_mtd ELSE 0 END AS excess_mtd_vs_ndx,
        r.ret_ytd - CASE WHEN date_trunc('year', n.trade_date) = date_trunc('year', r.trade_date)
            THEN n.ret_ytd ELSE 0 END AS excess_ytd_vs_ndx,
        r.drawdown,
        r.vol_20d,
        r.vol_60d
    FROM returns AS r
    ASOF LEFT JOIN ndx AS n ON n.trade_date <= r.trade_date
)
SELECT * FROM final
ORDER BY index_code, trade_date;

COMMENT ON TABLE marts.mart_index_performance IS 'One row per index and trading day: level, returns (fractions, 0.1264 = +12.64%), excess return over the Nasdaq-100, drawdown and realised volatility.';
COMMENT ON COLUMN marts.mart_index_performance.index_code IS 'Index code (STAR50, CHINEXT, CSI300, CSIALL, HSTECH, HSI, NDX); see ref_indices for names and proxies.';
COMMENT ON COLUMN marts.mart_index_performance.trade_date IS 'Trading day of the index''s own exchange calendar (local date).';
COMMENT ON COLUMN marts.mart_index_performance.close IS 'Closing level in index points (HSTECH: 513130.SH ETF price in CNY, a proxy).';
COMMENT ON COLUMN marts.mart_index_performance.ret_1d IS 'Return since the previous trading day''s close, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.ret_mtd IS 'Month-to-date return versus the last close of the previous month, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.ret_ytd IS 'Year-to-date return versus the last close of the previous year, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.ret_1y IS 'Return versus the last close on or before the same date one year earlier, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.excess_mtd_vs_ndx IS 'ret_mtd minus the Nasdaq-100 month-to-date return as of the latest US session on or before trade_date, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.excess_ytd_vs_ndx IS 'ret_ytd minus the Nasdaq-100 year-to-date return as of the latest US session on or before trade_date, fraction.';
COMMENT ON COLUMN marts.mart_index_performance.drawdown IS 'Close relative to the highest close since the start of stored history, minus 1 (0 at a new high), fraction.';
COMMENT ON COLUMN marts.mart_index_performance.vol_20d IS 'Annualised realised volatility: sample stddev of the last 20 daily log returns times sqrt(252).';
COMMENT ON COLUMN marts.mart_index_performance.vol_60d IS 'Annualised realised volatility: sample stddev of the last 60 daily log returns times sqrt(252).';
