-- Releases up to 0.2.0: core tables of the datasets ($tables) carried a primary key, whose index cost
-- more than half of a backfill partition's merge; the merge keeps their keys unique instead. The
-- tables still keyed, to be rebuilt without it.
SELECT table_name
FROM duckdb_constraints()
WHERE database_name = current_database()
    AND schema_name = 'core'
    AND constraint_type = 'PRIMARY KEY'
    AND list_contains($tables, table_name)
