"""The start-up benchmark reads its breakdown from the stage lines ``cntech run`` prints."""

from __future__ import annotations

from benchmarks.bench_startup import Timing, breakdown, table

LINES = """\
[   0.1 s] start-up: temporary Prefect API server launching on http://127.0.0.1:1/api; loading
[   6.4 s] start-up: temporary Prefect API server http://127.0.0.1:1/api ready after 6.3 s (set
[   7.0 s] extract started: 368 requests, snapshot
[   7.0 s] extract done in 0.0 s: 368/368 requests landed
[   7.0 s] parse started: 368 bodies
[   9.5 s] parse done in 2.5 s: 23,971 rows
[   9.5 s] gate started
[  13.4 s] gate done in 3.9 s: 112 of 112 checks passed
[  14.0 s] publish started
[  14.8 s] publish done in 0.8 s: /tmp/d/marts.duckdb
gate: 112 of 112 checks passed; run took 14.9 s""".splitlines()


def test_breakdown_from_stage_lines() -> None:
    parts = breakdown(LINES, wall=15.5)
    assert parts == {"api": 6.3, "start-up": 7.0, "extract": 0.0, "parse": 2.5, "gate": 3.9,
                     "publish": 0.8, "exit": parts["exit"]}
    assert round(parts["exit"], 6) == 0.7


def test_a_cntech_without_stage_lines_is_timed_whole() -> None:
    assert breakdown(["published: /tmp/d/marts.duckdb"], wall=40.0) == {}
    text = table("old", [Timing(40.0, 25.0, 3.2, 0), Timing(38.0, 24.0, 3.0, 0)])
    assert "| **median** | | | 39.0 | 24.5 |" in text


def test_idle_estimate_counts_the_side_by_side_start_once() -> None:
    run = Timing(60.0, 30.0, 12.0, 0, parts={"exit": 0.5},
                 cpu_at={"ready": 7.0, "api": 6.0, "published": 15.0})
    assert "| 1 | 12.0 | 0 | 60.0 | 30.0 | 15.5 | 7.0 | 6.0 | 8.0 |" in table("new", [run])
