CREATE OR REPLACE TABLE ref.baskets (
    basket VARCHAR NOT NULL,
    symbol VARCHAR NOT NULL,
    PRIMARY KEY (basket, symbol)
);
COMMENT ON TABLE ref.baskets IS 'Basket membership, one row per basket and member: china_ai (33 Chinese AI stocks approximating the Jefferies basket) and us_ai (10 US AI leaders).';
COMMENT ON COLUMN ref.baskets.basket IS 'Basket id: china_ai or us_ai.';
COMMENT ON COLUMN ref.baskets.symbol IS 'Member security symbol (see ref_securities).';
