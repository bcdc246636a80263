-- Every chained dataset's days as the gate reads them: each staged row with its source file (a
-- day staged twice is here twice), the stored days of the history window, and each series' last
-- stored day however old it is (is_seam: the day a new one continues from, which the window may
-- hold as well). A stored day staged again is left out: it is judged by its new figure.
WITH staged AS (
    SELECT dataset, series, trade_date, value, source_file
    FROM gate_staged_series
),

stored AS (
    SELECT dataset, series, trade_date, value, false AS is_seam
    FROM gate_merged_series
    UNION ALL
    SELECT dataset, series, last_date AS trade_date, last_value AS value, true AS is_seam
    FROM gate_series_tails
),

-- A join on the view, not NOT EXISTS on `staged`: for either (a subquery, a CTE read twice)
-- DuckDB hashes every staged row of every dataset, whichever dataset the reader asks for; this
-- join hashes the few stored days and probes them with the staged rows.
kept AS (
    SELECT stored.*
    FROM stored
    LEFT JOIN gate_staged_series AS restaged
        ON restaged.dataset = stored.dataset
        AND restaged.series = stored.series
        AND restaged.trade_date = stored.trade_date
    WHERE restaged.dataset IS NULL
),

final AS (
    SELECT dataset, series, trade_date, value, source_file, true AS is_staged, false AS is_seam
    FROM staged
    UNION ALL
    SELECT dataset, series, trade_date, value, NULL AS source_file, false AS is_staged, is_seam
    FROM kept
)

SELECT * FROM final
