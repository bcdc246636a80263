-- The provenance the warehouse holds once this run's staged rows are merged: earlier ranges cut
-- where this run's rows replace theirs, this run's ranges, and touching ranges of one origin
-- joined. ``run_origins`` holds the manifest of every body the run read; ``staged_file_spans``
-- the first and last date of each body's staged rows, in every registered dataset.
CREATE OR REPLACE TEMP TABLE data_origins_next AS
WITH landed AS (
    SELECT source_file, first_date, last_date
    FROM staged_file_spans
),

-- Bodies whose rows differ in origin by date declare their ranges in the manifest.
declared AS (
    SELECT
        source_file, provider, endpoint, subject, origin_detail, repairs,
        unnest(from_json(origin_ranges,
            '[{"origin": "VARCHAR", "first_date": "DATE", "last_date": "DATE"}]')) AS span
    FROM run_origins
    WHERE origin_ranges IS NOT NULL
),

ranged AS (
    SELECT source_file, provider, endpoint, subject, span.origin AS origin,
        span.first_date AS first_date, span.last_date AS last_date, origin_detail, repairs
    FROM declared
    UNION ALL
    SELECT source_file, provider, endpoint, subject, origin, NULL::DATE, NULL::DATE,
        origin_detail, repairs
    FROM run_origins
    WHERE origin_ranges IS NULL
),

-- A range covers only the days whose rows were staged (an as-of replay stops early).
clipped AS (
    SELECT
        ranged.endpoint, ranged.subject, ranged.origin, ranged.provider, ranged.source_file,
        ranged.origin_detail, ranged.repairs,
        greatest(coalesce(ranged.first_date, landed.first_date), landed.first_date) AS first_date,
        least(coalesce(ranged.last_date, landed.last_date), landed.last_date) AS last_date
    FROM ranged
    JOIN landed USING (source_file)
),

incoming AS (
    SELECT
        endpoint, subject, origin, min(first_date) AS first_date, max(last_date) AS last_date,
        arg_max(provider, last_date) AS provider, arg_max(source_file, last_date) AS source_file,
        arg_max(origin_detail, last_date) AS origin_detail, arg_max(repairs, last_date) AS repairs,
        any_value(context.run_id) AS loaded_run_id
    FROM clipped
    CROSS JOIN ops.run_context AS context
    WHERE first_date <= last_date
    GROUP BY endpoint, subject, origin
),

envelope AS (
    SELECT endpoint, subject, min(first_date) AS env_first, max(last_date) AS env_last
    FROM incoming
    GROUP BY endpoint, subject
),

-- Stored ranges keep only their days outside the span this run restaged.
kept AS (
    SELECT stored.* REPLACE (least(stored.last_date, envelope.env_first - 1) AS last_date)
    FROM ops.data_origins AS stored
    JOIN envelope USING (endpoint, subject)
    WHERE stored.first_date < envelope.env_first
    UNION ALL
    SELECT stored.* REPLACE (greatest(stored.first_date, envelope.env_last + 1) AS first_date)
    FROM ops.data_origins AS stored
    JOIN envelope USING (endpoint, subject)
    WHERE stored.last_date > envelope.env_last
    UNION ALL
    SELECT stored.*
    FROM ops.data_origins AS stored
    WHERE NOT EXISTS (
        SELECT 1 FROM envelope
        WHERE envelope.endpoint = stored.endpoint AND envelope.subject = stored.subject
    )
),

combined AS (
    SELECT * FROM kept
    UNION ALL BY NAME
    SELECT * FROM incoming
),

ordered AS (
    SELECT *, lag(origin) OVER (PARTITION BY endpoint, subject ORDER BY first_date) AS prev_origin
    FROM combined
),

islands AS (
    SELECT *, sum(CASE WHEN origin = prev_origin THEN 0 ELSE 1 END)
        OVER (PARTITION BY endpoint, subject ORDER BY first_date) AS island
    FROM ordered
),

final AS (
    SELECT
        endpoint, subject, origin, min(first_date) AS first_date, max(last_date) AS last_date,
        arg_max(provider, last_date) AS provider, arg_max(source_file, last_date) AS source_file,
        arg_max(origin_detail, last_date) AS origin_detail, arg_max(repairs, last_date) AS repairs,
        arg_max(loaded_run_id, last_date) AS loaded_run_id
    FROM islands
    GROUP BY endpoint, subject, origin, island
)
SELECT * FROM final;
