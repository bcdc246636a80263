CREATE OR REPLACE TABLE staging.fx_rates (
    pair VARCHAR,
    trade_date DATE,
    rate DOUBLE,
    source_file VARCHAR
);
