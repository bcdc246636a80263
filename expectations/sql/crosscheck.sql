-- One row per staged second-source figure, with the numeric columns that are not finite.
WITH staged AS (
    SELECT dataset, series, trade_date, provider, value
    FROM staging.crosscheck
),

final AS (
    SELECT
        dataset,
        series,
        trade_date,
        provider,
        value,
        CASE WHEN NOT isfinite(value) THEN 'value' END AS nonfinite_columns
    FROM staged
)

SELECT * FROM final
