-- One row per staged security bar with the context its suite validates: the seed's calendar,
-- board limit and currency, and the previous close in the series' chain (gate_series_chain).
WITH staged AS (
    SELECT symbol, trade_date, open, high, low, close, volume, amount, currency
    FROM staging.security_bars
),

securities AS (
    SELECT symbol, calendar, board, currency, shares_outstanding
    FROM ref.securities
),

boards AS (
    SELECT board, daily_limit
    FROM ref.boards
),

sessions AS (
    SELECT calendar, session_date
    FROM ref.sessions
),

-- The day each series was first stored: a listing's first sessions trade without a limit.
listed AS (
    SELECT series AS symbol, first_date AS first_stored
    FROM gate_series_tails
    WHERE dataset = 'security_bars'
),

seeded AS (
    SELECT
        securities.symbol,
        securities.calendar,
        securities.currency AS seed_currency,
        securities.shares_outstanding,
        coalesce(boards.daily_limit, $unlimited_move) + $tolerance AS board_ceiling
    FROM securities
    LEFT JOIN boards USING (board)
),

numbered_sessions AS (
    SELECT
        calendar,
        session_date,
        row_number() OVER (PARTITION BY calendar ORDER BY session_date) AS session_no
    FROM sessions
),

-- Each staged day's place in the close chain (staged days, then stored history).
chain AS (
    SELECT series AS symbol, trade_date, prev_value AS prev_close, first_date
    FROM gate_series_chain
    WHERE dataset = 'security_bars' AND is_staged
),

chained AS (
    SELECT staged.*, chain.prev_close, chain.first_date
    FROM staged
    LEFT JOIN chain USING (symbol, trade_date)
),

final AS (
    SELECT
        chained.symbol,
        chained.trade_date,
        chained.open,
        chained.high,
        chained.low,
        chained.close,
        chained.volume,
        chained.currency,
        least(chained.open, chained.close) AS body_low,
        greatest(chained.open, chained.close) AS body_high,
        -- GX row conditions compare strings and numbers, not booleans: hence a label.
        CASE
            WHEN chained.open IS NULL AND chained.high IS NULL AND chained.low IS NULL
                AND chained.volume IS NULL THEN 'close_only'
            ELSE 'ohlc'
        END AS bar_kind,
        seeded.seed_currency,
        CASE WHEN chained.symbol IS NOT NULL THEN seeded.symbol IS NOT NULL END AS is_seeded,
        CASE WHEN seeded.calendar IS NOT NULL THEN on_day.session_no IS NOT NULL END AS is_session,
        chained.prev_close,
        abs(chained.close / chained.prev_close - 1) AS abs_move,
        chained.volume / seeded.shares_outstanding AS turnover,
        -- New listings trade without a limit for their first sessions.
        CASE
            WHEN on_day.session_no - on_first.session_no <= $listing_sessions THEN NULL
            ELSE seeded.board_ceiling
        END AS move_ceiling,
        nullif(concat_ws(', ',
            CASE WHEN NOT isfinite(chained.open) THEN 'open' END,
            CASE WHEN NOT isfinite(chained.high) THEN 'high' END,
            CASE WHEN NOT isfinite(chained.low) THEN 'low' END,
            CASE WHEN NOT isfinite(chained.close) THEN 'close' END,
            CASE WHEN NOT isfinite(chained.volume) THEN 'volume' END,
            CASE WHEN NOT isfinite(chained.amount) THEN 'amount' END
        ), '') AS nonfinite_columns
    FROM chained
    LEFT JOIN seeded USING (symbol)
    LEFT JOIN listed USING (symbol)
    LEFT JOIN numbered_sessions AS on_day
        ON on_day.calendar = seeded.calendar AND on_day.session_date = chained.trade_date
    LEFT JOIN numbered_sessions AS on_first
        ON on_first.calendar = seeded.calendar
        AND on_first.session_date = least(chained.first_date, listed.first_stored)
)

SELECT * FROM final
