-- data_origins under its column names before release 0.2.0, every column it has in its order (a
-- column added later appears here too): `dataset` is the endpoint again and today's `dataset`
-- (the dataset the endpoint feeds) is left out; removed in release 0.3.0.
CREATE VIEW pub.compat.data_origins_v1 AS
SELECT * EXCLUDE (dataset) RENAME (endpoint AS dataset)
FROM main.data_origins;
