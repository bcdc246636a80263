-- One row per staged analyst EPS forecast, flagged where a number is NaN or infinite or the
-- security is not seeded.
WITH staged AS (
    SELECT symbol, report_date, fiscal_year, eps
    FROM staging.eps_forecast
),

securities AS (
    SELECT symbol
    FROM ref.securities
),

final AS (
    SELECT
        staged.*,
        CASE WHEN staged.symbol IS NOT NULL THEN securities.symbol IS NOT NULL END AS is_seeded,
        CASE WHEN NOT isfinite(staged.eps) THEN 'eps' END AS nonfinite_columns
    FROM staged
    LEFT JOIN securities USING (symbol)
)

SELECT * FROM final
