-- How many calendar days before $as_of each staged FX pair last printed, counting merged history.
WITH staged AS (
    SELECT pair, trade_date, source_file
    FROM staging.fx_rates
),

staged_ends AS (
    SELECT pair, max(trade_date) AS last_staged, arg_max(source_file, trade_date) AS source_file
    FROM staged
    WHERE pair IS NOT NULL AND trade_date IS NOT NULL
    GROUP BY pair
),

merged_ends AS (
    SELECT series AS pair, last_date AS last_merged
    FROM gate_series_tails
    WHERE dataset = 'fx_rates'
),

final AS (
    SELECT
        staged_ends.pair,
        greatest(staged_ends.last_staged, merged_ends.last_merged) AS last_date,
        $as_of::DATE - greatest(staged_ends.last_staged, merged_ends.last_merged) AS days_stale,
        staged_ends.source_file
    FROM staged_ends
    LEFT JOIN merged_ends USING (pair)
)

SELECT * FROM final
