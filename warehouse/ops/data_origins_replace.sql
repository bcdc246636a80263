-- Swap in the provenance computed by ops/data_origins_next.sql (inside the caller's transaction).
DELETE FROM ops.data_origins;
INSERT INTO ops.data_origins BY NAME SELECT * FROM data_origins_next;
