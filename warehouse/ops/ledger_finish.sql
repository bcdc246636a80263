-- The run's outcome; a value left null keeps what an earlier step recorded.
UPDATE ops.run_log SET
    finished_at = now(),
    status = $status,
    as_of_date = coalesce($as_of, as_of_date),
    row_counts = coalesce($row_counts, row_counts),
    gate_passed = coalesce($gate_passed, gate_passed),
    gate_failures = coalesce($gate_failures, gate_failures),
    published_at = coalesce($published_at, published_at),
    message = coalesce($message, message),
    gate_warnings = coalesce($gate_warnings, gate_warnings),
    marts = coalesce($marts, marts)
WHERE run_id = $run_id
