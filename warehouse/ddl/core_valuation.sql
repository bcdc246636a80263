-- Natural key (symbol, trade_date): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.valuation (
    symbol VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    close DOUBLE,
    pe_ttm DOUBLE,
    market_cap DOUBLE,
    total_shares DOUBLE,
    loaded_run_id VARCHAR NOT NULL
);
