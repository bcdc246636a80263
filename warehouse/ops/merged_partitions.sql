-- Partitions of a landing zone a backfill has already merged.
SELECT partition_start, partition_end
FROM ops.backfill_partitions
WHERE landing = $landing
ORDER BY partition_start
