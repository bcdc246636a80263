"""The run ledger: every run's outcome in ``ops.run_log``, published as ``ops_last_runs``."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from flows.nightly import RunResult, nightly
from registry import STAGING_TABLES
from warehouse import db
from warehouse import ledger as run_ledger
from warehouse.ledger import Outcome
from warehouse.seeds import CalendarRangeError


@pytest.fixture
def ledger() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse with the repo's DDL."""
    con = duckdb.connect()
    db.apply_ddl(con)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    """The ledger by run id."""
    frame = run_ledger.recent(con)
    return {row["run_id"]: row for row in frame.iter_rows(named=True)}


def test_runs_that_died_are_closed_when_the_next_one_starts(
    ledger: duckdb.DuckDBPyConnection,
) -> None:
    run_ledger.start(ledger, "run-1", "snapshot", published_run_id=None)
    run_ledger.start(ledger, "run-2", "snapshot", published_run_id=None)
    run_ledger.start(ledger, "run-3", "live", published_run_id="run-2")

    runs = rows(ledger)
    assert runs["run-1"]["status"] == "abandoned"
    assert "killed or crashed" in str(runs["run-1"]["message"])
    assert runs["run-1"]["finished_at"] is not None
    assert runs["run-2"]["status"] == "published"
    assert runs["run-2"]["published_at"] is not None
    assert "recovered by run run-3" in str(runs["run-2"]["message"])
    assert (runs["run-3"]["status"], runs["run-3"]["source"]) == ("running", "live")


def test_staging_counts_and_the_outcome_are_recorded(ledger: duckdb.DuckDBPyConnection) -> None:
    run_ledger.start(ledger, "run-1", "snapshot", published_run_id=None)
    run_ledger.staged(ledger, "run-1", as_of=date(2026, 1, 30), rows={"margin": 852})
    run_ledger.finish(ledger, "run-1", Outcome("gate_failed", gate_passed=False, gate_failures=2,
                                           message="margin breaks parts_within_total"))

    run = rows(ledger)["run-1"]
    assert run["as_of_date"] == date(2026, 1, 30)
    assert json.loads(str(run["row_counts"])) == {"margin": 852}
    assert (run["status"], run["gate_passed"], run["gate_failures"]) == ("gate_failed", False, 2)
    assert run["published_at"] is None


def test_the_preview_shows_the_publish_without_recording_it(
    ledger: duckdb.DuckDBPyConnection,
) -> None:
    run_ledger.start(ledger, "run-1", "snapshot", published_run_id=None)
    at = datetime(2026, 1, 30, 23, 0, tzinfo=UTC)

    preview = run_ledger.preview(ledger, "run-1", Outcome("published", gate_passed=True,
                                                      published_at=at))
    assert preview.row(0, named=True)["status"] == "published"
    assert preview.row(0, named=True)["published_at"] == at
    assert rows(ledger)["run-1"]["status"] == "running"


def test_a_published_run_is_in_the_marts_file_with_counts_and_gate_verdict(
    published: RunResult,
) -> None:
    assert published.published is not None
    with duckdb.connect(str(published.published), read_only=True) as con:
        runs = con.sql("SELECT * FROM ops_last_runs ORDER BY started_at DESC").pl()
        [(info_run, published_at)] = con.execute(
            "SELECT run_id, published_at FROM publish_info").fetchall()
    newest = runs.row(0, named=True)
    assert newest["run_id"] == info_run
    assert (newest["status"], newest["source"], newest["as_of_date"]) == (
        "published", "snapshot", published.as_of)
    assert newest["published_at"] == published_at
    assert newest["gate_passed"] is True and newest["gate_failures"] == 0
    assert "PASSED (" in newest["message"]
    counts = json.loads(newest["row_counts"])
    assert set(counts) == set(STAGING_TABLES) and all(counts.values())
    assert "running" not in runs["status"].to_list()
    # Warn-severity rules publish their rows and are quarantined in the ledger by name.
    warnings = json.loads(newest["gate_warnings"])
    assert warnings == published.gate_warnings
    assert {w["rule"] for w in warnings} >= {"pe_ttm_positive"}
    assert all(w["sample"] and w["rows"] >= len(w["sample"]) for w in warnings)


def test_an_unexpected_error_closes_the_run_as_failed(
    published: RunResult, tmp_path: Path
) -> None:
    assert published.published is not None
    data_dir = tmp_path / "data"
    shutil.copytree(published.published.parent, data_dir, symlinks=True)
    before = (data_dir / "marts.duckdb").read_bytes()

    with pytest.raises(CalendarRangeError):
        nightly(source="snapshot", as_of=date(2027, 6, 30), data_dir=str(data_dir))

    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        [(status, message, finished)] = con.execute(
            "SELECT status, message, finished_at FROM ops.run_log "
            "ORDER BY started_at DESC LIMIT 1").fetchall()
    assert status == "failed" and finished is not None
    assert message.startswith("CalendarRangeError: the XSHG trading calendar")
    assert (data_dir / "marts.duckdb").read_bytes() == before
