-- The floors load into plain tables shaped like the core tables they stand for.
CREATE OR REPLACE TABLE floor_bars (
    symbol VARCHAR, trade_date DATE, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE,
    volume DOUBLE, amount DOUBLE
);
CREATE OR REPLACE TABLE floor_valuation (
    symbol VARCHAR, trade_date DATE, close DOUBLE, pe_ttm DOUBLE, market_cap DOUBLE,
    total_shares DOUBLE
);
