-- The latest date of every published time series, the trading calendars that make it due and the
-- mart it is read from (whose datasets' publication lag it is allowed).
WITH basket_calendars AS (
    SELECT b.basket, list(DISTINCT s.calendar ORDER BY s.calendar) AS calendars
    FROM ref_baskets AS b
    INNER JOIN ref_securities AS s USING (symbol)
    GROUP BY b.basket
),

indices AS (
    SELECT 'index levels' AS dataset, p.index_code AS series, [i.calendar] AS calendars,
        max(p.trade_date) AS latest_date, 'mart_index_performance' AS mart
    FROM mart_index_performance AS p
    INNER JOIN ref_indices AS i USING (index_code)
    GROUP BY ALL
),

baskets AS (
    SELECT 'basket market value' AS dataset, m.basket AS series, c.calendars,
        max(m.trade_date) AS latest_date, 'mart_basket_market_value' AS mart
    FROM mart_basket_market_value AS m
    INNER JOIN basket_calendars AS c USING (basket)
    GROUP BY ALL
),

valuations AS (
    SELECT 'valuation' AS dataset, v.symbol AS series, [s.calendar] AS calendars,
        max(v.trade_date) AS latest_date, 'mart_valuation' AS mart
    FROM mart_valuation AS v
    INNER JOIN ref_securities AS s USING (symbol)
    GROUP BY ALL
),

margin AS (
    SELECT 'margin financing' AS dataset, exchange AS series, ['XSHG'] AS calendars,
        max(trade_date) AS latest_date, 'mart_margin_financing' AS mart
    FROM mart_margin_financing
    GROUP BY ALL
),

final AS (
    SELECT * FROM indices
    UNION ALL SELECT * FROM baskets
    UNION ALL SELECT * FROM valuations
    UNION ALL SELECT * FROM margin
)

SELECT * FROM final
ORDER BY dataset, series
