COMMENT ON TABLE pub.main.publish_info IS 'The run that produced this published version (one row): run id, as-of date, source, publish time and how many gate checks passed.';
COMMENT ON COLUMN pub.main.publish_info.run_id IS 'Id of the run that published this version (UTC start time and a random suffix, e.g. 20260130T221500-1a2b3c).';
COMMENT ON COLUMN pub.main.publish_info.as_of_date IS 'The date the marts are as of: the last trading date the run loaded (exchange-local).';
COMMENT ON COLUMN pub.main.publish_info.source IS 'Where the run read its data: snapshot (a replayed landing zone) or live (fetched from the providers).';
COMMENT ON COLUMN pub.main.publish_info.published_at IS 'When the run published this version (UTC).';
COMMENT ON COLUMN pub.main.publish_info.gate_checks_run IS 'Quality-gate checks run (and passed) before publishing, count.';
