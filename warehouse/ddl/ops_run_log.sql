CREATE TABLE IF NOT EXISTS ops.run_log (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    as_of_date DATE,
    source VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    row_counts JSON,
    gate_passed BOOLEAN,
    gate_failures INTEGER,
    published_at TIMESTAMPTZ,
    message VARCHAR,
    gate_warnings JSON,
    marts JSON
);
-- Warehouses written before warnings were quarantined gain the column in place.
ALTER TABLE ops.run_log ADD COLUMN IF NOT EXISTS gate_warnings JSON;
-- Warehouses written before marts were published one by one gain the per-mart states.
ALTER TABLE ops.run_log ADD COLUMN IF NOT EXISTS marts JSON;
