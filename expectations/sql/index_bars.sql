-- One row per staged index bar with its seed calendar and the previous close taken from
-- staging or merged history.
WITH staged AS (
    SELECT index_code, trade_date, open, high, low, close, volume, amount, source_file
    FROM staging.index_bars
),

-- Stored days around the staged range, plus each series' last stored day however old it is.
merged AS (
    SELECT index_code, trade_date, close
    FROM gate_history_index_bars
    UNION
    SELECT series, last_date, last_value
    FROM gate_series_tails
    WHERE dataset = 'index_bars'
),

indices AS (
    SELECT index_code, calendar
    FROM ref.indices
),

sessions AS (
    SELECT calendar, session_date
    FROM ref.sessions
),

-- Merged days already staged again are dropped so each day appears once in the close chain.
chain AS (
    SELECT *, true AS is_staged
    FROM staged
    UNION ALL BY NAME
    SELECT *, false AS is_staged
    FROM merged
    WHERE NOT EXISTS (
        SELECT 1 FROM staged
        WHERE staged.index_code = merged.index_code AND staged.trade_date = merged.trade_date
    )
),

chained AS (
    SELECT
        *,
        lag(close) OVER (PARTITION BY index_code ORDER BY trade_date) AS prev_close,
        -- Turnover per share traded is an average price; it drifts, it never jumps 1000x
        -- unless the amount or volume unit changed (yuan vs thousands, shares vs lots).
        (amount / nullif(volume, 0)) / lag(amount / nullif(volume, 0))
            OVER (PARTITION BY index_code ORDER BY trade_date) AS turnover_price_ratio
    FROM chain
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
        chained.source_file,
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
    WHERE chained.is_staged
)

SELECT * FROM final
ORDER BY index_code, trade_date
