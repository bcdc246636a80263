-- Provenance of what the core tables hold: one row per series (an endpoint's subject), origin and
-- date range, kept across runs (a run's rows replace the ranges its data replaced; see
-- ops/data_origins_next.sql). Warehouses that named the endpoint `dataset` are migrated in place
-- (migrations/ops_data_origins_endpoint.sql).
CREATE TABLE IF NOT EXISTS ops.data_origins (
    endpoint VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    first_date DATE NOT NULL,
    last_date DATE NOT NULL,
    provider VARCHAR,
    source_file VARCHAR,
    origin_detail VARCHAR,
    repairs VARCHAR,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (endpoint, subject, origin, first_date)
);
