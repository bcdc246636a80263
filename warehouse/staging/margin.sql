CREATE OR REPLACE TABLE staging.margin (
    exchange VARCHAR,
    trade_date DATE,
    financing_balance DOUBLE,
    lending_balance DOUBLE,
    financing_buy DOUBLE,
    source_file VARCHAR
);
