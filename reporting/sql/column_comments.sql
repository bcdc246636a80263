-- Every published table and view with its columns' types and comments: the data dictionary's
-- source. Views outside main (the compatibility views) are named with their schema.
WITH tables AS (
    SELECT schema_name, table_name, comment AS table_comment
    FROM duckdb_tables()
    WHERE database_name = current_database()
    UNION ALL
    SELECT schema_name, view_name AS table_name, comment AS table_comment
    FROM duckdb_views()
    WHERE database_name = current_database() AND NOT internal
),

columns AS (
    SELECT schema_name, table_name, column_name, column_index, data_type,
        comment AS column_comment
    FROM duckdb_columns()
    WHERE database_name = current_database()
),

final AS (
    SELECT
        CASE WHEN t.schema_name = 'main' THEN t.table_name
            ELSE t.schema_name || '.' || t.table_name END AS table_name,
        t.table_comment, c.column_name, c.data_type, c.column_comment
    FROM tables AS t
    INNER JOIN columns AS c USING (schema_name, table_name)
    ORDER BY t.schema_name DESC, t.table_name, c.column_index
)

SELECT * FROM final
