-- Live runs whose landing zones may be pruned: published (every body they landed was merged)
-- and started before the cut-off. Zones of failed, abandoned or running runs are kept for replay.
WITH published_live AS (
    SELECT run_id, started_at
    FROM ops.run_log
    WHERE status = 'published' AND source = 'live'
),

final AS (
    SELECT run_id
    FROM published_live
    WHERE started_at < $cutoff
)

SELECT run_id FROM final
ORDER BY run_id
