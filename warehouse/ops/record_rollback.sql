-- A rollback in the run ledger: it republished a kept version, so it counts as a publish.
INSERT INTO ops.run_log
    (run_id, started_at, finished_at, as_of_date, source, status, published_at, message)
VALUES ($run_id, $at, $at, $as_of, 'rollback', 'rolled_back', $at, $message)
