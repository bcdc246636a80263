-- What the run staged, recorded while it is still running.
UPDATE ops.run_log SET as_of_date = $as_of, row_counts = $row_counts
WHERE run_id = $run_id
