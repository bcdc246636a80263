-- Whether $schema.$table exists in the connection's warehouse (core history is optional).
SELECT count(*) > 0 AS present
FROM information_schema.tables
WHERE table_catalog = current_database()
    AND table_schema = $schema
    AND table_name = $table
