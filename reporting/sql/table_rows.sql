-- Row count of every published table (exact for a checkpointed file).
SELECT table_name, estimated_size AS row_count
FROM duckdb_tables()
WHERE database_name = current_database()
ORDER BY table_name
