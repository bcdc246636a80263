-- The file of the database the gate reads (NULL for an in-memory one).
SELECT path
FROM duckdb_databases()
WHERE database_name = current_database()
