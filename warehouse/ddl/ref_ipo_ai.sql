CREATE OR REPLACE TABLE ref.ipo_ai (
    symbol VARCHAR PRIMARY KEY,
    reason VARCHAR NOT NULL
);
COMMENT ON TABLE ref.ipo_ai IS 'IPOs classified as AI companies (they set the AI flag in mart_ipo_debuts), with the reason.';
COMMENT ON COLUMN ref.ipo_ai.symbol IS 'Symbol of the listing (e.g. 02513.HK).';
COMMENT ON COLUMN ref.ipo_ai.reason IS 'Company name and why it counts as AI.';
