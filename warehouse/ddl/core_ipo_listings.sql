-- Natural key (symbol): kept unique by warehouse.load.merge_core.
CREATE TABLE IF NOT EXISTS core.ipo_listings (
    symbol VARCHAR NOT NULL,
    name VARCHAR,
    exchange VARCHAR NOT NULL,
    board VARCHAR,
    listing_date DATE NOT NULL,
    prospectus_date DATE,
    offer_price DOUBLE,
    first_day_open DOUBLE,
    first_day_close DOUBLE,
    funds_raised DOUBLE,
    currency VARCHAR,
    loaded_run_id VARCHAR NOT NULL
);
