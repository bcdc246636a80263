CREATE OR REPLACE TABLE staging.index_bars (
    index_code VARCHAR,
    trade_date DATE,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE,
    volume DOUBLE,
    amount DOUBLE,
    source_file VARCHAR
);
