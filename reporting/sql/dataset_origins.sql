-- The origins (recorded, reconstructed, synthetic) of a dataset's landed bodies, or of one series'.
WITH final AS (
    SELECT DISTINCT origin
    FROM data_origins
    WHERE dataset = $dataset AND ($subject IS NULL OR subject = $subject)
)

SELECT * FROM final
ORDER BY origin
