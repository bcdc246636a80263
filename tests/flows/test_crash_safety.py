"""SIGKILL ``cntech run`` at random moments: the published marts survive every kill whole.

Each kill targets one phase of the run, chosen from a seeded schedule: a random moment inside
prepare, staging, the gate, the merge or the publish (timed from the log lines the run prints,
with phase lengths measured on the previous complete run), or the instant the publish's temp
file or Parquet set appears on disk. After every kill the published file must open read-only and
be the last good version or a complete new one; the next run must complete, leave no temp files
behind and converge to what an uninterrupted run publishes. The default suite kills one run as
its publish file appears; ``-m slow`` adds a kill inside the gate and 21 kills at random.
"""

from __future__ import annotations

import logging
import random
import re
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import prefect.settings
import pytest

from flows.nightly import RunResult, nightly
from tests.flows.runs import (
    FLOW_START,
    CntechRun,
    Version,
    cntech_env,
    leftovers,
    parquet_counts,
    parquet_set,
    published_version,
    task_done,
)
from warehouse.lock import LOCK_NAME
from warehouse.versions import PUBLISHED_NAME, VERSIONS_DIR

KILLED_AS_OF = date(2026, 1, 29)
RECOVERED_AS_OF = date(2026, 1, 30)
# Each timed phase starts when the line of the previous one arrives.
ANCHORS = {
    "prepare": FLOW_START,
    "stage": task_done("prepare"),
    "gate": task_done("stage"),
    "merge": task_done("gate"),
    "publish": task_done("merge_and_build"),
}
ENDS = {"prepare": "prepare", "stage": "stage", "gate": "gate", "merge": "merge_and_build",
        "publish": "publish_marts"}
# Seconds each phase took on this machine before any run was measured.
FIRST_GUESS = {"prepare": 0.3, "stage": 2.0, "gate": 5.0, "merge": 0.5, "publish": 0.5}
ON_DISK = {"publish-file": ".marts.*.tmp", "parquet": f"{VERSIONS_DIR}/*.tmp"}
KINDS = (*ANCHORS, *ON_DISK)
TOOK_OVER = re.compile(r"took over the writer lock left by a run that died")


@dataclass
class Tally:
    """What the harness saw, for the slow run's printout."""

    kills: int = 0
    missed: int = 0
    phases: Counter[str] = field(default_factory=Counter)
    new_version_after_kill: int = 0
    temp_files_after_kill: int = 0
    warehouse_wal_after_kill: int = 0
    stale_locks_taken_over: int = 0


@pytest.fixture(scope="module")
def env(prefect_server: None) -> dict[str, str]:
    """Children share the session's Prefect API instead of starting a server each."""
    return cntech_env(str(prefect.settings.PREFECT_API_URL.value()))


@pytest.fixture
def data_dir(published: RunResult, tmp_path: Path) -> Path:
    """A copy of the session's published data dir: the last good version is as of 2026-01-30."""
    assert published.published is not None
    target = tmp_path / "data"
    shutil.copytree(published.published.parent, target, symlinks=True)
    return target


def phase_lengths(run: CntechRun, previous: dict[str, float]) -> dict[str, float]:
    """How long each phase of a complete run took, from its log lines."""
    lengths = dict(previous)
    for phase, anchor in ANCHORS.items():
        start, end = run.seen(anchor), run.seen(task_done(ENDS[phase]))
        if start is not None and end is not None and end > start:
            lengths[phase] = end - start
    return lengths


def kill_during(run: CntechRun, kind: str, data_dir: Path, rng: random.Random,
                lengths: dict[str, float]) -> bool:
    """Kill ``run`` at a random moment of ``kind``; False if it finished before that moment."""
    if kind in ANCHORS:
        if not run.wait_for(ANCHORS[kind]):
            return False
        time.sleep(rng.uniform(0, lengths[kind]))
    else:
        deadline = time.monotonic() + 180
        while not any(data_dir.glob(ON_DISK[kind])):
            if run.proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.03))
    return run.kill()


def where_it_died(run: CntechRun) -> str:
    """The phase the run was in: the one after the last task it finished."""
    done = [phase for phase in ENDS if run.seen(task_done(ENDS[phase])) is not None]
    if run.seen(FLOW_START) is None:
        return "startup"
    return next((phase for phase in ENDS if phase not in done), "after publish")


def check_after_kill(data_dir: Path, last_good: Version, killed: CntechRun,
                     reference_killed: dict[str, str] | None, tally: Tally) -> Version:
    """The published file is whole: the last good version or the killed run's complete one."""
    assert killed.proc.returncode == -signal.SIGKILL
    now = published_version(data_dir)
    if now.run_id != last_good.run_id:
        assert now.as_of == KILLED_AS_OF
        if reference_killed is not None:
            assert now.digest == reference_killed
        tally.new_version_after_kill += 1
    else:
        assert now.digest == last_good.digest
    assert not (data_dir / f"{PUBLISHED_NAME}.wal").exists()
    parquet = parquet_set(data_dir)
    assert parquet.parent.name in {now.run_id, last_good.run_id}
    parquet_counts(parquet)
    tally.temp_files_after_kill += bool(leftovers(data_dir))
    tally.warehouse_wal_after_kill += (data_dir / "warehouse.duckdb.wal").exists()
    return now


