-- Runs start under the writer lock, so a row still 'running' belongs to a run that was killed
-- or crashed: 'published' if the live marts file carries its run id ($published), else
-- 'abandoned'.
UPDATE ops.run_log SET
    status = CASE WHEN run_id = $published THEN 'published' ELSE 'abandoned' END,
    finished_at = coalesce(finished_at, now()),
    published_at = CASE WHEN run_id = $published THEN coalesce(published_at, now())
                   ELSE published_at END,
    message = CASE WHEN run_id = $published
        THEN 'died after publishing; status recovered by run ' || $run_id
        ELSE 'stopped before finishing (killed or crashed); found by run ' || $run_id
    END
WHERE status = 'running'
