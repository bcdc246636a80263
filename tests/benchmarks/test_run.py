"""The benchmark tables: the backfill ratio is taken against the faster floor (a) run."""

from __future__ import annotations

from typing import Any

from benchmarks.run import tables


def _step(wall: float, rows: int, load: float) -> dict[str, Any]:
    return {"wall_s": wall, "rows": rows, "peak_rss_mb": 900.0, "load": [load, load]}


def test_backfill_only_results_show_both_floor_runs_and_the_ratio_against_the_faster() -> None:
    before, after = _step(100.0, 1000, 6.0), _step(50.0, 1000, 2.0)
    results = {
        "securities": 10, "years": 1, "window": ["2025-01-01", "2025-12-31"],
        "partition": "year", "floor_a_before": before, "floor_a_after": after,
        "floor_a": after, "floor_b": _step(5.0, 800, 2.0),
        "backfill_full": {**_step(90.0, 1000, 4.0), "peak_rss_mb": 2100.0,
                          "children_peak_rss_mb": 700.0, "tree_peak_rss_mb": 2600.0,
                          "tree_peak_parts_mb": {"workers": 450.0, "flow": 1900.0,
                                                 "Prefect API": 250.0},
                          "tasks": {"gate": 40.0, "merge_partition": 10.0}},
    }
    text = tables(results)
    assert "| floor (a) before: DuckDB read_json + string split | 100.0 |" in text
    assert "| 6.0 / 6.0 | 2.00x |" in text
    assert "| cntech backfill (parse, stage, gate, merge, marts, publish) | 90.0 |" in text
    assert "| 2,100 | 700 / 2,600 | 4.0 / 4.0 |" in text
    assert "MISSED (1.80x)" not in text
    assert "met (1.80x)" in text
    assert "peak RSS ≤ 2048 MB: MISSED (2,100 MB)" in text
    assert ("process tree at its peak (2,600 MB): flow 1,900 MB, workers 450 MB, "
            "Prefect API 250 MB.") in text
    assert "Nightly" not in text and "akshare" not in text
