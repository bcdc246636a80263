-- A backfill partition is merged: recorded in the merge's own transaction, so a resumed backfill
-- skips exactly the partitions whose rows are in core.
INSERT OR REPLACE INTO ops.backfill_partitions BY NAME
SELECT
    $landing AS landing,
    $partition_start AS partition_start,
    $partition_end AS partition_end,
    $label AS label,
    run_id,
    $row_counts::JSON AS row_counts,
    now() AS merged_at
FROM ops.run_context
