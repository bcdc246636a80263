CREATE TABLE IF NOT EXISTS core.series_tails (
    dataset VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    first_date DATE NOT NULL,
    last_date DATE NOT NULL,
    last_value DOUBLE,
    loaded_run_id VARCHAR NOT NULL,
    PRIMARY KEY (dataset, series)
);
