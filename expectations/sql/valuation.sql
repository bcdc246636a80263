-- One row per staged valuation with the same day's staged bar close and the market cap implied
-- by close × total shares, so a unit or scale shift between the two datasets shows up.
WITH staged AS (
    SELECT symbol, trade_date, close, pe_ttm, market_cap, total_shares
    FROM staging.valuation
),

bars AS (
    SELECT symbol, trade_date, close
    FROM staging.security_bars
),

securities AS (
    SELECT symbol
    FROM ref.securities
),

-- A duplicated bar is the security_bars suite's finding; one close per day keeps rows unique here.
-- Bars whose days are distinct (gate_distinct_days) have one close a day already.
bar_closes AS (
    SELECT symbol, trade_date, max(close) AS bar_close
    FROM bars
    WHERE 'security_bars' NOT IN (SELECT dataset FROM gate_distinct_days)
    GROUP BY symbol, trade_date
    UNION ALL
    SELECT symbol, trade_date, close AS bar_close
    FROM bars
    WHERE 'security_bars' IN (SELECT dataset FROM gate_distinct_days)
),

final AS (
    SELECT
        staged.symbol,
        staged.trade_date,
        staged.close,
        staged.pe_ttm,
        staged.market_cap,
        staged.total_shares,
        CASE WHEN staged.symbol IS NOT NULL THEN securities.symbol IS NOT NULL END AS is_seeded,
        bar_closes.bar_close,
        abs(staged.close / bar_closes.bar_close - 1) AS close_gap,
        staged.market_cap / (staged.close * staged.total_shares) AS cap_ratio,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(staged.close) THEN 'close' END,
            CASE WHEN NOT isfinite(staged.pe_ttm) THEN 'pe_ttm' END,
            CASE WHEN NOT isfinite(staged.market_cap) THEN 'market_cap' END,
            CASE WHEN NOT isfinite(staged.total_shares) THEN 'total_shares' END
        ), '') AS nonfinite_columns
    FROM staged
    LEFT JOIN securities USING (symbol)
    LEFT JOIN bar_closes USING (symbol, trade_date)
)

SELECT * FROM final
