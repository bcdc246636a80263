"""Real readers open what a run publishes: the DuckDB 1.x CLI and Superset's SQLAlchemy driver.

Both come from the dev extras (``duckdb-cli``, ``duckdb-engine``), so ``make test`` and CI have
them with no download at test time.
"""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from flows.nightly import RunResult
from tests.flows.publishing import copy_data_dir, publish_loop
from warehouse.publish import MANIFEST_TABLE, PUBLISHED_TABLES

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


def superset_engine(marts: Path) -> sa.Engine:
    """The engine Superset builds from the README's SQLAlchemy URI."""
    return sa.create_engine(f"duckdb:///{marts}?access_mode=read_only",
                            poolclass=sa.pool.NullPool)


def test_superset_driver_lists_tables_columns_and_comments(marts: Path) -> None:
    engine = superset_engine(marts)
    with engine.connect() as con:
        inspector = sa.inspect(con)
        assert set(inspector.get_table_names()) == {*PUBLISHED_TABLES, MANIFEST_TABLE}
        columns = {c["name"]: c for c in inspector.get_columns("mart_index_performance")}
        assert all(c["comment"] for c in columns.values())
        assert inspector.get_table_comment("ref_indices")["text"]
        [(rows,)] = con.execute(sa.text("SELECT count(*) FROM mart_index_performance"))
        assert rows > 0
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            con.execute(sa.text("DELETE FROM ops_last_runs"))
    engine.dispose()


def test_superset_driver_reads_while_publishes_run(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    engine = superset_engine(data_dir / "marts.duckdb")
    spawn = multiprocessing.get_context("spawn")
    done = spawn.Event()
    writer = spawn.Process(target=publish_loop, args=(str(data_dir), 3, done))
    writer.start()
    reads, errors, seen = 0, [], set()
    try:
        while not done.is_set() and writer.is_alive() or reads == 0:
            try:
                with engine.connect() as con:
                    [(run_id,)] = con.execute(sa.text("SELECT run_id FROM publish_info"))
                    [(n,)] = con.execute(sa.text(
                        "SELECT count(*) FROM mart_valuation"))
                    [(m,)] = con.execute(sa.text("SELECT row_count FROM publish_manifest "
                                                 "WHERE table_name = 'mart_valuation'"))
                reads += 1
                seen.add(run_id)
                assert n == m
            except sa.exc.DBAPIError as exc:
                errors.append(str(exc))
            time.sleep(0.01)
    finally:
        writer.join(120)
        engine.dispose()
    assert writer.exitcode == 0
    assert errors == []
    assert reads > 3 and len(seen) > 1, (reads, seen)

