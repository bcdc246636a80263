"""The run ledger, ``ops.run_log``: every run's start, what it staged and how it ended."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import duckdb
import polars as pl

from warehouse.db import sql_text
from warehouse.mart_states import MartState, to_json

Status = Literal["running", "published", "gate_failed", "extraction_failed", "failed",
                 "abandoned"]


@dataclass(frozen=True)
class Outcome:
    """How a run ended; a field left ``None`` keeps what an earlier step recorded."""

    status: Status
    as_of: date | None = None
    rows: dict[str, int] | None = None
    gate_passed: bool | None = None
    gate_failures: int | None = None
    published_at: datetime | None = None
    message: str | None = None
    gate_warnings: list[dict[str, object]] | None = field(default=None)
    marts: list[MartState] | None = None


def start(con: duckdb.DuckDBPyConnection, run_id: str, source: str, *,
          published_run_id: str | None) -> None:
    """Open the run's row, first closing the rows of runs that died (see the SQL file)."""
    con.execute(sql_text("ops/ledger_close_dead.sql"),
                {"published": published_run_id, "run_id": run_id})
    con.execute(sql_text("ops/ledger_open.sql"), {"run_id": run_id, "source": source})


def staged(con: duckdb.DuckDBPyConnection, run_id: str, *, as_of: date,
           rows: dict[str, int]) -> None:
    """Record the run's as-of date and staged row counts per dataset while it is running."""
    con.execute(sql_text("ops/ledger_staged.sql"),
                {"run_id": run_id, "as_of": as_of, "row_counts": json.dumps(rows)})


def finish(con: duckdb.DuckDBPyConnection, run_id: str, outcome: Outcome) -> None:
    """Close the run's row with its outcome."""
    con.execute(sql_text("ops/ledger_finish.sql"), {
        "run_id": run_id, "status": outcome.status, "as_of": outcome.as_of,
        "row_counts": None if outcome.rows is None else json.dumps(outcome.rows),
        "gate_passed": outcome.gate_passed, "gate_failures": outcome.gate_failures,
        "published_at": outcome.published_at, "message": outcome.message,
        "gate_warnings": (None if outcome.gate_warnings is None
                          else json.dumps(outcome.gate_warnings, default=str)),
        "marts": None if outcome.marts is None else to_json(outcome.marts),
    })


def recent(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pl.DataFrame:
    """The most recent runs, for ``ops_last_runs`` in the published file."""
    return con.sql(sql_text("ops/ledger_recent.sql"), params={"limit": limit}).pl()


def preview(con: duckdb.DuckDBPyConnection, run_id: str, outcome: Outcome) -> pl.DataFrame:
    """``recent`` as it will read once ``outcome`` is recorded, without recording it.

    The published file must list its own run as published, but the warehouse only records that
    after the swap: a run killed in between is then found ``running`` and recovered, never
    claimed as published when its file never landed.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        finish(con, run_id, outcome)
        return recent(con)
    finally:
        con.execute("ROLLBACK")
