"""The parse step fanned out on a Dask cluster or a process pool publishes exactly the marts of
the default run."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows import parse
from flows.nightly import RunResult, nightly
from flows.runners import task_runner
from flows.settings import Settings
from tests.conftest import REPO
from tests.flows.runs import CNTECH
from warehouse.marts import MARTS


def _digests(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            mart: hashlib.sha256(json.dumps(
                con.execute(f"SELECT * FROM {mart} ORDER BY ALL").fetchall(), default=str
            ).encode()).hexdigest()
            for mart in MARTS
        }


def test_local_dask_cluster_gives_identical_marts(
    published: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two in-process workers keep the test quick; small chunks make them share the work.
    monkeypatch.setenv("CNTECH_DASK_PROCESSES", "false")
    monkeypatch.setenv("CNTECH_PARSE_CHUNK_SIZE", "16")
    threads: list[str] = []
    real_parse = parse.parse_to_parquet

    def spy(*args: object, **kwargs: object) -> parse.ParsedChunk:
        threads.append(threading.current_thread().name)
        return real_parse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parse, "parse_to_parquet", spy)

    result = nightly(source="snapshot", data_dir=str(tmp_path / "data"), task_runner="dask")

    assert published.published is not None and result.published is not None
    assert _digests(result.published) == _digests(published.published)
    assert result.rows == published.rows
    assert len(threads) >= 5
    assert all("Dask" in name for name in threads), threads
    assert not (tmp_path / "data" / "parsed").exists() or not any(
        (tmp_path / "data" / "parsed").iterdir())


def test_dask_runner_follows_the_settings() -> None:
    remote = task_runner(Settings(task_runner="dask", dask_address="tcp://10.0.0.5:8786"))
    assert remote.address == "tcp://10.0.0.5:8786"  # type: ignore[attr-defined]
    local = task_runner(Settings(task_runner="dask", dask_processes=False, parse_workers=3))
    assert local.cluster_kwargs["n_workers"] == 3  # type: ignore[attr-defined]
    assert type(task_runner(Settings())).__name__ == "ThreadPoolTaskRunner"
    assert type(task_runner(Settings(), bodies=50_000)).__name__ == "ProcessPoolTaskRunner"
    assert type(task_runner(Settings(task_runner="threads"), bodies=50_000)).__name__ == (
        "ThreadPoolTaskRunner")


def test_process_pool_reports_to_the_runs_own_api_server_and_gives_identical_marts(
    published: RunResult, tmp_path: Path
) -> None:
    # Without a configured API, a run starts one temporary server; a worker process that did
    # not inherit its address would start (and announce) one of its own. Small chunks make the
    # pool's processes share the parsing.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CNTECH_", "PREFECT_"))}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_LOGGING_LEVEL": "INFO",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1", "CNTECH_PARSE_CHUNK_SIZE": "64",
                # The temporary server's start-up is what this test waits on; a busy machine
                # (a parallel test run) must not turn its slowness into a failure.
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"})
    done = subprocess.run(
        [str(CNTECH), "run", "-v", "--task-runner", "processes", "--data-dir",
         str(tmp_path / "data")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=600, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    # The CLI starts the run's server itself; Prefect's own launcher would announce another.
    assert output.count("temporary Prefect API server launching") == 1, output[-3000:]
    assert "Starting temporary server" not in output, output[-3000:]
    assert published.published is not None
    assert _digests(tmp_path / "data" / "marts.duckdb") == _digests(published.published)
    # The temporary server kept the run's records, though it sent no heartbeats and registered
    # no block types.
    records = _prefect_records(tmp_path / "prefect" / "prefect.db")
    assert records["flow_runs"] == [("nightly", "COMPLETED"), ("parse-landing", "COMPLETED")]
    assert records["task_states"] == {"COMPLETED"} and records["task_runs"] >= 10
    assert records["heartbeats"] == 0 and records["block_types"] == 0


def _prefect_records(database: Path) -> dict[str, Any]:
    with closing(sqlite3.connect(database)) as con:
        flow_runs = con.execute(
            "SELECT f.name, r.state_type FROM flow_run r JOIN flow f ON f.id = r.flow_id "
            "ORDER BY f.name").fetchall()
        task_states = {row[0] for row in con.execute("SELECT state_type FROM task_run")}
        return {
            "flow_runs": flow_runs, "task_states": task_states,
            "task_runs": con.execute("SELECT count(*) FROM task_run").fetchone()[0],
            "heartbeats": con.execute("SELECT count(*) FROM events "
                                      "WHERE event = 'prefect.flow-run.heartbeat'").fetchone()[0],
            "block_types": con.execute("SELECT count(*) FROM block_type").fetchone()[0],
        }
