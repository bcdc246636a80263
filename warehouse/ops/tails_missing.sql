-- Whether core holds bars that core.series_tails does not know about yet (an older warehouse).
SELECT
    (SELECT count(*) FROM core.series_tails) = 0
    AND (SELECT count(*) FROM core.index_bars) + (SELECT count(*) FROM core.security_bars) > 0
    AS missing
