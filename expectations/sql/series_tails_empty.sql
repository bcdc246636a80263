-- The shape of core.series_tails with no rows, for a warehouse that does not have it.
SELECT
    NULL::VARCHAR AS dataset,
    NULL::VARCHAR AS series,
    NULL::DATE AS first_date,
    NULL::DATE AS last_date,
    NULL::DOUBLE AS last_value
WHERE false
