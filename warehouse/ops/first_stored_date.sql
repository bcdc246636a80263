-- The oldest day any stored daily series starts on (NULL for an empty warehouse).
SELECT min(first_date) AS first_date
FROM core.series_tails
