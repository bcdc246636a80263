CREATE OR REPLACE TABLE ops.run_context (
    run_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    source VARCHAR NOT NULL
);
