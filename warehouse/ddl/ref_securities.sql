CREATE OR REPLACE TABLE ref.securities (
    symbol VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_local VARCHAR,
    exchange VARCHAR NOT NULL,
    calendar VARCHAR NOT NULL,
    board VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    is_ai BOOLEAN NOT NULL,
    shares_outstanding DOUBLE,
    provider VARCHAR NOT NULL,
    provider_code VARCHAR NOT NULL,
    data_origin VARCHAR NOT NULL
);
