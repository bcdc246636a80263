-- The published trade dates a report can be rendered for, and whether $as_of is one of them.
WITH dates AS (
    SELECT DISTINCT as_of_date FROM mart_index_performance
),

final AS (
    SELECT
        min(as_of_date) AS first_date,
        max(as_of_date) AS last_date,
        coalesce(bool_or(as_of_date = $as_of), false) AS is_published
    FROM dates
)

SELECT * FROM final
