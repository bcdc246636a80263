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
COMMENT ON TABLE ref.securities IS 'Seeded securities of the baskets: symbol, names, listing, currency, AI flag, shares outstanding, provider code and where their numbers come from.';
COMMENT ON COLUMN ref.securities.symbol IS 'Security symbol with exchange suffix (688256.SH, 002230.SZ, 00700.HK, NVDA.US).';
COMMENT ON COLUMN ref.securities.name IS 'English short name.';
COMMENT ON COLUMN ref.securities.name_local IS 'Name in the listing market''s language (Chinese for A-shares and Hong Kong); null when none is seeded.';
COMMENT ON COLUMN ref.securities.exchange IS 'Listing exchange (SSE, SZSE, HKEX, NASDAQ, NYSE).';
COMMENT ON COLUMN ref.securities.calendar IS 'Trading calendar (exchange-calendars code: XSHG for Shanghai and Shenzhen, XHKG, XNYS).';
COMMENT ON COLUMN ref.securities.board IS 'Listing board: STAR, CHINEXT, MAIN, HK or US.';
COMMENT ON COLUMN ref.securities.currency IS 'Trading currency (CNY, HKD, USD).';
COMMENT ON COLUMN ref.securities.is_ai IS 'True when the company is classified as an AI company.';
COMMENT ON COLUMN ref.securities.shares_outstanding IS 'Total shares outstanding, count; values market cap when the provider publishes none.';
COMMENT ON COLUMN ref.securities.provider IS 'Provider the daily bars are fetched from (eastmoney, yahoo).';
COMMENT ON COLUMN ref.securities.provider_code IS 'The security code at the provider (Eastmoney secid such as 1.688256, or a Yahoo ticker).';
COMMENT ON COLUMN ref.securities.data_origin IS 'Where the bundled snapshot''s numbers for it come from: recorded, reconstructed or synthetic (see data_origins).';
