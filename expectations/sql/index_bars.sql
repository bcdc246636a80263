-- One row per staged index bar with its seed calendar and the previous close in the series'
-- chain (staging, or stored history: gate_series_chain).
WITH staged AS (
    SELECT index_code, trade_date, open, high, low, close, volume, amount
    FROM staging.index_bars
),

indices AS (
    SELECT index_code, calendar
    FROM ref.indices
),

sessions AS (
    SELECT calendar, session_date
    FROM ref.sessions
),

-- Each staged day's place in the close chain (staged days, then stored history).
chain AS (
    SELECT series AS index_code, trade_date, prev_value AS prev_close, prev_date
    FROM gate_series_chain
    WHERE dataset = 'index_bars' AND is_staged
),

-- Turnover per share traded is an average price: one value per staged day (a day's copies keep
-- the smallest, the same on every run).
turnover_prices AS (
    SELECT index_code, trade_date, min(amount / nullif(volume, 0)) AS turnover_price
    FROM staged
    GROUP BY index_code, trade_date
),

chained AS (
    SELECT
        staged.*,
        chain.prev_close,
        -- Turnover per share traded drifts, it never jumps 1000x unless the amount or volume
        -- unit changed (yuan vs thousands, shares vs lots); a stored previous day has none.
        (staged.amount / nullif(staged.volume, 0)) / previous.turnover_price
            AS turnover_price_ratio
    FROM staged
    LEFT JOIN chain USING (index_code, trade_date)
    LEFT JOIN turnover_prices AS previous
        ON previous.index_code = staged.index_code AND previous.trade_date = chain.prev_date
),

final AS (
    SELECT
        chained.index_code,
        chained.trade_date,
        chained.open,
        chained.high,
        chained.low,
        chained.close,
        chained.volume,
        chained.amount,
        chained.turnover_price_ratio,
        least(chained.open, chained.close) AS body_low,
        greatest(chained.open, chained.close) AS body_high,
        -- GX row conditions compare strings and numbers, not booleans: hence a label.
        CASE
            WHEN chained.open IS NULL AND chained.high IS NULL AND chained.low IS NULL
                AND chained.volume IS NULL THEN 'close_only'
            ELSE 'ohlc'
        END AS bar_kind,
        CASE
            WHEN indices.calendar IS NOT NULL THEN sessions.session_date IS NOT NULL
        END AS is_session,
        chained.prev_close,
        abs(chained.close / chained.prev_close - 1) AS abs_move,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(chained.open) THEN 'open' END,
            CASE WHEN NOT isfinite(chained.high) THEN 'high' END,
            CASE WHEN NOT isfinite(chained.low) THEN 'low' END,
            CASE WHEN NOT isfinite(chained.close) THEN 'close' END,
            CASE WHEN NOT isfinite(chained.volume) THEN 'volume' END,
            CASE WHEN NOT isfinite(chained.amount) THEN 'amount' END
        ), '') AS nonfinite_columns
    FROM chained
    LEFT JOIN indices USING (index_code)
    LEFT JOIN sessions
        ON sessions.calendar = indices.calendar AND sessions.session_date = chained.trade_date
)

SELECT * FROM final
