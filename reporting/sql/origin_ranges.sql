-- Each series' origins with the date ranges they cover, oldest first: the run summary's source.
WITH final AS (
    SELECT endpoint, subject, list((origin, first_date, last_date) ORDER BY first_date) AS ranges
    FROM data_origins
    GROUP BY endpoint, subject
)

SELECT * FROM final
ORDER BY endpoint, subject
