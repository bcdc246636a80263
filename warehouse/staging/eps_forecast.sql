CREATE OR REPLACE TABLE staging.eps_forecast (
    symbol VARCHAR,
    report_date DATE,
    fiscal_year INTEGER,
    eps DOUBLE,
    source_file VARCHAR
);
