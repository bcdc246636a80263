-- Natural key (index_code, trade_date): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.index_bars (
    index_code VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    open DOUBLE,
    high DOUBLE,
    low DOUBLE,
    close DOUBLE NOT NULL,
    volume DOUBLE,
    amount DOUBLE,
    loaded_run_id VARCHAR NOT NULL
);
