"""The run ledger's own bookkeeping: what an outcome overwrites, keeps, and how runs are listed.

``tests/flows/test_run_ledger.py`` covers dead runs, staged counts and the preview through the
nightly flow; these tests pin the row-level rules those depend on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import duckdb
import pytest

from warehouse import db, ledger
from warehouse.ledger import Outcome


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty warehouse with the repo's DDL."""
    connection = duckdb.connect()
    db.apply_ddl(connection)
    yield connection
    connection.close()


def run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, object]:
    [row] = [r for r in ledger.recent(con).iter_rows(named=True) if r["run_id"] == run_id]
    return row


def test_an_outcome_keeps_what_earlier_steps_recorded_where_it_says_nothing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ledger.start(con, "run-1", "snapshot", published_run_id=None)
    ledger.staged(con, "run-1", as_of=date(2026, 1, 30), rows={"index_bars": 120, "margin": 57})
    ledger.finish(con, "run-1", Outcome("gate_failed", gate_passed=False, gate_failures=1,
                                        message="margin: parts_within_total"))
    ledger.finish(con, "run-1", Outcome("failed"))

    row = run(con, "run-1")
    assert row["status"] == "failed"
    assert row["as_of_date"] == date(2026, 1, 30)
    assert json.loads(str(row["row_counts"])) == {"index_bars": 120, "margin": 57}
    assert (row["gate_passed"], row["gate_failures"]) == (False, 1)
    assert row["message"] == "margin: parts_within_total"
    assert row["finished_at"] is not None


def test_an_outcome_overwrites_the_fields_it_carries(con: duckdb.DuckDBPyConnection) -> None:
    ledger.start(con, "run-1", "live", published_run_id=None)
    ledger.staged(con, "run-1", as_of=date(2026, 1, 29), rows={"margin": 57})
    at = datetime(2026, 1, 30, 15, 5, tzinfo=UTC)
    ledger.finish(con, "run-1", Outcome("published", as_of=date(2026, 1, 30),
                                        rows={"margin": 58}, gate_passed=True, gate_failures=0,
                                        published_at=at, message="31 checks passed"))

    row = run(con, "run-1")
    assert (row["status"], row["as_of_date"], row["published_at"]) == (
        "published", date(2026, 1, 30), at)
    assert json.loads(str(row["row_counts"])) == {"margin": 58}
    assert (row["gate_passed"], row["gate_failures"], row["message"]) == (
        True, 0, "31 checks passed")


def test_gate_warnings_are_stored_as_json_with_dates_as_text(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ledger.start(con, "run-1", "snapshot", published_run_id=None)
    warning = {"table": "security_bars", "rule": "stale", "series": "00700.HK",
               "first_date": date(2026, 1, 26), "rows": 5}
    ledger.finish(con, "run-1", Outcome("published", gate_warnings=[warning]))

    assert json.loads(str(run(con, "run-1")["gate_warnings"])) == [
        {**warning, "first_date": "2026-01-26"}]


def test_finishing_a_run_never_started_records_nothing(con: duckdb.DuckDBPyConnection) -> None:
    ledger.finish(con, "ghost", Outcome("published"))
    assert ledger.recent(con).height == 0


def test_recent_lists_the_newest_runs_first_up_to_the_limit(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for day in (3, 1, 2):
        run_id = f"run-{day}"
        ledger.start(con, run_id, "snapshot", published_run_id=None)
        con.execute("UPDATE ops.run_log SET started_at = $at WHERE run_id = $run_id",
                    {"at": datetime(2026, 1, day, 22, 0, tzinfo=UTC), "run_id": run_id})

    assert ledger.recent(con, limit=2)["run_id"].to_list() == ["run-3", "run-2"]
    frame = ledger.recent(con)
    assert frame["run_id"].to_list() == ["run-3", "run-2", "run-1"]
    # Each start closed the runs still open before it: only the last one started is running.
    assert frame["status"].to_list() == ["abandoned", "running", "abandoned"]
    assert frame.columns == ["run_id", "started_at", "finished_at", "as_of_date", "source",
                             "status", "row_counts", "gate_passed", "gate_failures",
                             "published_at", "message", "gate_warnings", "marts"]


def test_a_preview_that_fails_leaves_no_transaction_open(
    con: duckdb.DuckDBPyConnection,
) -> None:
    ledger.start(con, "run-1", "snapshot", published_run_id=None)
    unserialisable: dict[str, int] = {"margin": object()}  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        ledger.preview(con, "run-1", Outcome("published", rows=unserialisable))

    # A transaction left open would make this BEGIN fail.
    con.execute("BEGIN TRANSACTION")
    con.execute("COMMIT")
    assert run(con, "run-1")["status"] == "running"
