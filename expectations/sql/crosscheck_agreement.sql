-- Each staged second-source figure beside the primary series' figure for the same series and
-- day (staged, or merged before when only the second source restated it), and their relative
-- difference, and each source's move since the day before. Days only one source has are left to
-- the primary table's own session rules.
WITH reference AS (
    SELECT dataset, series, trade_date, provider, value, source_file
    FROM staging.crosscheck
),

checked_datasets AS (
    SELECT DISTINCT dataset
    FROM reference
),

-- The primary's figures on the staged days and the history window before them, a day staged
-- again by its new figure (gate_series_days); a seam older than the window is not compared. A
-- day staged twice (the key rules name it) is one day with the smaller figure, as in the series
-- rules: two copies of a day left the moves below to whichever copy the sort met first.
primary_values AS (
    SELECT dataset, series, trade_date, min(value) AS value
    FROM gate_series_days
    WHERE NOT is_seam AND dataset IN (SELECT dataset FROM checked_datasets)
    GROUP BY dataset, series, trade_date
),

paired AS (
    SELECT
        reference.dataset,
        reference.series,
        reference.trade_date,
        reference.provider,
        reference.value AS reference_value,
        primary_values.value AS primary_value,
        abs(reference.value / primary_values.value - 1) AS rel_diff,
        ln(primary_values.value / lag(primary_values.value) OVER by_day) AS primary_move,
        ln(reference.value / lag(reference.value) OVER by_day) AS reference_move,
        reference.source_file
    FROM reference
    INNER JOIN primary_values USING (dataset, series, trade_date)
    WINDOW by_day AS (
        PARTITION BY reference.dataset, reference.series, reference.provider
        ORDER BY reference.trade_date
    )
),

final AS (
    SELECT
        dataset,
        series,
        trade_date,
        provider,
        reference_value,
        primary_value,
        rel_diff,
        primary_move,
        reference_move,
        -- How far the primary moved past the second source on a day that opened a gap which
        -- lasted (at least half of it the next day they share): a gap one source's late day
        -- opens closes the next day, one the primary's bad rate opens stays.
        CASE
            WHEN abs(primary_move) > abs(reference_move)
                AND rel_diff >= abs(primary_move - reference_move) / 2
                AND coalesce(lead(rel_diff) OVER by_day, rel_diff) >= rel_diff / 2
                THEN abs(primary_move - reference_move)
        END AS primary_alone_move,
        source_file
    FROM paired
    WINDOW by_day AS (PARTITION BY dataset, series, provider ORDER BY trade_date)
)

SELECT * FROM final
