"""The security bars suite: a clean month holds; a bar without its currency or a low above the
body is named."""

from __future__ import annotations

import duckdb

from expectations.suites import security_bars
from tests.expectations.judging import broken, inputs


def test_the_clean_month_holds_every_security_rule(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    checks = security_bars.checks(inputs(warehouse))
    assert [c.suite for c in checks] == ["security_bars", "security_bars.sessions",
                                         "security_bars.freshness"]
    assert checks[0].params["listing_sessions"] == security_bars.LISTING_SESSIONS
    assert broken(warehouse, checks) == {}


def test_a_missing_currency_and_a_low_above_the_body_are_named(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.security_bars SET currency = NULL WHERE symbol = "
                      "'NVDA.US' AND trade_date = DATE '2026-01-22'")
    warehouse.execute("UPDATE staging.security_bars SET low = greatest(open, close) + 1 "
                      "WHERE symbol = '688256.SH' AND trade_date = DATE '2026-01-23'")

    failures = broken(warehouse, security_bars.checks(inputs(warehouse))[:1])

    assert failures["security_bars:currency_not_null"].sample[0]["symbol"] == "NVDA.US"
    low = failures["security_bars:low_within_body"]
    assert (low.unexpected_count, low.sample[0]["symbol"], low.sample[0]["trade_date"]) == (
        1, "688256.SH", "2026-01-23")
