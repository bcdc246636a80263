"""``cntech run`` as a separate process, and what a reader of the published marts can check.

The crash, concurrency and single-writer tests drive real processes: a child in its own process
group talks to the session's Prefect API (no server of its own to start), its log lines are
timed as they arrive, and SIGKILL takes the whole group down at once, as a crash would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import duckdb

from tests.conftest import REPO
from warehouse.marts import MARTS
from warehouse.publish import DEFAULT_KEEP_VERSIONS
from warehouse.versions import PARQUET_DIR, PARQUET_LINK, PUBLISHED_NAME, VERSIONS_DIR

CNTECH = Path(sys.executable).with_name("cntech")
FLOW_START = re.compile(r"Beginning flow run")
LEFTOVER_GLOBS = (".marts.*", f"{VERSIONS_DIR}/*.tmp", f"{PUBLISHED_NAME}.wal", "parsed/*")


def task_done(task: str) -> re.Pattern[str]:
    """The log line Prefect writes when a task of the nightly flow completes."""
    return re.compile(rf"Task run '{task}-[0-9a-f]+' - Finished in state Completed")


def cntech_env(api_url: str) -> dict[str, str]:
    """A child's environment: the session's Prefect API, telemetry off, logging as the CLI sets it.

    ``cntech run -v`` logs each task's end at INFO; without ``-v`` the CLI keeps Prefect quiet,
    which is what the single-writer tests check a user sees.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CNTECH_") and k != "PREFECT_LOGGING_LEVEL"}
    env.update({
        "PREFECT_API_URL": api_url, "PYTHONUNBUFFERED": "1",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1", "COLUMNS": "200",
    })
    return env


class CntechRun:
    """One ``cntech run -v`` child in its own process group."""

    def __init__(self, data_dir: Path, env: dict[str, str], *args: str) -> None:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [str(CNTECH), "run", "-v", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO,
            start_new_session=True,
        )
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    @property
    def output(self) -> str:
        """Everything the child printed so far."""
        return "\n".join(line for _, line in self.lines)

    def seen(self, pattern: re.Pattern[str]) -> float | None:
        """Seconds after start at which a line matching ``pattern`` arrived, if it did."""
        return next((at for at, line in list(self.lines) if pattern.search(line)), None)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 180) -> bool:
        """Block until a matching line arrives (True) or the child exits without one (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seen(pattern) is not None:
                return True
            if self.proc.poll() is not None:
                self._reader.join()
                return self.seen(pattern) is not None
            time.sleep(0.005)
        raise TimeoutError(f"no line matching {pattern.pattern!r} in {timeout} s:\n{self.output}")

    def kill(self) -> bool:
        """SIGKILL the child's process group; True if it was still running."""
        alive = self.proc.poll() is None
        if alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.wait()
        return alive

    def wait(self, timeout: float = 300) -> int:
        """The child's exit code once it and its output are done."""
        code = self.proc.wait(timeout)
        self._reader.join(timeout)
        return code


