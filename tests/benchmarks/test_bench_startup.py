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
                 cpu_at={"ready": 7.0, "api": 6.0, "published": 15.0, "judge@ready": 0.0,
                         "judge": 0.0})
    assert "| 1 | 12.0 | 0 | 60.0 | 30.0 | 15.5 | 7.0 | 6.0 | 8.0 | 0.0 |" in table("new", [run])


def test_idle_estimate_shares_two_cores_with_the_judging_worker() -> None:
    # Until ready: 4 + 5 + 3 s of CPU on two cores is 6 s, more than any one process's.
    # After it: the CLI's 6 s and the worker's 4 s share two cores, so the CLI's 6 s count.
    # A busy worker (10 s after ready) would set the pace instead: (6 + 10) / 2 = 8 s.
    cpu_at = {"ready": 4.0, "api": 5.0, "judge@ready": 3.0, "published": 10.0, "judge": 7.0}
    run = Timing(20.0, 30.0, 1.0, 0, parts={"exit": 1.0}, cpu_at=cpu_at)
    assert "| 1 | 1.0 | 0 | 20.0 | 30.0 | 13.0 | 4.0 | 5.0 | 6.0 | 7.0 |" in table("new", [run])
    busy = Timing(20.0, 30.0, 1.0, 0, parts={"exit": 1.0}, cpu_at={**cpu_at, "judge": 13.0})
    assert "| 1 | 1.0 | 0 | 20.0 | 30.0 | 15.0 |" in table("new", [busy])
