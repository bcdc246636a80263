-- Natural key (symbol, trade_date): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.security_bars (
    symbol VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE NOT NULL,
    volume DOUBLE,
    amount DOUBLE,
    currency VARCHAR NOT NULL,
    loaded_run_id VARCHAR NOT NULL
);
