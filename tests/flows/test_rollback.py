"""Kept versions and rollback: readers never fail, and the restored file is the one published."""

from __future__ import annotations

import hashlib
import multiprocessing
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.nightly import RunResult
from flows.rollback import RollbackRefused, list_published, rollback
from tests.flows.publishing import copy_data_dir, extras_from
from tests.flows.runs import read_loop
from warehouse import publish, versions


def sha(path: Path) -> str:
    """The file's bytes, hashed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_reader_sees_no_error_through_publishes_and_a_rollback(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    live = data_dir / "marts.duckdb"
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    reader = context.Process(target=read_loop, args=(str(data_dir), stop, results))
    reader.start()
    published_sha: dict[str, str] = {}
    try:
        with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
            for run_id in ("again-1", "again-2", "again-3"):
                publish.publish(con, data_dir, run_id=run_id,
                                extra_tables=extras_from(live, run_id), keep_versions=3)
                published_sha[run_id] = sha(live)
        restored = rollback(data_dir, to="again-1")
    finally:
        stop.set()
        summary = results.get(timeout=120)
        reader.join(60)

    assert summary["error_count"] == 0, summary["errors"]
    assert summary["inconsistent"] == []
    assert summary["reads"] > 0 and "again-1" in summary["versions"]
    assert (restored.restored, restored.replaced) == ("again-1", "again-3")
    assert sha(live) == published_sha["again-1"]
    assert sha(versions.find_version(data_dir, "again-1").marts_file) == published_sha["again-1"]
    assert publish.published_run_id(data_dir) == "again-1"
    assert (data_dir / "marts").resolve() == versions.find_version(
        data_dir, "again-1").parquet.resolve()
    assert [v.run_id for v in versions.list_versions(data_dir)] == [
        "again-3", "again-2", "again-1"]
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        ledger = con.execute("SELECT run_id, status, message FROM ops.run_log "
                             "WHERE source = 'rollback'").fetchall()
    assert [(run, status) for run, status, _ in ledger] == [
        (restored.ledger_run_id, "rolled_back")]
    assert "again-1" in ledger[0][2] and "again-3" in ledger[0][2]


def test_versions_and_rollback_from_the_command_line(
    published: RunResult, tmp_path: Path
) -> None:
    data_dir = copy_data_dir(published, tmp_path / "data")
    original = publish.published_run_id(data_dir)
    assert original is not None
    with duckdb.connect(str(data_dir / "warehouse.duckdb")) as con:
        publish.publish(con, data_dir, run_id="again-1",
                        extra_tables=extras_from(data_dir / "marts.duckdb", "again-1"))
    listed = list_published(data_dir)
    assert [(v.run_id, v.live) for v in listed] == [("again-1", True), (original, False)]
    assert listed[1].as_of_date is not None and listed[1].mart_rows > 0

    runner = CliRunner()
    shown = runner.invoke(app, ["versions", "--data-dir", str(data_dir)], terminal_width=200)
    assert shown.exit_code == 0 and "again-1" in shown.output and "live" in shown.output
    back = runner.invoke(app, ["rollback", "--data-dir", str(data_dir)])
    assert back.exit_code == 0, back.output
    assert publish.published_run_id(data_dir) == original
    assert sha(data_dir / "marts.duckdb") == sha(versions.find_version(
        data_dir, original).marts_file)
    for args, message in ((["--to", "no-such-run"], "no kept version"),
                          (["--to", original], "already the live version"),
                          ([], "no version older than the live one")):
        refused = runner.invoke(app, ["rollback", *args, "--data-dir", str(data_dir)])
        assert refused.exit_code == 2 and message in refused.output, refused.output
        assert len(refused.output.strip().splitlines()) == 1
    with pytest.raises(RollbackRefused):
        rollback(data_dir, to="../escape")
