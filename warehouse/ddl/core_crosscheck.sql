-- Natural key (dataset, series, provider, trade_date): kept unique by warehouse.load.merge_core.
-- Second-source figures kept beside the primary series they were checked against, so a
-- disagreement found later can be traced to both providers' numbers.
CREATE TABLE IF NOT EXISTS core.crosscheck (
    dataset VARCHAR NOT NULL,
    series VARCHAR NOT NULL,
    trade_date DATE NOT NULL,
    provider VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    loaded_run_id VARCHAR NOT NULL
);
