COMMENT ON TABLE pub.main.data_origins IS 'Provenance of every landed provider body the run read, one row per body: whether its numbers are recorded, reconstructed or synthetic.';
COMMENT ON COLUMN pub.main.data_origins.source_file IS 'Path of the landed body inside its landing zone.';
COMMENT ON COLUMN pub.main.data_origins.provider IS 'Provider the body came from (eastmoney, yahoo, hkex, sse, szse).';
COMMENT ON COLUMN pub.main.data_origins.dataset IS 'Dataset the body feeds (index_bars, security_bars, valuation, fx_rates, margin, ...).';
COMMENT ON COLUMN pub.main.data_origins.subject IS 'The series the body is about: an index code, a security symbol, an exchange or a currency pair.';
COMMENT ON COLUMN pub.main.data_origins.origin IS 'recorded (a genuine provider response), reconstructed (real numbers from a named public dataset in the provider format) or synthetic (seeded, generated).';
COMMENT ON COLUMN pub.main.data_origins.origin_detail IS 'Which recording, public dataset or generator the body comes from; empty for recorded bodies without a note.';
COMMENT ON COLUMN pub.main.data_origins.repairs IS 'Fixes applied to the body before landing, as a JSON list (empty list: none).';
