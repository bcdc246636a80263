-- Published columns whose every comment says the value is a fraction (0.1264 means +12.64%).
WITH described AS (
    SELECT column_name, coalesce(regexp_matches(comment, '\bfraction\b'), false) AS says_fraction
    FROM duckdb_columns()
    WHERE database_name = current_database()
),

final AS (
    SELECT column_name, bool_and(says_fraction) AS is_fraction
    FROM described
    GROUP BY column_name
)

SELECT * FROM final
