CREATE OR REPLACE TABLE marts.mart_basket_market_value AS
WITH context AS (
    SELECT as_of_date FROM ops.run_context
),
members AS (
    SELECT b.basket, s.symbol, s.calendar, s.currency, s.shares_outstanding
    FROM ref.baskets AS b
    JOIN ref.securities AS s USING (symbol)
),
-- Only basket members' rows: the full-market history is far larger than the baskets.
bars AS (
    SELECT sb.symbol, sb.trade_date, sb.close
    FROM core.security_bars AS sb
    CROSS JOIN context
    WHERE sb.trade_date <= context.as_of_date
      AND sb.symbol IN (SELECT symbol FROM members)
),
valuations AS (
    SELECT symbol, trade_date, market_cap
    FROM core.valuation
    WHERE symbol IN (SELECT symbol FROM members)
),
fx AS (
    SELECT pair, trade_date, rate FROM core.fx_rates
),
spine AS (
    -- A basket is valued on every session of any of its members' exchanges, from its first bar.
    SELECT DISTINCT m.basket, ses.session_date AS trade_date
    FROM members AS m
    JOIN ref.sessions AS ses ON ses.calendar = m.calendar
    CROSS JOIN context
    WHERE ses.session_date <= context.as_of_date
      AND ses.session_date >= (SELECT min(trade_date) FROM bars)
),
member_days AS (
    SELECT sp.basket, sp.trade_date, m.symbol, m.currency, m.shares_outstanding
    FROM spine AS sp
    JOIN members AS m USING (basket)
),
priced AS (
    SELECT md.*, b.close, b.trade_date AS price_date
    FROM member_days AS md
    ASOF LEFT JOIN bars AS b ON b.symbol = md.symbol AND b.trade_date <= md.trade_date
),
capped AS (
    SELECT p.*, coalesce(v.market_cap, p.close * p.shares_outstanding) AS market_cap_local
    FROM priced AS p
    LEFT JOIN valuations AS v ON v.symbol = p.symbol AND v.trade_date = p.price_date
),
converted AS (
    SELECT
        c.*,
        CASE c.currency
            WHEN 'USD' THEN 1.0
            ELSE f.rate
        END AS local_per_usd
    FROM capped AS c
    ASOF LEFT JOIN fx AS f
        ON f.pair = 'USD' || c.currency AND f.trade_date <= c.trade_date
),
basket_days AS (
    SELECT
        basket,
        trade_date,
        -- Exact decimal addition: a parallel DOUBLE sum differs in the last bits between runs.
        sum(CAST(market_cap_local / local_per_usd AS DECIMAL(38, 2)))::DOUBLE AS market_cap_usd,
        count(close) AS members_priced,
        count(*) AS members_total
    FROM converted
    GROUP BY basket, trade_date
),
with_change AS (
    SELECT d.*, y.market_cap_usd AS market_cap_usd_1y_ago
    FROM basket_days AS d
    ASOF LEFT JOIN basket_days AS y
        ON y.basket = d.basket AND y.trade_date <= (d.trade_date - INTERVAL 1 YEAR)::DATE
),
ratio AS (
    SELECT c.trade_date, c.market_cap_usd / u.market_cap_usd AS china_us_ratio
    FROM basket_days AS c
    ASOF JOIN basket_days AS u
        ON u.basket = 'us_ai' AND u.trade_date <= c.trade_date
    WHERE c.basket = 'china_ai'
),
final AS (
    SELECT
        w.basket,
        w.trade_date,
        w.market_cap_usd,
        w.market_cap_usd - w.market_cap_usd_1y_ago AS change_1y_usd,
        w.market_cap_usd / w.market_cap_usd_1y_ago - 1 AS change_1y_frac,
        r.china_us_ratio,
        w.members_priced,
        w.members_total
    FROM with_change AS w
    LEFT JOIN ratio AS r USING (trade_date)
)
SELECT * FROM final
ORDER BY basket, trade_date;

COMMENT ON TABLE marts.mart_basket_market_value IS 'Total market value of each basket (china_ai: 33 Chinese AI stocks approximating the Jefferies basket; us_ai: 10 US AI leaders) in USD, per session of any member exchange.';
COMMENT ON COLUMN marts.mart_basket_market_value.basket IS 'Basket id from ref_baskets: china_ai or us_ai.';
COMMENT ON COLUMN marts.mart_basket_market_value.trade_date IS 'Session date of any member exchange; each member is valued at its last close on or before it.';
COMMENT ON COLUMN marts.mart_basket_market_value.market_cap_usd IS 'Sum of member market capitalisations in USD: provider market cap where published, else close x shares outstanding (ref_securities), converted at the last USD/CNY or USD/HKD rate on or before the date.';
COMMENT ON COLUMN marts.mart_basket_market_value.change_1y_usd IS 'market_cap_usd minus its value on the last basket date on or before the same date a year earlier, USD (includes value added by members listed during the year).';
COMMENT ON COLUMN marts.mart_basket_market_value.change_1y_frac IS 'market_cap_usd relative to one year earlier, minus 1, fraction.';
COMMENT ON COLUMN marts.mart_basket_market_value.china_us_ratio IS 'china_ai market_cap_usd divided by us_ai market_cap_usd on the same date (latest us_ai value on or before it), fraction.';
COMMENT ON COLUMN marts.mart_basket_market_value.members_priced IS 'Members with a close on or before the date (not yet listed members count as zero value).';
COMMENT ON COLUMN marts.mart_basket_market_value.members_total IS 'Members in the basket.';
