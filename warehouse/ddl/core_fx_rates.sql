CREATE TABLE IF NOT EXISTS core.fx_rates (
    pair VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    rate DOUBLE NOT NULL,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (pair, trade_date)
);
