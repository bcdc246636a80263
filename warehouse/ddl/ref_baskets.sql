CREATE OR REPLACE TABLE ref.baskets (
    basket VARCHAR NOT NULL,
    symbol VARCHAR NOT NULL,
    PRIMARY KEY (basket, symbol)
);
