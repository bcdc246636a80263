-- One row per series and declared value column of $dataset: values outside the column's
-- plausible range, the level of the incoming values against the series' stored level, and the
-- largest step between consecutive values, each with its verdict against the registry. A series
-- split into parts (an EPS forecast per fiscal year) is judged part by part; a column declared
-- with a level basis is levelled on that quotient (market cap / P/E: the trailing earnings).
WITH specs AS (
    SELECT measure, unit, low, high, max_shift, max_step, slip_only, level_of, level_via
    FROM gate_measure_specs
    WHERE dataset = $dataset
),

-- Each staged series part's values of a column, summarised: how many lie outside the
-- column's range (the first of them and its date), the level the part arrives at (the median
-- of its first five positive levels, from first_date) and its largest step from the previous
-- positive value of its chain, staged or stored.
staged AS (
    SELECT
        series, part, measure, out_of_range, first_bad_date, first_bad_value, incoming_level,
        first_date, worst_step, worst_step_date
    FROM gate_staged_summaries
    WHERE dataset = $dataset
),

-- The file each series' latest staged row came from, to go and look at.
files AS (
    SELECT series, source_file
    FROM gate_series_files
    WHERE dataset = $dataset
),

-- The stored days the batch does not restate.
stored AS (
    SELECT series, part, trade_date, measure, value, level_value
    FROM gate_stored_measures
    WHERE dataset = $dataset
),

incoming_levels AS (
    SELECT series, part, measure, incoming_level, first_date
    FROM staged
    WHERE incoming_level IS NOT NULL
),

-- The level the part stood at: the median of its last five stored levels before the batch.
stored_levels AS (
    SELECT
        stored.series,
        stored.part,
        stored.measure,
        list_median(arg_max(stored.level_value, stored.trade_date, 5)) AS reference_level
    FROM stored
    INNER JOIN incoming_levels USING (series, part, measure)
    WHERE stored.level_value > 0 AND stored.trade_date < incoming_levels.first_date
    GROUP BY stored.series, stored.part, stored.measure
),

-- A series' level verdict is its part that moved furthest.
levels AS (
    SELECT
        series,
        measure,
        arg_max(incoming_level, abs(ln(incoming_level / reference_level))) AS incoming_level,
        arg_max(reference_level, abs(ln(incoming_level / reference_level))) AS reference_level
    FROM incoming_levels
    INNER JOIN stored_levels USING (series, part, measure)
    GROUP BY series, measure
),

-- A series' values of a column across its parts: the first bad value, the worst step.
range_summaries AS (
    SELECT
        series,
        measure,
        CAST(sum(out_of_range) AS BIGINT) AS out_of_range,
        min(first_bad_date) AS first_bad_date,
        arg_min(first_bad_value, first_bad_date) AS first_bad_value,
        max(worst_step) AS worst_step,
        arg_max(worst_step_date, worst_step) AS worst_step_date
    FROM staged
    GROUP BY series, measure
),

verdicts AS (
    SELECT
        range_summaries.series,
        range_summaries.measure,
        specs.unit,
        specs.low,
        specs.high,
        range_summaries.out_of_range,
        range_summaries.first_bad_date,
        range_summaries.first_bad_value,
        levels.incoming_level,
        levels.reference_level,
        levels.incoming_level / levels.reference_level AS level_factor,
        range_summaries.worst_step,
        range_summaries.worst_step_date,
        specs.max_shift,
        specs.max_step,
        specs.slip_only,
        specs.level_of,
        specs.level_via,
        files.source_file
    FROM range_summaries
    INNER JOIN specs USING (measure)
    LEFT JOIN levels USING (series, measure)
    LEFT JOIN files USING (series)
),

judged_levels AS (
    SELECT
        series,
        measure,
        CASE WHEN max_shift IS NOT NULL AND level_factor IS NOT NULL
            THEN greatest(level_factor, 1 / level_factor) <= max_shift
                -- 10 % either side of a power of ten, log10(1.1): a slipped batch meets a
                -- level up to five reports old, which revisions have moved a few per cent.
                OR (slip_only AND abs(log10(level_factor) - round(log10(level_factor))) > 0.0414)
        END AS level_ok
    FROM verdicts
),

final AS (
    SELECT
        verdicts.series,
        verdicts.measure,
        verdicts.unit,
        verdicts.low,
        verdicts.high,
        verdicts.out_of_range,
        verdicts.first_bad_date,
        verdicts.first_bad_value,
        verdicts.out_of_range = 0 AS range_ok,
        verdicts.reference_level,
        verdicts.incoming_level,
        verdicts.level_factor,
        verdicts.level_of,
        -- A quotient whose basis column shifted on its own is that column's finding.
        own.level_ok OR coalesce(NOT basis.level_ok, false) AS level_ok,
        verdicts.worst_step,
        verdicts.worst_step_date,
        CASE WHEN verdicts.max_step IS NOT NULL AND verdicts.worst_step IS NOT NULL
            THEN verdicts.worst_step <= verdicts.max_step
        END AS step_ok,
        coalesce(level_slips.likely_slip, 'not a power of ten: a wrong series or a bad value')
            AS likely_level_slip,
        coalesce(step_slips.likely_slip, 'not a power of ten: a spike, a split or a bad value')
            AS likely_step_slip,
        verdicts.source_file
    FROM verdicts
    INNER JOIN judged_levels AS own USING (series, measure)
    LEFT JOIN judged_levels AS basis
        ON basis.series = verdicts.series AND basis.measure = verdicts.level_via
    LEFT JOIN gate_unit_slips AS level_slips
        ON level_slips.decades
            = round(abs(log10(verdicts.level_factor)))
            AND abs(abs(log10(verdicts.level_factor)) - level_slips.decades) < 0.15
    LEFT JOIN gate_unit_slips AS step_slips
        ON step_slips.decades = round(log10(verdicts.worst_step))
            AND abs(log10(verdicts.worst_step) - step_slips.decades) < 0.15
)

SELECT * FROM final
