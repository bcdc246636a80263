"""Real readers open what a run publishes: the DuckDB 1.x CLI and Superset's SQLAlchemy driver.

``make .venv/.installed`` installs both from the project's own files (the CLI from the dev extras,
duckdb-engine with its SQLAlchemy into ``.venv/superset-reader``), so ``make test`` and CI need no
download at test time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.nightly import RunResult
from tests.conftest import REPO
from tests.flows.publishing import copy_data_dir, extras_from
from warehouse import publish
from warehouse.publish import MANIFEST_TABLE, PUBLISHED_NAME, PUBLISHED_TABLES

CLI_VERSION = "v1.5.6"


def duckdb_cli() -> Path:
    """The ``duckdb`` command the ``duckdb-cli`` package installs beside this Python."""
    path = Path(sys.executable).with_name("duckdb")
    assert path.is_file(), f"{path} missing: install the dev extras (make .venv/.installed)"
    return path


def cli_json(marts: Path, sql: str) -> list[dict[str, object]]:
    """Rows of one query run by the DuckDB CLI on the file opened read-only."""
    done = subprocess.run([str(duckdb_cli()), "-readonly", "-json", str(marts), "-c", sql],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, object]] = json.loads(done.stdout)
    return rows


@pytest.fixture(scope="module")
def marts(published: RunResult) -> Path:
    """The published file of the session's snapshot run."""
    assert published.published is not None
    return published.published


def test_the_duckdb_1x_cli_reads_every_table_and_its_comments(marts: Path) -> None:
    [version] = cli_json(marts, "SELECT version() AS v")
    assert version["v"] == CLI_VERSION
    tables = [*PUBLISHED_TABLES, MANIFEST_TABLE]
    counts = cli_json(marts, " UNION ALL ".join(
        f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in tables))
    manifest = cli_json(marts, "SELECT table_name AS t, row_count AS n FROM publish_manifest")
    assert {r["t"] for r in counts} == set(tables)
    assert {r["t"]: r["n"] for r in manifest} == {
        r["t"]: r["n"] for r in counts if r["t"] != MANIFEST_TABLE}
    assert all(r["n"] for r in counts)
    [comment] = cli_json(marts, "SELECT comment FROM duckdb_columns() WHERE table_name = "
                                "'mart_valuation' AND column_name = 'pe_ttm'")
    assert str(comment["comment"]).startswith("Price / trailing-twelve-month EPS")
    refused = subprocess.run([str(duckdb_cli()), "-readonly", str(marts), "-c",
                              "DELETE FROM ops_last_runs"], capture_output=True, text=True,
                             timeout=60, check=False)
    assert "read-only" in refused.stdout + refused.stderr


def superset(*args: str) -> subprocess.Popen[str]:
    """``tests.flows.superset_reader`` in its own process, on Superset's SQLAlchemy line."""
    packages = Path(sys.prefix) / "superset-reader"
    assert packages.is_dir(), f"{packages} missing: make .venv/.installed installs it"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(packages), str(REPO)])}
    return subprocess.Popen([sys.executable, "-m", "tests.flows.superset_reader", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=REPO)


def finished(proc: subprocess.Popen[str], timeout: float = 120) -> dict[str, Any]:
    """The JSON the helper printed, once it exited cleanly."""
    out, errors = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, errors[-3000:]
    result: dict[str, Any] = json.loads(out)
    return result


def test_superset_driver_lists_tables_columns_and_comments(marts: Path) -> None:
    seen = finished(superset("inspect", str(marts)))
    assert seen["sqlalchemy"].startswith("2.0.")
    assert set(seen["tables"]) == {*PUBLISHED_TABLES, MANIFEST_TABLE}
    assert seen["columns"] and all(seen["columns"].values())
    assert seen["table_comment"] and seen["rows"] > 0
    assert "read-only" in seen["refusal"]


def test_superset_driver_reads_while_publishes_run(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    stop = tmp_path / "stop"
    reader = superset("loop", str(data_dir / PUBLISHED_NAME), str(stop))
    try:
        with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
            for i in range(3):
                run_id = f"superset-{i}"
                publish.publish(con, data_dir, run_id=run_id,
                                extra_tables=extras_from(data_dir / PUBLISHED_NAME, run_id))
    finally:
        stop.touch()
    summary = finished(reader)
    assert summary["errors"] == []
    assert summary["reads"] > 3 and len(summary["versions"]) > 1, summary
