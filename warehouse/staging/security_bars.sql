CREATE OR REPLACE TABLE staging.security_bars (
    symbol VARCHAR,
    trade_date DATE,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE,
    volume DOUBLE,
    amount DOUBLE,
    currency VARCHAR,
    source_file VARCHAR
);
