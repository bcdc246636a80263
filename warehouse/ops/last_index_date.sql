-- The newest day any stored index series reached (NULL for an empty warehouse).
SELECT max(last_date) AS last_date
FROM core.series_tails
WHERE dataset = 'index_bars'
