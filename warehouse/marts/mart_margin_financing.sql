CREATE OR REPLACE TABLE marts.mart_margin_financing AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
source AS (
    SELECT m.exchange, m.trade_date, m.financing_balance, m.financing_buy
    FROM core.margin AS m
    CROSS JOIN context
    WHERE m.trade_date <= context.as_of_date
),
turnover AS (
    -- CSI All Share turnover stands for the whole A-share market's daily turnover.
    SELECT trade_date, amount AS market_turnover
    FROM core.index_bars
    WHERE index_code = 'CSIALL'
),
renamed AS (
    SELECT
        exchange,
        trade_date,
        financing_balance,
        financing_buy,
        lag(financing_balance, 1) OVER w AS balance_1d_ago,
        lag(financing_balance, 20) OVER w AS balance_20d_ago
    FROM source
    WINDOW w AS (PARTITION BY exchange ORDER BY trade_date)
),
final AS (
    SELECT
        r.trade_date,
        r.exchange,
        r.financing_balance AS financing_balance_cny,
        r.financing_balance - r.balance_1d_ago AS change_1d,
        r.financing_balance - r.balance_20d_ago AS change_20d,
        r.financing_balance / r.balance_20d_ago - 1 AS change_20d_frac,
        r.financing_buy AS financing_buy_cny,
        t.market_turnover AS market_turnover_cny,
        CASE WHEN r.exchange = 'TOTAL' THEN r.financing_balance / t.market_turnover END
            AS balance_to_turnover,
        CASE WHEN r.exchange = 'TOTAL' THEN r.financing_buy / t.market_turnover END
            AS financing_buy_share_of_turnover
    FROM renamed AS r
    LEFT JOIN turnover AS t USING (trade_date)
)
SELECT * FROM final
ORDER BY trade_date, exchange;

COMMENT ON TABLE marts.mart_margin_financing IS 'A-share margin-financing balances per trading day: SSE, SZSE and the market-wide TOTAL (which also includes the Beijing exchange).';
COMMENT ON COLUMN marts.mart_margin_financing.trade_date IS 'XSHG trading day.';
COMMENT ON COLUMN marts.mart_margin_financing.exchange IS 'SSE, SZSE or TOTAL (market-wide, CSF caliber).';
COMMENT ON COLUMN marts.mart_margin_financing.financing_balance_cny IS 'Outstanding margin-financing balance at the close, yuan.';
COMMENT ON COLUMN marts.mart_margin_financing.change_1d IS 'Change in the financing balance since the previous trading day, yuan.';
COMMENT ON COLUMN marts.mart_margin_financing.change_20d IS 'Change in the financing balance over 20 trading days, yuan.';
COMMENT ON COLUMN marts.mart_margin_financing.change_20d_frac IS 'Financing balance relative to 20 trading days earlier, minus 1, fraction.';
COMMENT ON COLUMN marts.mart_margin_financing.financing_buy_cny IS 'Margin purchases during the day, yuan.';
COMMENT ON COLUMN marts.mart_margin_financing.market_turnover_cny IS 'A-share market turnover that day (CSI All Share index turnover), yuan.';
COMMENT ON COLUMN marts.mart_margin_financing.balance_to_turnover IS 'TOTAL rows only: financing balance divided by the day''s market turnover (days of turnover the balance represents).';
COMMENT ON COLUMN marts.mart_margin_financing.financing_buy_share_of_turnover IS 'TOTAL rows only: margin purchases as a fraction of the day''s market turnover.';
