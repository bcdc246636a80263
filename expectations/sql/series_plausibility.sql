-- Per staged series of $dataset: spikes that revert the next session, runs of one unchanged
-- value while the dataset's other series moved or while the series' own evidence says it moved,
-- and jumps matching a split ratio. Judged on the staged days and the stored month before them
-- that carry a price, each day once (gate_bar_days: not the seam with older history).
WITH bar_days AS (
    SELECT series, trade_date, value, is_staged, open, high, low, volume, source_file
    FROM gate_bar_days
    WHERE dataset = $dataset AND series IS NOT NULL AND trade_date IS NOT NULL
),

-- A series' file to go and look at, apart from the rows every window sorts.
files AS (
    SELECT series, max(source_file) AS source_file
    FROM bar_days
    GROUP BY series
),

suspended AS (
    SELECT symbol AS series, start_date, end_date
    FROM ref.suspensions
    WHERE $dataset = 'security_bars'
),

-- An index proxied by a fund listed elsewhere moves with another market than its calendar's.
proxies AS (
    SELECT index_code AS series
    FROM ref.indices
    WHERE is_proxy AND $dataset = 'index_bars'
),


-- The second source's figures for the same series (the crosscheck dataset).
second_source AS (
    SELECT series, trade_date, value AS second_value
    FROM staging.crosscheck
    WHERE dataset = $dataset
),

