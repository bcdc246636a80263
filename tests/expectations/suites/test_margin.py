"""The margin suite on the gate fixture: a clean month holds, a broken exchange is named."""

from __future__ import annotations

import duckdb

from expectations.suites import margin
from tests.expectations.judging import broken, inputs


def test_the_clean_month_holds_every_margin_rule(warehouse: duckdb.DuckDBPyConnection) -> None:
    checks = margin.checks(inputs(warehouse))
    assert [c.suite for c in checks] == ["margin", "margin.totals", "margin.sessions",
                                         "margin.freshness"]
    assert broken(warehouse, checks) == {}


def test_an_unknown_exchange_code_is_named_with_its_row(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.margin SET exchange = 'BSE' WHERE exchange = 'SZSE' "
                      "AND trade_date = DATE '2026-01-30'")

    failures = broken(warehouse, margin.checks(inputs(warehouse))[:1])

    outcome = failures["margin:exchange_known"]
    assert outcome.unexpected_count == 1
    assert outcome.sample[0]["exchange"] == "BSE"
    assert outcome.sample[0]["trade_date"] == "2026-01-30"


def test_margin_published_the_next_morning_is_on_time_one_session_behind(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("DELETE FROM staging.margin WHERE trade_date = DATE '2026-01-30'")
    freshness = [c for c in margin.checks(inputs(warehouse)) if c.suite == "margin.freshness"]
    assert freshness[0].params["lag_sessions"] == 1
    assert broken(warehouse, freshness) == {}
