-- One row per staged second-source figure, with the numeric columns that are not finite.
WITH staged AS (
    SELECT dataset, series, trade_date, provider, value, source_file
    FROM staging.crosscheck
),

final AS (
    SELECT
        dataset,
        series,
        trade_date,
        provider,
        value,
        source_file,
        CASE WHEN NOT isfinite(value) THEN 'value' END AS nonfinite_columns
    FROM staged
)

SELECT * FROM final
