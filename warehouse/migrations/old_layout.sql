-- Whether a warehouse table still has the column a migration renames (its layout before it).
SELECT count(*) > 0 AS old
FROM duckdb_columns()
WHERE database_name = current_database()
    AND schema_name = $schema AND table_name = $table AND column_name = $column
