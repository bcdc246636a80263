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
    message VARCHAR
);
