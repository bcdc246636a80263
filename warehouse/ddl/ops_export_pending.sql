-- Months of core tables (NULL: a table exported whole) whose Parquet copy is due: noted before
-- the merge that changes them and cleared once written, so a run that dies in between leaves
-- them to the next export (warehouse/export.py).
CREATE TABLE IF NOT EXISTS ops.export_pending (
    table_name VARCHAR NOT NULL,
    month DATE
);
