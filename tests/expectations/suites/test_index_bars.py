"""The index bars suite: a clean month holds; a crash or an amount unit change is named."""

from __future__ import annotations

import duckdb

from expectations.suites import index_bars
from tests.expectations.judging import broken, inputs

STAR50_DAY = "index_code = 'STAR50' AND trade_date = DATE '2026-01-21'"


def test_the_clean_month_holds_every_index_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    checks = index_bars.checks(inputs(warehouse))
    assert [c.suite for c in checks] == ["index_bars", "index_bars.sessions",
                                         "index_bars.freshness"]
    assert broken(warehouse, checks) == {}


def test_a_close_off_by_a_third_breaks_the_index_move_limit(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.index_bars SET close = close * 0.66, low = close * 0.6 "
                      f"WHERE {STAR50_DAY}")
    failures = broken(warehouse, index_bars.checks(inputs(warehouse))[:1])
    sample = failures["index_bars:move_within_index_limit"].sample
    assert {row["trade_date"] for row in sample} >= {"2026-01-21"}
    assert all(row["index_code"] == "STAR50" for row in sample)


def test_amount_reported_in_ten_thousands_breaks_the_turnover_unit(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute(f"UPDATE staging.index_bars SET amount = amount / 1e4 WHERE {STAR50_DAY}")
    failures = broken(warehouse, index_bars.checks(inputs(warehouse))[:1])
    assert "index_bars:amount_unit_stable" in failures
    assert failures["index_bars:amount_unit_stable"].sample[0]["index_code"] == "STAR50"


def test_an_index_missing_from_the_seeds_is_refused(warehouse: duckdb.DuckDBPyConnection) -> None:
    warehouse.execute("UPDATE staging.index_bars SET index_code = 'SSE50' WHERE index_code = "
                      "'NDX'")
    failures = broken(warehouse, index_bars.checks(inputs(warehouse))[:1])
    assert failures["index_bars:index_in_seeds"].sample[0]["index_code"] == "SSE50"
