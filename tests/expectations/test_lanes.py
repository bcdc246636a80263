"""Light checks run beside the heavy ones on a second connection; results keep the checks' order."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb
import pytest

from expectations import lanes
from expectations.checks import Check

WAIT = 10.0


def check(suite: str, table: str = "index_bars", reads: tuple[str, ...] = ()) -> Check:
    return Check(table=table, suite=suite, sql="staged_rows.sql", params={}, keys=(),
                 rules=(), reads=reads)


@pytest.fixture
def connections() -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    return con, con.cursor()


def recorder() -> tuple[list[tuple[str, str]], Callable[[duckdb.DuckDBPyConnection, Check], str]]:
    """A ``run`` that records which thread ran which check, and returns the check's suite."""
    ran: list[tuple[str, str]] = []

    def run(lane: duckdb.DuckDBPyConnection, query: Check) -> str:
        ran.append((threading.current_thread().name, query.suite))
        return query.suite

    return ran, run


def test_a_light_check_runs_while_a_heavy_one_does_and_results_keep_their_order(
    connections: tuple[duckdb.DuckDBPyConnection, ...]
) -> None:
    checks = [check("heavy"), check("light-1"), check("light-2"), check("heavy-2")]
    light_ran = threading.Event()
    ran, record = recorder()

    def run(lane: duckdb.DuckDBPyConnection, query: Check) -> str:
        if query.suite == "heavy":
            # Ends only once a light check has run beside it.
            assert light_ran.wait(WAIT), "no light check ran beside the heavy one"
        if query.suite.startswith("light"):
            light_ran.set()
        return record(lane, query)

    results = list(lanes.results(connections, checks, [False, True, True, False], run))
    assert results == ["heavy", "light-1", "light-2", "heavy-2"]
    threads = dict((suite, thread) for thread, suite in ran)
    assert threads["heavy"] == threads["heavy-2"] == "gate-lane-0"
    assert threads["light-1"] == "gate-lane-1"


def test_light_checks_alone_are_shared_by_both_lanes(
    connections: tuple[duckdb.DuckDBPyConnection, ...]
) -> None:
    checks = [check(f"light-{n}") for n in range(8)]
    ran, record = recorder()
    both = threading.Barrier(2)

    def run(lane: duckdb.DuckDBPyConnection, query: Check) -> str:
        if query.suite in ("light-0", "light-1"):
            # Passes only when the other lane runs the other of the two at the same time.
            both.wait(WAIT)
        return record(lane, query)

    results = list(lanes.results(connections, checks, [True] * len(checks), run))
    assert results == [c.suite for c in checks]
    assert {thread for thread, _ in ran} == {"gate-lane-0", "gate-lane-1"}


def test_the_heavy_lane_runs_at_most_its_bound_ahead_of_the_caller(
    connections: tuple[duckdb.DuckDBPyConnection, ...]
) -> None:
    checks = [check(f"heavy-{n}") for n in range(6)] + [check("light")]
    ran, run = recorder()
    results = lanes.results(connections, checks, [False] * 6 + [True], run)
    assert next(results) == "heavy-0"
    deadline = time.monotonic() + WAIT
    while len([s for _, s in ran if s.startswith("heavy")]) < 1 + lanes.HEAVY_AHEAD:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.2)
    assert [s for _, s in ran if s.startswith("heavy")] == ["heavy-0", "heavy-1", "heavy-2"]
    assert list(results) == [c.suite for c in checks[1:]]


def test_an_error_is_raised_at_its_check_and_no_lane_runs_after(
    connections: tuple[duckdb.DuckDBPyConnection, ...]
) -> None:
    checks = [check("heavy"), check("broken"), check("light")]
    ran, record = recorder()

    def run(lane: duckdb.DuckDBPyConnection, query: Check) -> str:
        if query.suite == "broken":
            raise duckdb.BinderException("no such column")
        return record(lane, query)

    results = lanes.results(connections, checks, [False, True, True], run)
    assert next(results) == "heavy"
    with pytest.raises(duckdb.BinderException, match="no such column"):
        next(results)
    assert not [t for t in threading.enumerate() if t.name.startswith("gate-lane")]


def test_one_connection_runs_every_check_in_turn_on_the_callers_thread() -> None:
    ran, run = recorder()
    checks = [check("a"), check("b")]
    assert list(lanes.results((duckdb.connect(),), checks, [True, True], run)) == ["a", "b"]
    assert {thread for thread, _ in ran} == {threading.current_thread().name}


def test_a_check_is_light_when_every_dataset_it_reads_stages_few_rows(
    warehouse: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    [(bars,)] = warehouse.execute("SELECT count(*) FROM staging.security_bars").fetchall()
    [(indices,)] = warehouse.execute("SELECT count(*) FROM staging.index_bars").fetchall()
    assert indices < bars
    monkeypatch.setattr(lanes, "LIGHT_BELOW_ROWS", bars)
    checks = [check("index_bars"), check("index_bars.series", reads=("security_bars",)),
              check("security_bars", table="security_bars")]
    assert lanes.light(warehouse, checks) == [True, False, False]