-- The market whose sessions a series' frozen run is counted in: its dataset's calendar, or the
-- home market declared for it (an FX pair quoted through its home market's holidays).
homes AS (
    SELECT series, calendar
    FROM gate_series_calendars
    WHERE dataset = $dataset
    UNION ALL
    SELECT unnest($home_series) AS series, unnest($home_calendars) AS calendar
),

-- Each series' home calendars that have sessions, as one key: few series share a market, and
-- a day is a home session when any of them trades.
home_sets AS (
    SELECT series, list_sort(list_distinct(list(calendar))) AS calendars
    FROM homes
    WHERE calendar IN (SELECT calendar FROM ref.sessions)
    GROUP BY series
),

-- Only the sessions the days span.
set_sessions AS (
    SELECT DISTINCT sets.calendars, sessions.session_date AS trade_date
    FROM (SELECT DISTINCT calendars FROM home_sets) AS sets
    INNER JOIN ref.sessions AS sessions ON list_contains(sets.calendars, sessions.calendar)
    WHERE sessions.session_date BETWEEN (SELECT min(trade_date) FROM bar_days)
        AND (SELECT max(trade_date) FROM bar_days)
),

-- The market each series moves with: the median move of the peer datasets' series on its
-- calendar that day (the series among them: a median shrugs one member off). A day staged
-- twice (the key rules name it) is sorted by value too, so the median never depends on which
-- copy a sort met first; grouping the days apart cost a year's index rules half as much again.
peer_moves AS (
    SELECT calendar, trade_date, median(move) AS market_move, count(*) AS peer_count
    FROM (
        SELECT
            peers.dataset,
            peers.series,
            peers.trade_date,
            ln(peers.value / lag(peers.value) OVER (
                PARTITION BY peers.dataset, peers.series ORDER BY peers.trade_date, peers.value
            )) AS move
        FROM gate_series_days AS peers
        WHERE list_contains($peers, peers.dataset) AND NOT peers.is_seam AND peers.value > 0
    ) AS moved
    INNER JOIN gate_series_calendars USING (dataset, series)
    WHERE move IS NOT NULL
    GROUP BY calendar, trade_date
),

-- Each day with its bar and whether it is a session of the series' home market.
days AS (
    SELECT
        bar_days.* EXCLUDE (source_file),
        home_sets.series IS NULL OR set_sessions.trade_date IS NOT NULL AS is_home_session,
        -- Traded heavily at one price: no intraday range at all.
        coalesce(
            bar_days.high = bar_days.low
                AND bar_days.volume * bar_days.value >= $liquid_traded,
            false
        ) AS is_one_price
    FROM bar_days
    LEFT JOIN home_sets USING (series)
    LEFT JOIN set_sessions
        ON set_sessions.calendars = home_sets.calendars
        AND set_sessions.trade_date = bar_days.trade_date
),

-- Each day's move and the sessions around it: one sort of each series for all.
moves AS (
    SELECT
        series,
        trade_date,
        value,
        is_staged,
        volume,
        high,
        low,
        is_home_session,
        is_one_price,
        open / lag(value) OVER by_day AS open_ratio,
        ln(value / lag(value) OVER by_day) AS move,
        ln(lead(value) OVER by_day / value) AS next_move,
        lead(is_staged) OVER by_day AS next_is_staged,
        -- Only a day whose price ratio is under 0.51 (1.02 / 2) can match a split, and only one
        -- over 1.96 (0.98 x 2) a consolidation: the volume around a day is read for those alone.
        value / lag(value) OVER by_day NOT BETWEEN 0.52 AND 1.95 AS may_split,
        -- The median of the five sessions before: five lags cost a third of a sliding median.
        CASE WHEN may_split THEN list_median([
            lag(volume, 1) OVER by_day, lag(volume, 2) OVER by_day,
            lag(volume, 3) OVER by_day, lag(volume, 4) OVER by_day,
            lag(volume, 5) OVER by_day
        ]) END AS usual_volume,
        CASE WHEN may_split THEN list_median([
            lag(volume * value, 1) OVER by_day,
            lag(volume * value, 2) OVER by_day,
            lag(volume * value, 3) OVER by_day,
            lag(volume * value, 4) OVER by_day,
            lag(volume * value, 5) OVER by_day
        ]) END AS usual_traded,
        -- A run of identical values starts where the value differs from the session before.
        value IS DISTINCT FROM lag(value) OVER by_day AS starts_run,
        coalesce(lead(value) OVER by_day = value, false) AS run_goes_on
    FROM days
    WINDOW by_day AS (PARTITION BY series ORDER BY trade_date)
),

spreads AS (
    SELECT series, 1.4826 * median(abs(move)) AS robust_spread
    FROM moves
    WHERE move IS NOT NULL
    GROUP BY series
),

-- Each day of a longer run of identical values with the day its run began. A day between two
-- changes is a run of one by itself; only the days of longer runs (few: a price rarely sits
-- still) are sorted again.
long_run_starts AS (
    SELECT *, max(CASE WHEN starts_run THEN trade_date END) OVER (
        PARTITION BY series ORDER BY trade_date ROWS UNBOUNDED PRECEDING
    ) AS run_start
    FROM moves
    WHERE NOT starts_run OR run_goes_on
),

-- Each day with the run ending on it: its length, sessions traded heavily at one price and
-- home-market sessions, counted within the run. Counted along every day of the series and
-- differenced at the run's start, they cost the sort of a year of the market 0.2 s more.
long_runs AS (
    SELECT
        *,
        row_number() OVER in_run AS run_length,
        count(*) FILTER (WHERE is_one_price) OVER in_run AS one_price_sessions,
        count(*) FILTER (WHERE is_home_session) OVER in_run AS home_run_length
    FROM long_run_starts
    WINDOW in_run AS (PARTITION BY series, run_start ORDER BY trade_date ROWS UNBOUNDED PRECEDING)
),

runs AS (
    SELECT * FROM long_runs
    UNION ALL BY NAME
    SELECT
        *,
        1 AS run_length,
        trade_date AS run_start,
        is_one_price::BIGINT AS one_price_sessions,
        is_home_session::BIGINT AS home_run_length
    FROM moves
    WHERE starts_run AND NOT run_goes_on
),

-- How far the second source moved over each long run of the primary.
second_moves AS (
    SELECT
        runs.series,
        runs.trade_date,
        count(DISTINCT second_source.second_value) AS second_values,
        max(second_source.second_value) / min(second_source.second_value) - 1 AS second_range
    FROM runs
    INNER JOIN second_source
        ON second_source.series = runs.series
        AND second_source.trade_date BETWEEN runs.run_start AND runs.trade_date
    WHERE runs.home_run_length >= $stale_sessions AND runs.is_staged
    GROUP BY runs.series, runs.trade_date
),

-- Each day's move net of the series' market, and the next day's (not for a proxy).
excess_moves AS (
    SELECT
        runs.series,
        runs.trade_date,
        runs.move - peer_moves.market_move AS excess_move,
        lead(runs.move - peer_moves.market_move) OVER (
            PARTITION BY runs.series ORDER BY runs.trade_date
        ) AS next_excess_move
    FROM runs
    INNER JOIN gate_series_calendars AS own
        ON own.dataset = $dataset AND own.series = runs.series
    INNER JOIN peer_moves
        ON peer_moves.calendar = own.calendar AND peer_moves.trade_date = runs.trade_date
    WHERE peer_moves.peer_count >= 3
        AND runs.series NOT IN (SELECT series FROM proxies)
),

-- On each day, the share of the dataset's series whose value changed: the market moved.
market AS (
    SELECT trade_date, avg(CASE WHEN move <> 0 THEN 1.0 ELSE 0.0 END) AS moved_share
    FROM moves
    WHERE move IS NOT NULL
    GROUP BY trade_date
),

judged AS (
    SELECT
        runs.series,
        runs.trade_date,
        runs.is_staged,
        runs.next_is_staged,
        runs.move,
        runs.next_move,
        abs(runs.move) >= $spike_floor
            AND (
                (sign(runs.next_move) = -sign(runs.move)
                    AND abs(runs.next_move) >= 0.7 * abs(runs.move)
                    AND abs(runs.move) > $spread_multiple * spreads.robust_spread)
                -- Or a move its market did not make, undone against the market the next day.
                OR (abs(excess_moves.excess_move) >= $spike_floor
                    AND sign(excess_moves.next_excess_move) = -sign(excess_moves.excess_move)
                    AND abs(excess_moves.next_excess_move)
                    >= 0.7 * abs(excess_moves.excess_move))
            ) AS is_spike,
        runs.run_length >= $stale_sessions AND market.moved_share >= 0.5 AS is_stale,
        -- Counted in home-market sessions: a rate quoted through a holiday sits still.
        CASE
            WHEN runs.home_run_length < $stale_sessions THEN NULL
            WHEN second_moves.second_range >= $second_source_move
                AND 2 * second_moves.second_values >= runs.home_run_length
                THEN 'its second source moved'
            WHEN runs.one_price_sessions >= $stale_sessions - 1
                THEN 'traded heavily at one price all day'
        END AS frozen_evidence,
        runs.run_length,
        runs.home_run_length,
        exp(runs.move) AS ratio,
        runs.may_split,
        runs.open_ratio,
        runs.volume / nullif(runs.usual_volume, 0) AS volume_ratio,
        runs.volume * runs.value / nullif(runs.usual_traded, 0) AS traded_ratio,
        suspended.series IS NOT NULL AS is_suspended
    FROM runs
    LEFT JOIN spreads USING (series)
    LEFT JOIN market USING (trade_date)
    LEFT JOIN second_moves USING (series, trade_date)
    LEFT JOIN excess_moves USING (series, trade_date)
    LEFT JOIN suspended
        ON suspended.series = runs.series
        AND runs.trade_date BETWEEN suspended.start_date AND suspended.end_date
),

splits AS (
    SELECT
        judged.*,
        -- A split of n for 1 divides the price by n and multiplies the volume about n-fold; a
        -- crash that matches a ratio by chance neither opens there nor trades the usual money.
        -- The lists are built for the days that may be one (moves), not for every day.
        CASE WHEN judged.may_split AND judged.ratio < 1 THEN
            (list_min([abs(judged.ratio * n - 1) FOR n IN [2, 3, 4, 5, 10, 20]]) < 0.02
                AND judged.volume_ratio >= 1.5)
            OR (len([n FOR n IN [2, 3, 4, 5, 10, 20]
                IF abs(judged.ratio * n - 1) < 0.02
                    AND abs(judged.open_ratio * n - 1) < 0.03]) > 0
                AND judged.traded_ratio BETWEEN 1 / 3 AND 3)
        ELSE false END AS is_split,
        CASE WHEN judged.may_split AND judged.ratio > 1 THEN
            (list_min([abs(judged.ratio / n - 1) FOR n IN [2, 3, 4, 5, 10, 20]]) < 0.02
                AND judged.volume_ratio <= 0.67)
            OR (len([n FOR n IN [2, 3, 4, 5, 10, 20]
                IF abs(judged.ratio / n - 1) < 0.02
                    AND abs(judged.open_ratio / n - 1) < 0.03]) > 0
                AND judged.traded_ratio BETWEEN 1 / 3 AND 3)
        ELSE false END AS is_consolidation
    FROM judged
),

-- A spike is found on its day when the reverting day is staged too, whichever is new.
flagged AS (
    SELECT
        series,
        trade_date,
        coalesce(is_spike, false) AND (is_staged OR next_is_staged) AS spike,
        coalesce(is_stale, false) AND is_staged AND NOT is_suspended AS stale,
        frozen_evidence IS NOT NULL AND is_staged AND NOT is_suspended AS frozen,
        frozen_evidence,
        coalesce(is_split OR is_consolidation, false) AND is_staged AS split,
        move,
        next_move,
        run_length,
        home_run_length,
        ratio,
        volume_ratio,
        traded_ratio,
        is_staged
    FROM splits
),

verdicts AS (
    SELECT
        series,
        count(*) FILTER (WHERE spike) = 0 AS spike_ok,
        min(trade_date) FILTER (WHERE spike) AS spike_date,
        arg_min(exp(move) - 1, trade_date) FILTER (WHERE spike) AS spike_move,
        arg_min(exp(next_move) - 1, trade_date) FILTER (WHERE spike) AS revert_move,
        count(*) FILTER (WHERE stale) = 0 AS stale_ok,
        count(*) FILTER (WHERE frozen) = 0 AS frozen_ok,
        count(*) FILTER (WHERE stale OR frozen) = 0 AS stale_or_frozen_ok,
        min(trade_date) FILTER (WHERE stale) AS stale_date,
        max(run_length) FILTER (WHERE stale) AS unchanged_sessions,
        min(trade_date) FILTER (WHERE frozen) AS frozen_date,
        max(home_run_length) FILTER (WHERE frozen) AS frozen_sessions,
        arg_min(frozen_evidence, trade_date) FILTER (WHERE frozen) AS frozen_evidence,
        count(*) FILTER (WHERE split) = 0 AS split_ok,
        min(trade_date) FILTER (WHERE split) AS split_date,
        arg_min(ratio, trade_date) FILTER (WHERE split) AS split_price_ratio,
        arg_min(volume_ratio, trade_date) FILTER (WHERE split) AS split_volume_ratio,
        arg_min(traded_ratio, trade_date) FILTER (WHERE split) AS split_traded_ratio
    FROM flagged
    GROUP BY series
    HAVING bool_or(is_staged)
),

final AS (
    SELECT verdicts.*, files.source_file
    FROM verdicts
    LEFT JOIN files USING (series)
)

SELECT * FROM final
