CREATE TABLE IF NOT EXISTS ops.backfill_partitions (
    landing VARCHAR NOT NULL,
    partition_start DATE NOT NULL,
    partition_end DATE NOT NULL,
    label VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    row_counts JSON,
    merged_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (landing, partition_start, partition_end)
);
