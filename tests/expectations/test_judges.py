"""Frames judged by the worker process reach the verdicts judged here would, sample rows included,
and a worker that dies leaves the gate to this process."""

from __future__ import annotations

import gc
import json
import logging
import multiprocessing.util
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from expectations import judges, lanes
from expectations.gate import run_gate
from tests.conftest import REPO
from tests.expectations.bad_data import CASES
from tests.expectations.gate_fixture import AS_OF
from warehouse.db import cap_memory

BROKEN = ("negative_price", "open_missing_from_a_full_bar")


@pytest.fixture
def worker() -> Iterator[None]:
    judges.start()
    yield
    judges.stop()


@pytest.fixture
def judged_here(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The positions of the checks judged in this process."""
    positions: list[int] = []
    real = judges.Suites.judge

    def spy(self: judges.Suites, position: int, frame: Any) -> list[judges.Outcome]:
        positions.append(position)
        return real(self, position, frame)

    monkeypatch.setattr(judges.Suites, "judge", spy)
    return positions


def verdicts(con: duckdb.DuckDBPyConnection, results_dir: Path) -> dict[str, Any]:
    """The results file of a gate on ``con``, without its timing."""
    run_gate(con, run_id="judged", as_of=AS_OF, results_dir=results_dir)
    recorded = json.loads((results_dir / "judged.json").read_text())
    recorded.pop("seconds")
    return dict(recorded)


def broken(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    for case in CASES:
        if case.id in BROKEN:
            for statement in case.sql:
                con.execute(statement)
    return con


@pytest.fixture(scope="module")
def reference(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The verdicts of the broken warehouse judged in this process alone."""
    assert not judges.started()
    con = duckdb.connect()
    con.execute(f"ATTACH '{template}' AS template (READ_ONLY)")
    con.execute("COPY FROM DATABASE template TO memory")
    con.execute("DETACH template")
    return verdicts(broken(con), tmp_path_factory.mktemp("reference"))


@pytest.mark.usefixtures("worker")
def test_the_worker_judges_as_this_process_would_and_its_death_changes_nothing(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, judged_here: list[int],
    reference: dict[str, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    con = broken(warehouse)
    failed = {(r["table"], r["rule"]) for r in reference["results"] if not r["success"]}
    assert {("security_bars", "close_positive"), ("security_bars", "open_not_null")} <= failed
    assert all(r["sample"] for r in reference["results"] if not r["success"])

    assert verdicts(con, tmp_path / "worker") == reference
    assert judged_here == [] and judges.started()

    # A large frame reaches the worker as a file, the others pickled; every file is removed.
    monkeypatch.setattr(judges, "SPILL_FROM_ROWS", 50)
    spilled: list[Path] = []
    queried: list[str] = []
    kill_at_spill: list[bool] = []
    check_result = judges.check_result

    def spying(*args: Any) -> Any:
        result = check_result(*args)
        queried.append(args[1].suite)
        if isinstance(result, Path):
            spilled.append(result)
            if kill_at_spill and judges.started():
                judges._workers[0].processes[0].kill()
        return result

    monkeypatch.setattr(judges, "check_result", spying)
    # Each spilled frame's wait flushes DuckDB's allocator by setting the cap it already had.
    cap_memory(con, "1GB")
    cap = "SELECT current_setting('memory_limit')"
    before = con.execute(cap).fetchall()
    assert verdicts(con, tmp_path / "mixed") == reference
    assert judged_here == [] and 0 < len(spilled) < len(queried)
    assert con.execute(cap).fetchall() == before
    assert not any(path.exists() or path.parent.exists() for path in spilled)

    # A worker dying mid-gate leaves the rest, the spilled frame it was given included, here.
    checks, spilled[:] = len(queried), []
    kill_at_spill.append(True)
    with caplog.at_level(logging.WARNING, logger=judges.__name__):
        assert verdicts(con, tmp_path / "died") == reference
    assert "judging worker died" in caplog.text and not judges.started()
    assert judged_here and judged_here == list(range(judged_here[0], checks))
    assert not any(path.exists() or path.parent.exists() for path in spilled)


@pytest.mark.usefixtures("worker")
def test_light_checks_run_on_a_second_connection_to_the_same_verdicts(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, reference: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch
) -> None:
    [(bars,)] = warehouse.execute("SELECT count(*) FROM staging.security_bars").fetchall()
    monkeypatch.setattr(lanes, "LIGHT_BELOW_ROWS", bars)
    queried: dict[str, str] = {}
    check_result = judges.check_result

    def spying(*args: Any) -> Any:
        queried[args[1].suite] = threading.current_thread().name
        return check_result(*args)

    monkeypatch.setattr(judges, "check_result", spying)
    assert verdicts(broken(warehouse), tmp_path) == reference
    assert queried["security_bars"] == queried["security_bars.series"] == "gate-lane-0"
    assert queried["index_bars.series"] == "gate-lane-0"
    assert "gate-lane-1" in queried.values()
    assert not [t for t in threading.enumerate() if t.name.startswith("gate-lane")]


# The CLI's ending, as flows.entry.main does it: exit handlers, then no module tear-down.
STOPPED_RUN = """
import atexit, os, sys
from pathlib import Path
import duckdb
import pyarrow as pa
from expectations import judges, lanes
from expectations.gate import run_gate
from tests.expectations.gate_fixture import AS_OF

if __name__ == "__main__":
    judges.start()
    with duckdb.connect(sys.argv[1], read_only=True) as con:
        run_gate(con, run_id="stopped", as_of=AS_OF, results_dir=Path(sys.argv[2]))
    judges.stop()
    atexit._run_exitfuncs()
    os._exit(0)
"""


def test_a_stopped_worker_leaves_nothing_for_the_resource_tracker_to_warn_about(
    template: Path, tmp_path: Path
) -> None:
    script = tmp_path / "stopped_run.py"
    script.write_text(STOPPED_RUN)
    ended = subprocess.run(
        [sys.executable, str(script), str(template), str(tmp_path / "gate")],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert ended.returncode == 0, ended.stderr
    assert json.loads((tmp_path / "gate" / "stopped.json").read_text())["checks_run"] > 100
    assert "leaked" not in ended.stderr, ended.stderr


def semaphores_to_release() -> set[object]:
    """The keys of the semaphores this process has yet to unlink and unregister."""
    return {key for key, f in vars(multiprocessing.util)["_finalizer_registry"].items()
            if getattr(f._callback, "__qualname__", "") == "SemLock._cleanup"}


def test_stop_returns_with_the_pools_semaphores_released() -> None:
    """The CLI leaves by ``os._exit`` right after :func:`judges.stop`: nothing of the pool may
    still be releasing its queues in another thread, or the tracker warns of a leak."""
    before = semaphores_to_release()
    judges.start()
    assert semaphores_to_release() > before
    judges.stop()
    assert semaphores_to_release() <= before
    assert not [t for t in threading.enumerate() if "ExecutorManager" in type(t).__name__]


def test_a_judged_frame_kept_only_by_a_reference_cycle_is_given_back() -> None:
    # As the tracebacks of errors GX catches keep a judged table: only a collection frees it.
    gc.disable()
    try:
        before = pa.total_allocated_bytes()
        cycle: list[object] = [pa.array(range(1_000_000), pa.int64())]
        cycle.append(cycle)
        del cycle
        assert pa.total_allocated_bytes() >= before + 8_000_000
        judges._return_freed_memory()
        assert pa.total_allocated_bytes() <= before
    finally:
        gc.enable()
