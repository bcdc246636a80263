-- Per staged series of $dataset: spikes that revert the next session, runs of one unchanged
-- value while the dataset's other series moved, and jumps matching a split ratio with volume
-- moving inversely. Judged on the staged days and the stored month before them.
WITH staged AS (
    SELECT series, trade_date, value, source_file
    FROM gate_staged_series
    WHERE dataset = $dataset AND series IS NOT NULL AND trade_date IS NOT NULL
),

-- A stored day staged again is judged by its new figure.
merged AS (
    SELECT series, trade_date, value
    FROM gate_merged_series AS kept
    WHERE dataset = $dataset
        AND NOT EXISTS (
            SELECT 1 FROM staged
            WHERE staged.series = kept.series AND staged.trade_date = kept.trade_date
        )
),

volumes AS (
    SELECT series, trade_date, value AS volume
    FROM gate_staged_measures
    WHERE dataset = $dataset AND measure = 'volume'
    UNION ALL
    SELECT series, trade_date, value
    FROM gate_stored_measures AS kept
    WHERE dataset = $dataset AND measure = 'volume'
        AND NOT EXISTS (
            SELECT 1 FROM staged
            WHERE staged.series = kept.series AND staged.trade_date = kept.trade_date
        )
),

suspended AS (
    SELECT symbol AS series, start_date, end_date
    FROM ref.suspensions
    WHERE $dataset = 'security_bars'
),

chain AS (
    SELECT series, trade_date, value, source_file, true AS is_staged
    FROM staged
    WHERE value > 0
    UNION ALL
    SELECT series, trade_date, value, NULL AS source_file, false AS is_staged
    FROM merged
    WHERE value > 0
),

moves AS (
    SELECT
        chain.*,
        volumes.volume,
        ln(value / lag(value) OVER by_day) AS move,
        ln(lead(value) OVER by_day / value) AS next_move,
        median(volumes.volume) OVER (
            PARTITION BY chain.series ORDER BY chain.trade_date
            ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING
        ) AS usual_volume,
        -- Length of the run of identical values ending on this day.
        row_number() OVER by_day
        - row_number() OVER (PARTITION BY chain.series, value ORDER BY chain.trade_date)
            AS run_group
    FROM chain
    LEFT JOIN volumes USING (series, trade_date)
    WINDOW by_day AS (PARTITION BY chain.series ORDER BY chain.trade_date)
),

spreads AS (
    SELECT series, 1.4826 * median(abs(move)) AS robust_spread
    FROM moves
    WHERE move IS NOT NULL
    GROUP BY series
),

runs AS (
    SELECT
        *,
        count(*) OVER (PARTITION BY series, value, run_group ORDER BY trade_date) AS run_length
    FROM moves
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
        runs.source_file,
        runs.move,
        runs.next_move,
        abs(runs.move) >= $spike_floor
            AND abs(runs.move) > $spread_multiple * spreads.robust_spread
            AND sign(runs.next_move) = -sign(runs.move)
            AND abs(runs.next_move) >= 0.7 * abs(runs.move) AS is_spike,
        runs.run_length >= $stale_sessions AND market.moved_share >= 0.5 AS is_stale,
        runs.run_length,
        exp(runs.move) AS ratio,
        runs.volume / nullif(runs.usual_volume, 0) AS volume_ratio,
        suspended.series IS NOT NULL AS is_suspended
    FROM runs
    LEFT JOIN spreads USING (series)
    LEFT JOIN market USING (trade_date)
    LEFT JOIN suspended
        ON suspended.series = runs.series
        AND runs.trade_date BETWEEN suspended.start_date AND suspended.end_date
),

splits AS (
    SELECT
        judged.*,
        -- A split of n for 1 divides the price by n and multiplies the volume about n-fold.
        list_min([abs(judged.ratio * n - 1) FOR n IN [2, 3, 4, 5, 10, 20]]) < 0.02
            AND judged.volume_ratio >= 1.5 AS is_split,
        list_min([abs(judged.ratio / n - 1) FOR n IN [2, 3, 4, 5, 10, 20]]) < 0.02
            AND judged.volume_ratio <= 0.67 AS is_consolidation
    FROM judged
),

-- A spike is found on its day when the reverting day is staged too, whichever is new.
flagged AS (
    SELECT
        series,
        trade_date,
        coalesce(is_spike, false) AND (is_staged OR lead(is_staged) OVER by_day) AS spike,
        coalesce(is_stale, false) AND is_staged AND NOT is_suspended AS stale,
        coalesce(is_split OR is_consolidation, false) AND is_staged AS split,
        move,
        next_move,
        run_length,
        ratio,
        volume_ratio,
        is_staged,
        source_file
    FROM splits
    WINDOW by_day AS (PARTITION BY series ORDER BY trade_date)
),

final AS (
    SELECT
        series,
        count(*) FILTER (WHERE spike) = 0 AS spike_ok,
        min(trade_date) FILTER (WHERE spike) AS spike_date,
        arg_min(exp(move) - 1, trade_date) FILTER (WHERE spike) AS spike_move,
        arg_min(exp(next_move) - 1, trade_date) FILTER (WHERE spike) AS revert_move,
        count(*) FILTER (WHERE stale) = 0 AS stale_ok,
        min(trade_date) FILTER (WHERE stale) AS stale_date,
        max(run_length) FILTER (WHERE stale) AS unchanged_sessions,
        count(*) FILTER (WHERE split) = 0 AS split_ok,
        min(trade_date) FILTER (WHERE split) AS split_date,
        arg_min(ratio, trade_date) FILTER (WHERE split) AS split_price_ratio,
        arg_min(volume_ratio, trade_date) FILTER (WHERE split) AS split_volume_ratio,
        max(source_file) AS source_file
    FROM flagged
    GROUP BY series
    HAVING bool_or(is_staged)
)

SELECT * FROM final
ORDER BY series
