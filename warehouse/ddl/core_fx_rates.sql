-- Natural key (pair, trade_date): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.fx_rates (
    pair VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    rate DOUBLE NOT NULL,
    loaded_run_id VARCHAR NOT NULL
);
