-- The datasets among $datasets whose rows in gate_bars (staged days and the stored month before
-- them) hold no day of a series twice. A hash stands in for each day: two days sharing one
-- only keep their dataset off this list, which costs time, never a wrong day.
SELECT dataset
FROM gate_bars
WHERE list_contains($datasets, dataset)
GROUP BY dataset
HAVING count(*) = count(DISTINCT hash(series, trade_date))
