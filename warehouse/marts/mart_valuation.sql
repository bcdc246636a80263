CREATE OR REPLACE TABLE marts.mart_valuation AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
membership AS (
    SELECT b.basket, s.symbol, s.name, s.board, s.currency
    FROM ref.baskets AS b
    JOIN ref.securities AS s USING (symbol)
),
-- Only basket members' rows: the full-market history is far larger than the baskets. A P/E of
-- a loss-making year is not a multiple of earnings: null, as the column comment says.
source AS (
    SELECT
        v.symbol, v.trade_date, v.close, CASE WHEN v.pe_ttm > 0 THEN v.pe_ttm END AS pe_ttm,
        v.market_cap
    FROM core.valuation AS v
    CROSS JOIN context
    WHERE v.trade_date <= context.as_of_date
      AND v.symbol IN (SELECT symbol FROM membership)
),
forecasts AS (
    SELECT symbol, report_date, fiscal_year, eps
    FROM core.eps_forecast
    WHERE symbol IN (SELECT symbol FROM membership)
),
renamed AS (
    SELECT
        s.symbol,
        m.name,
        m.basket,
        m.board,
        s.trade_date,
        s.close,
        s.market_cap,
        m.currency,
        s.pe_ttm,
        year(s.trade_date) AS forward_year
    FROM source AS s
    JOIN membership AS m USING (symbol)
),
forward AS (
    -- Latest consensus published on or before the day, for the calendar year of the day.
    SELECT r.symbol, r.trade_date, arg_max(f.eps, f.report_date) AS eps_forward
    FROM renamed AS r
    JOIN forecasts AS f
        ON f.symbol = r.symbol
       AND f.fiscal_year = r.forward_year
       AND f.report_date <= r.trade_date
    GROUP BY r.symbol, r.trade_date
),
history AS (
    SELECT
        r.symbol,
        r.trade_date,
        count(h.pe_ttm) AS history_days,
        avg(CASE WHEN h.pe_ttm <= r.pe_ttm THEN 1.0 ELSE 0.0 END) AS pe_ttm_pctile_3y
    FROM renamed AS r
    JOIN source AS h
        ON h.symbol = r.symbol
       AND h.trade_date > (r.trade_date - INTERVAL 3 YEAR)::DATE
       AND h.trade_date <= r.trade_date
       AND h.pe_ttm IS NOT NULL
    WHERE r.pe_ttm IS NOT NULL
    GROUP BY r.symbol, r.trade_date
),
combined AS (
    SELECT
        r.*,
        CASE WHEN f.eps_forward > 0 THEN r.close / f.eps_forward END AS pe_forward,
        h.pe_ttm_pctile_3y,
        h.history_days
    FROM renamed AS r
    LEFT JOIN forward AS f USING (symbol, trade_date)
    LEFT JOIN history AS h USING (symbol, trade_date)
),
medians AS (
    SELECT
        basket,
        trade_date,
        median(pe_ttm) AS basket_median_pe_ttm,
        median(pe_forward) AS basket_median_pe_forward
    FROM combined
    GROUP BY basket, trade_date
),
final AS (
    SELECT
        c.symbol,
        c.name,
        c.basket,
        c.board,
        c.trade_date,
        c.close,
        c.currency,
        c.market_cap,
        c.pe_ttm,
        c.pe_forward,
        c.pe_ttm_pctile_3y,
        c.history_days,
        m.basket_median_pe_ttm,
        m.basket_median_pe_forward,
        coalesce(
            c.pe_forward >= 100
            OR (c.pe_ttm_pctile_3y >= 0.9 AND c.history_days >= 120
                AND c.pe_ttm > 2 * m.basket_median_pe_ttm),
            false
        ) AS is_stretched
    FROM combined AS c
    JOIN medians AS m USING (basket, trade_date)
)
SELECT * FROM final
ORDER BY symbol, trade_date;

COMMENT ON TABLE marts.mart_valuation IS 'Daily valuation of each basket stock that has a valuation feed (A-shares: Eastmoney RPT_VALUEANALYSIS_DET): trailing and forward P/E, position in its own 3-year history, basket medians and a stretched flag.';
COMMENT ON COLUMN marts.mart_valuation.symbol IS 'Security symbol (688256.SH, 002230.SZ, ...).';
COMMENT ON COLUMN marts.mart_valuation.name IS 'English short name from ref_securities.';
COMMENT ON COLUMN marts.mart_valuation.basket IS 'Basket the security belongs to (china_ai, us_ai).';
COMMENT ON COLUMN marts.mart_valuation.board IS 'Listing board: STAR, CHINEXT, MAIN, HK or US.';
COMMENT ON COLUMN marts.mart_valuation.trade_date IS 'Trading day.';
COMMENT ON COLUMN marts.mart_valuation.close IS 'Closing price in the trading currency, as published with the valuation.';
COMMENT ON COLUMN marts.mart_valuation.currency IS 'Trading currency (CNY, HKD, USD).';
COMMENT ON COLUMN marts.mart_valuation.market_cap IS 'Total market capitalisation in the trading currency.';
COMMENT ON COLUMN marts.mart_valuation.pe_ttm IS 'Price / trailing-twelve-month EPS; null when trailing earnings are zero or negative.';
COMMENT ON COLUMN marts.mart_valuation.pe_forward IS 'close / consensus EPS for the calendar year of trade_date, from the latest forecast dated on or before trade_date; null without a positive estimate.';
COMMENT ON COLUMN marts.mart_valuation.pe_ttm_pctile_3y IS 'Share of the stock''s own pe_ttm observations in the 3 years up to trade_date that are at or below today''s, fraction (1.0 = highest in its history).';
COMMENT ON COLUMN marts.mart_valuation.history_days IS 'Number of pe_ttm observations behind pe_ttm_pctile_3y (fewer than ~750 means less than 3 years of history).';
COMMENT ON COLUMN marts.mart_valuation.basket_median_pe_ttm IS 'Median pe_ttm across the basket''s members with a valuation on the same day.';
COMMENT ON COLUMN marts.mart_valuation.basket_median_pe_forward IS 'Median pe_forward across the basket''s members on the same day.';
COMMENT ON COLUMN marts.mart_valuation.is_stretched IS 'True when pe_forward >= 100, or when pe_ttm is in the top decile of its own history (>= 120 observations) and above twice the basket median.';
