CREATE OR REPLACE TABLE staging.valuation (
    symbol VARCHAR,
    trade_date DATE,
    close DOUBLE,
    pe_ttm DOUBLE,
    market_cap DOUBLE,
    total_shares DOUBLE,
    source_file VARCHAR
);
