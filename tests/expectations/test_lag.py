"""Freshness allows each dataset the publication lag its registry declaration states."""

from __future__ import annotations

from pathlib import Path

import duckdb

from registry import by_name
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.narrowed import run_gate_on


def stale(con: duckdb.DuckDBPyConnection, results_dir: Path) -> list[dict]:
    result = run_gate_on(con, "margin", rules=("fresh_as_of",), run_id="lag", as_of=AS_OF,
                         results_dir=results_dir)
    return [row for f in result.failures if (f.table, f.rule) == ("margin", "fresh_as_of")
            for row in f.sample]


def test_margin_one_session_behind_is_on_time(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    assert by_name("margin").lag_sessions == 1
    warehouse.execute("DELETE FROM staging.margin WHERE trade_date = DATE '2026-01-30'")
    assert stale(warehouse, tmp_path) == []


def test_margin_two_sessions_behind_is_stale(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("DELETE FROM staging.margin WHERE exchange = 'SSE' "
                      "AND trade_date >= DATE '2026-01-29'")
    [row] = stale(warehouse, tmp_path)
    assert row | {"exchange": "SSE", "last_date": "2026-01-28",
                  "due_date": "2026-01-29"} == row