def check_recovered(data_dir: Path, expected: dict[str, str], killed: CntechRun,
                    killed_run_published: str | None) -> Version:
    """The next run converged, nothing of the dead run is left over, and the ledger says how
    the dead run ended."""
    version = published_version(data_dir)
    assert version.as_of == RECOVERED_AS_OF
    assert version.digest == expected
    assert leftovers(data_dir) == []
    parquet = parquet_set(data_dir)
    assert parquet.parent.name == version.run_id
    with duckdb.connect(str(data_dir / PUBLISHED_NAME), read_only=True) as con:
        manifest = dict(con.execute("SELECT table_name, row_count FROM publish_manifest")
                        .fetchall())
        runs = con.execute("SELECT run_id, status FROM ops_last_runs "
                           "ORDER BY started_at DESC").fetchall()
    assert parquet_counts(parquet) == {mart: manifest[mart] for mart in version.digest}
    assert "running" not in {status for _, status in runs}, runs
    if killed.seen(task_done("prepare")) is not None:
        assert runs[1] == (killed_run_published or runs[1][0],
                           "published" if killed_run_published else "abandoned"), runs[:3]
    return version


NextRun = Callable[[Path], tuple[str, CntechRun | None]]


def next_cntech_run(env: dict[str, str]) -> NextRun:
    """The run after a kill as ``cntech run`` in a child; its log also times the phases."""

    def run(data_dir: Path) -> tuple[str, CntechRun | None]:
        child = CntechRun(data_dir, env)
        assert child.wait() == 0, child.output[-4000:]
        return child.output, child

    return run


def next_flow_run(caplog: pytest.LogCaptureFixture) -> NextRun:
    """The run after a kill as the nightly flow in this process: the same steps, no start-up."""

    def run(data_dir: Path) -> tuple[str, CntechRun | None]:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            nightly(source="snapshot", data_dir=str(data_dir))
        return caplog.text, None

    return run


def kill_and_recover(
    kinds: list[str], data_dir: Path, env: dict[str, str], seed: int, next_run: NextRun,
    reference: dict[str, str], reference_killed: dict[str, str] | None,
) -> Tally:
    """Kill one run per kind, each followed by a run that must complete and converge.

    A run that finishes before its kill moment is a clean publish; the kind is tried again.
    """
    rng = random.Random(seed)
    lengths = dict(FIRST_GUESS)
    tally = Tally()
    last_good = published_version(data_dir)
    pending = list(kinds)
    while pending:
        kind = pending[0]
        killed = CntechRun(data_dir, env, "--as-of", KILLED_AS_OF.isoformat())
        if not kill_during(killed, kind, data_dir, rng, lengths):
            assert killed.wait() == 0, killed.output[-4000:]
            last_good = published_version(data_dir)
            tally.missed += 1
            assert tally.missed <= len(kinds), "runs keep finishing before their kill moment"
            continue
        pending.pop(0)
        tally.kills += 1
        tally.phases[f"{kind}→{where_it_died(killed)}"] += 1
        after = check_after_kill(data_dir, last_good, killed, reference_killed, tally)
        held = (data_dir / LOCK_NAME).read_text()
        log, child = next_run(data_dir)
        if f"pid {killed.proc.pid} " in held:
            assert TOOK_OVER.search(log), log[-4000:]
            tally.stale_locks_taken_over += 1
        published_by_killed = after.run_id if after.run_id != last_good.run_id else None
        last_good = check_recovered(data_dir, reference, killed, published_by_killed)
        if child is not None:
            lengths = phase_lengths(child, lengths)
    return tally


def test_a_run_killed_as_its_publish_file_appears_leaves_the_last_good_marts(
    data_dir: Path, env: dict[str, str], published: RunResult, caplog: pytest.LogCaptureFixture
) -> None:
    """The default suite's kill: at the riskiest moment, the publish's temp file on disk."""
    assert published.published is not None
    reference = published_version(published.published.parent).digest
    tally = kill_and_recover(["publish-file"], data_dir, env, seed=20260130,
                             next_run=next_flow_run(caplog), reference=reference,
                             reference_killed=None)
    assert tally.kills == 1, tally


@pytest.mark.slow
def test_killed_runs_leave_the_last_good_marts_and_the_next_run_converges(
    data_dir: Path, env: dict[str, str], published: RunResult, caplog: pytest.LogCaptureFixture
) -> None:
    assert published.published is not None
    reference = published_version(published.published.parent).digest
    tally = kill_and_recover(["gate", "publish-file"], data_dir, env, seed=20260130,
                             next_run=next_flow_run(caplog), reference=reference,
                             reference_killed=None)
    assert tally.kills == 2, tally


@pytest.mark.slow
def test_twenty_one_random_kills(
    data_dir: Path, env: dict[str, str], published: RunResult, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert published.published is not None
    reference = published_version(published.published.parent).digest
    uninterrupted = tmp_path / "uninterrupted"
    assert CntechRun(uninterrupted, env, "--as-of", KILLED_AS_OF.isoformat()).wait() == 0
    reference_killed = published_version(uninterrupted).digest
    schedule = list(KINDS) * 3
    random.Random(4).shuffle(schedule)

    tally = kill_and_recover(schedule, data_dir, env, seed=4, next_run=next_cntech_run(env),
                             reference=reference, reference_killed=reference_killed)

    assert tally.kills >= 20, tally
    with capsys.disabled():
        print(f"\nkills survived: {tally.kills} (target → phase it died in: "
              f"{dict(sorted(tally.phases.items()))}); a complete new version was already "
              f"published at {tally.new_version_after_kill} kills; temp files left by "
              f"{tally.temp_files_after_kill} kills and a warehouse WAL by "
              f"{tally.warehouse_wal_after_kill}, all cleared by the next run; stale locks "
              f"taken over: {tally.stale_locks_taken_over}")
