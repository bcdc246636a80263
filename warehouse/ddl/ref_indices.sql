CREATE OR REPLACE TABLE ref.indices (
    index_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    calendar VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    provider_code VARCHAR NOT NULL,
    is_proxy BOOLEAN NOT NULL,
    note VARCHAR
);
