-- Each staging table's rows as DuckDB counts them without a scan: how heavy a check's query is.
SELECT table_name, estimated_size AS staged_rows
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'staging'
