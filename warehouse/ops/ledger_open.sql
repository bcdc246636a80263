-- The run's own row, open while it works.
INSERT INTO ops.run_log (run_id, started_at, source, status)
VALUES ($run_id, now(), $source, 'running')
