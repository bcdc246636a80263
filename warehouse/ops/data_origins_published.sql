-- data_origins as published: every stored series with the origin of each of its date ranges.
SELECT
    source_file, provider, dataset, subject, origin, first_date, last_date, origin_detail, repairs
FROM ops.data_origins
ORDER BY dataset, subject, first_date
