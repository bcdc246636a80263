-- The published trade dates a report can be rendered for, and whether $as_of is one of them.
WITH dates AS (
    SELECT DISTINCT trade_date FROM mart_index_performance
),

final AS (
    SELECT
        min(trade_date) AS first_date,
        max(trade_date) AS last_date,
        coalesce(bool_or(trade_date = $as_of), false) AS is_published
    FROM dates
)

SELECT * FROM final
