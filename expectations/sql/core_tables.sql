-- The core tables the connection's warehouse holds (a fresh warehouse may hold none).
SELECT table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name = 'core'
