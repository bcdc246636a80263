CREATE OR REPLACE TABLE staging.ipo_listings (
    symbol VARCHAR,
    name VARCHAR,
    exchange VARCHAR,
    board VARCHAR,
    listing_date DATE,
    prospectus_date DATE,
    offer_price DOUBLE,
    first_day_open DOUBLE,
    first_day_close DOUBLE,
    funds_raised DOUBLE,
    currency VARCHAR,
    source_file VARCHAR
);
