-- The core tables the warehouse holds (a fresh warehouse may hold none).
SELECT table_name
FROM duckdb_tables()
WHERE schema_name = 'core'
