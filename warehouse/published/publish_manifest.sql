COMMENT ON TABLE pub.main.publish_manifest IS 'One row per table in this file with its row count and the run that published it; a reader can check it sees one complete version.';
COMMENT ON COLUMN pub.main.publish_manifest.table_name IS 'A table published in this version.';
COMMENT ON COLUMN pub.main.publish_manifest.row_count IS 'Rows the table holds in this version, count.';
COMMENT ON COLUMN pub.main.publish_manifest.run_id IS 'Run that published the table (the same for every row of one version).';
