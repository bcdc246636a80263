-- Natural key (exchange, trade_date): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.margin (
    exchange VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    financing_balance DOUBLE NOT NULL,
    lending_balance DOUBLE,
    financing_buy DOUBLE,
    loaded_run_id VARCHAR NOT NULL
);
