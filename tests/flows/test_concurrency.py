"""Readers while runs publish, and one writer per data directory.

A reader process loops the way a BI tool does (open ``marts.duckdb`` read-only, query every mart,
close) while ``cntech run`` publishes again and again; it must never fail and never see two
versions in one connection. Two runs on one data dir never write at once: the second is refused
naming the holder, or waits for it with ``--wait``.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import prefect.settings
import pytest

from flows.nightly import RunResult, nightly
from tests.conftest import REPO
from tests.flows.runs import (
    CNTECH,
    CntechRun,
    cntech_env,
    published_version,
    read_loop,
    task_done,
)

AS_OF_DATES = (date(2026, 1, 29), date(2026, 1, 30))
HOLD_LOCK = """
import sys, time
from pathlib import Path
from warehouse.lock import WriterLock

with WriterLock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@pytest.fixture(scope="module")
def env(prefect_server: None) -> dict[str, str]:
    """Children share the session's Prefect API instead of starting a server each."""
    return cntech_env(str(prefect.settings.PREFECT_API_URL.value()))


@pytest.fixture
def data_dir(published: RunResult, tmp_path: Path) -> Path:
    """A copy of the session's published data dir."""
    assert published.published is not None
    target = tmp_path / "data"
    shutil.copytree(published.published.parent, target, symlinks=True)
    return target


def flat(text: str) -> str:
    """Terminal output with its line wrapping undone."""
    return " ".join(text.split())


def publish_while_reading(data_dir: Path, publish: Callable[[date], None], publishes: int
                          ) -> tuple[dict[str, Any], list[str]]:
    """Run ``publishes`` complete runs (alternating as-of dates) while a reader process loops."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    results = context.Queue()
    reader = context.Process(target=read_loop, args=(str(data_dir), stop, results))
    reader.start()
    published = [published_version(data_dir).run_id]
    try:
        time.sleep(1.0)
        for number in range(publishes):
            publish(AS_OF_DATES[number % len(AS_OF_DATES)])
            published.append(published_version(data_dir).run_id)
        time.sleep(1.0)
    finally:
        stop.set()
    summary: dict[str, Any] = results.get(timeout=60)
    reader.join(timeout=60)
    return summary, published


def check_reads(summary: dict[str, Any], published: list[str]) -> None:
    """Zero errors, every read one whole version, and every published version was read."""
    assert summary["error_count"] == 0, summary["errors"]
    assert summary["inconsistent"] == []
    assert set(published) <= set(summary["versions"]), (published, summary["versions"])
    assert summary["parquet_reads"] > 0


def test_reader_never_fails_or_mixes_versions_while_a_run_publishes(data_dir: Path) -> None:
    """The default suite's case: one publish (another as-of) under a reader's feet."""

    def publish(as_of: date) -> None:
        nightly(source="snapshot", as_of=as_of, data_dir=str(data_dir))

    summary, published = publish_while_reading(data_dir, publish, publishes=1)
    check_reads(summary, published)
    assert len(set(published)) == 2 and summary["reads"] > 20


@pytest.mark.slow
def test_reader_never_fails_or_mixes_versions_while_runs_publish(data_dir: Path) -> None:
    def publish(as_of: date) -> None:
        nightly(source="snapshot", as_of=as_of, data_dir=str(data_dir))

    summary, published = publish_while_reading(data_dir, publish, publishes=2)
    check_reads(summary, published)
    assert summary["reads"] > 20


@pytest.mark.slow
def test_reader_loop_over_six_publishes(
    data_dir: Path, env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    def publish(as_of: date) -> None:
        run = CntechRun(data_dir, env, "--as-of", as_of.isoformat())
        assert run.wait() == 0, run.output[-4000:]

    summary, published = publish_while_reading(data_dir, publish, publishes=6)
    check_reads(summary, published)
    with capsys.disabled():
        print(f"\nreads made: {summary['reads']} (and {summary['parquet_reads']} Parquet set "
              f"reads) across {len(published)} published versions; read errors: "
              f"{summary['error_count']}; inconsistent reads: {len(summary['inconsistent'])}")


def hold_lock(data_dir: Path, seconds: float) -> subprocess.Popen[str]:
    """Another writer: a process holding the data dir's lock for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(data_dir), str(seconds)],
                              stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def cntech_run(data_dir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[
        str]:
    """``cntech run`` to completion, output captured."""
    return subprocess.run([str(CNTECH), "run", "--data-dir", str(data_dir), *args], env=env,
                          capture_output=True, text=True, timeout=300, cwd=REPO)


def ledger_size(data_dir: Path) -> int:
    """Rows in the run ledger: a refused run never gets one."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        return int(con.execute("SELECT count(*) FROM ops.run_log").fetchall()[0][0])


def test_second_writer_is_refused_naming_the_holder_and_changes_nothing(
    data_dir: Path, env: dict[str, str]
) -> None:
    before = (data_dir / "marts.duckdb").read_bytes()
    runs = ledger_size(data_dir)
    holder = hold_lock(data_dir, 120)
    try:
        refused = subprocess.Popen([str(CNTECH), "run", "--data-dir", str(data_dir)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        gave_up = cntech_run(data_dir, env, "--wait", "1.5")
        _, refused_err = refused.communicate(timeout=300)
    finally:
        holder.kill()
        holder.wait()

    assert refused.returncode == 2
    message = flat(refused_err)
    assert f"another cntech run (pid {holder.pid} since" in message, message
    assert "Wait for it to finish, or pass --wait SECONDS" in message
    assert "Traceback" not in refused_err
    assert gave_up.returncode == 2
    assert f"(pid {holder.pid} since" in flat(gave_up.stderr)
    assert "is still writing to" in flat(gave_up.stderr)
    assert "after waiting 1.5 s" in flat(gave_up.stderr)
    assert (data_dir / "marts.duckdb").read_bytes() == before
    assert ledger_size(data_dir) == runs


@pytest.mark.slow
def test_wait_queues_behind_the_holder_then_publishes(
    data_dir: Path, env: dict[str, str]
) -> None:
    holder = hold_lock(data_dir, 6)
    waited = cntech_run(data_dir, env, "--wait", "120")
    assert holder.wait(timeout=60) == 0
    assert waited.returncode == 0, waited.stderr[-3000:]
    assert "published:" in waited.stdout


@pytest.mark.slow
def test_two_runs_at_once_one_refused_then_both_with_wait(
    data_dir: Path, env: dict[str, str]
) -> None:
    first, second = CntechRun(data_dir, env), CntechRun(data_dir, env)
    codes = sorted([(first.wait(), first), (second.wait(), second)], key=lambda item: item[0])
    (won, winner), (lost, loser) = codes
    assert (won, lost) == (0, 2), loser.output[-3000:]
    assert f"(pid {winner.proc.pid} since" in flat(loser.output)
    before = ledger_size(data_dir)

    queued = [CntechRun(data_dir, env, "--wait", "300") for _ in range(2)]
    assert [run.wait() for run in queued] == [0, 0]
    assert ledger_size(data_dir) == before + 2
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        spans = con.execute("SELECT started_at, finished_at FROM ops.run_log "
                            "ORDER BY started_at DESC LIMIT 2").fetchall()
    (later_start, _), (_, earlier_end) = spans
    assert later_start >= earlier_end
    assert all(run.seen(task_done("publish_marts")) is not None for run in queued)
