-- The run that produced the published file; every column, as versions published before
-- per-mart states lack ``marts``.
SELECT *
FROM publish_info
