-- One row per staged analyst EPS forecast, flagged where a number is NaN or infinite.
WITH staged AS (
    SELECT symbol, report_date, fiscal_year, eps, source_file
    FROM staging.eps_forecast
),

final AS (
    SELECT
        *,
        CASE WHEN NOT isfinite(eps) THEN 'eps' END AS nonfinite_columns
    FROM staged
)

SELECT * FROM final
ORDER BY symbol, report_date, fiscal_year
