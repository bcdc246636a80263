-- Natural key (symbol, report_date, fiscal_year): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.eps_forecast (
    symbol VARCHAR NOT NULL,
    report_date DATE NOT NULL,
    fiscal_year INTEGER NOT NULL,
    eps DOUBLE,
    loaded_run_id VARCHAR NOT NULL
);
