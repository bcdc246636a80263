-- Indices that are represented by a stand-in series.
SELECT index_code, name, note
FROM ref_indices
WHERE is_proxy
ORDER BY index_code
