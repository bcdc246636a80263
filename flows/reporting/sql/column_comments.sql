-- Every published table and column with its type and comment: the data dictionary's source.
WITH tables AS (
    SELECT table_name, comment AS table_comment
    FROM duckdb_tables()
    WHERE database_name = current_database()
),

columns AS (
    SELECT table_name, column_name, column_index, data_type, comment AS column_comment
    FROM duckdb_columns()
    WHERE database_name = current_database()
),

final AS (
    SELECT t.table_name, t.table_comment, c.column_name, c.data_type, c.column_comment
    FROM tables AS t
    INNER JOIN columns AS c USING (table_name)
    ORDER BY t.table_name, c.column_index
)

SELECT * FROM final
