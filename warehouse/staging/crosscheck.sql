CREATE OR REPLACE TABLE staging.crosscheck (
    dataset VARCHAR,
    series VARCHAR,
    trade_date DATE,
    provider VARCHAR,
    value DOUBLE,
    source_file VARCHAR
);