def marts_digest(path: Path) -> dict[str, str]:
    """One hash per mart of its sorted rows: equal digests, equal published data."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            mart: hashlib.sha256(json.dumps(
                con.execute(f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str
            ).encode()).hexdigest()
            for mart in MARTS
        }


@dataclass(frozen=True)
class Version:
    """A published marts file read back whole: which run wrote it and what it holds."""

    run_id: str
    as_of: date
    digest: dict[str, str]


def published_version(data_dir: Path) -> Version:
    """Open ``marts.duckdb`` read-only, check it is one complete version and identify it."""
    path = data_dir / PUBLISHED_NAME
    with duckdb.connect(str(path), read_only=True) as con:
        [(run_id, as_of)] = con.execute("SELECT run_id, as_of_date FROM publish_info").fetchall()
        problems = consistency_problems(con, run_id, as_of)
    assert problems == [], problems
    return Version(run_id, as_of, marts_digest(path))


def consistency_problems(con: duckdb.DuckDBPyConnection, run_id: str, as_of: date) -> list[str]:
    """What in an open marts file disagrees with its ``publish_info`` (nothing, for a whole one)."""
    problems = []
    manifest = {name: (count, run) for name, count, run in con.execute(
        "SELECT table_name, row_count, run_id FROM publish_manifest").fetchall()}
    if set(MARTS) - set(manifest):
        problems.append(f"manifest lacks {sorted(set(MARTS) - set(manifest))}")
    for name, (count, run) in manifest.items():
        [(actual,)] = con.execute(f"SELECT count(*) FROM {name}").fetchall()
        if run != run_id or actual != count:
            problems.append(f"{name}: {actual} rows by run {run}, manifest says {count}")
    [(latest,)] = con.execute("SELECT max(trade_date) FROM mart_index_performance").fetchall()
    if latest != as_of:
        problems.append(f"mart_index_performance reaches {latest}, publish_info says {as_of}")
    [(newest_run, status)] = con.execute(
        "SELECT run_id, status FROM ops_last_runs ORDER BY started_at DESC LIMIT 1").fetchall()
    if (newest_run, status) != (run_id, "published"):
        problems.append(f"ops_last_runs starts with {newest_run} {status}, not {run_id}")
    return problems


def parquet_set(data_dir: Path) -> Path:
    """The Parquet set the ``marts`` link points at (resolved once: one consistent set)."""
    target = (data_dir / PARQUET_LINK).resolve()
    assert target.parent.parent == (data_dir / VERSIONS_DIR).resolve(), target
    assert target.name == PARQUET_DIR, target
    return target


def parquet_counts(target: Path) -> dict[str, int]:
    """Row counts of every mart's Parquet file in one set; fails if a file is missing or torn."""
    with duckdb.connect() as con:
        return {mart: con.execute("SELECT count(*) FROM read_parquet(?)",
                                  [str(target / f"{mart}.parquet")]).fetchall()[0][0]
                for mart in MARTS}


def leftovers(data_dir: Path) -> list[str]:
    """Temp files of dead runs, versions beyond those kept, a WAL beside the marts."""
    found = sorted(str(p.relative_to(data_dir)) for g in LEFTOVER_GLOBS for p in data_dir.glob(g))
    versions = data_dir / VERSIONS_DIR
    current = (data_dir / PARQUET_LINK).resolve().parent.name
    if versions.is_dir():
        sets = sorted(p.name for p in versions.iterdir() if not p.name.endswith(".tmp"))
        # The kept versions, plus the one before the current for readers that resolved the link.
        if len(sets) > DEFAULT_KEEP_VERSIONS + 1 or current not in sets:
            found.append(f"{VERSIONS_DIR}: {sets} (current {current})")
    return found


def read_loop(data_dir: str, stop: Event, results: Any) -> None:
    """A BI reader: open the published file read-only, query every mart, until told to stop.

    Each pass checks, within one connection, that every mart and the manifest belong to the run
    in ``publish_info``; it also reads the Parquet set the link points at. Puts one summary.
    """
    path = str(Path(data_dir) / PUBLISHED_NAME)
    reads = parquet_reads = 0
    errors: list[str] = []
    inconsistent: list[str] = []
    versions: set[str] = set()
    while not stop.is_set():
        try:
            with duckdb.connect(path, read_only=True) as con:
                [(run_id, as_of)] = con.execute(
                    "SELECT run_id, as_of_date FROM publish_info").fetchall()
                problems = consistency_problems(con, run_id, as_of)
                manifest = dict(con.execute(
                    "SELECT table_name, row_count FROM publish_manifest").fetchall())
            reads += 1
            versions.add(run_id)
            inconsistent.extend(f"{run_id}: {p}" for p in problems)
            target = parquet_set(Path(data_dir))
            counts = parquet_counts(target)
            parquet_reads += 1
            if target.parent.name == run_id:
                inconsistent.extend(f"{run_id} parquet {mart}: {n} rows, manifest {manifest[mart]}"
                                    for mart, n in counts.items() if n != manifest[mart])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        # A dashboard refreshes; it does not spin. Leave the writer its core.
        stop.wait(0.02)
    results.put({"reads": reads, "parquet_reads": parquet_reads, "errors": errors[:20],
                 "error_count": len(errors), "inconsistent": inconsistent[:20],
                 "versions": sorted(versions)})
