-- Provenance of what the core tables hold: one row per series, origin and date range, kept
-- across runs (a run's rows replace the ranges its data replaced; see ops/data_origins_next.sql).
CREATE TABLE IF NOT EXISTS ops.data_origins (
    dataset VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    first_date DATE NOT NULL,
    last_date DATE NOT NULL,
    provider VARCHAR,
    source_file VARCHAR,
    origin_detail VARCHAR,
    repairs VARCHAR,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (dataset, subject, origin, first_date)
);
