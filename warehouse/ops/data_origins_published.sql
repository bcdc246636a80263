-- data_origins as published: every stored series with the origin of each of its date ranges, and
-- the dataset its endpoint feeds (``endpoint_datasets``, from the provider registry; null for an
-- endpoint no provider registers any more). ``dataset`` comes last: the columns before it are
-- the ones published before release 0.2.0, ``endpoint`` then named ``dataset``.
WITH stored AS (
    SELECT
        source_file, provider, endpoint, subject, origin, first_date, last_date, origin_detail,
        repairs
    FROM ops.data_origins
),

final AS (
    SELECT stored.*, endpoint_datasets.dataset
    FROM stored
    LEFT JOIN endpoint_datasets USING (endpoint)
)

SELECT * FROM final
ORDER BY endpoint, subject, first_date
