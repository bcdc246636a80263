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
COMMENT ON TABLE ref.indices IS 'Seeded indices the marts track: code, name, trading calendar, currency and provider code; is_proxy marks a stand-in series (note says which).';
COMMENT ON COLUMN ref.indices.index_code IS 'Index code used across the marts (STAR50, CHINEXT, CSI300, CSIALL, HSTECH, HSI, NDX).';
COMMENT ON COLUMN ref.indices.name IS 'Index name in English; a proxy says what stands in for it.';
COMMENT ON COLUMN ref.indices.calendar IS 'Trading calendar of the series (exchange-calendars code: XSHG, XHKG, XNYS).';
COMMENT ON COLUMN ref.indices.currency IS 'Currency the index level is quoted in (CNY, HKD, USD).';
COMMENT ON COLUMN ref.indices.provider IS 'Provider the daily bars are fetched from (eastmoney).';
COMMENT ON COLUMN ref.indices.provider_code IS 'The series code at the provider (Eastmoney secid, e.g. 1.000688).';
COMMENT ON COLUMN ref.indices.is_proxy IS 'True when the series is a stand-in for the named index (e.g. an ETF tracking it), not the index itself.';
COMMENT ON COLUMN ref.indices.note IS 'Caveats: what a proxy is, which calendar a market trades on, what cross-checks it; null when none.';
