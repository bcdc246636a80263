-- The same bar rows loaded from one Parquet file.
INSERT INTO floor_bars BY NAME
SELECT * FROM read_parquet($file)
