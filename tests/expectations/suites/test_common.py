"""The rule builders the suites share: what each expectation reads and how it is worded."""

from __future__ import annotations

from datetime import date

import pandas as pd
from great_expectations import expectations as gxe

from expectations.suites.common import (
    at_least,
    freshness_check,
    in_set,
    key_rules,
    no_future_date,
    positive,
    sessions_check,
)


def test_a_single_key_is_unique_by_column_and_a_compound_key_by_its_list() -> None:
    single = key_rules(("symbol",))
    compound = key_rules(("symbol", "fiscal_year", "report_date"))
    assert [r.rule for r in compound] == ["symbol_not_null", "fiscal_year_not_null",
                                          "report_date_not_null", "unique_key"]
    assert isinstance(single[-1].expectation, gxe.ExpectColumnValuesToBeUnique)
    assert isinstance(compound[-1].expectation, gxe.ExpectCompoundColumnsToBeUnique)
    assert compound[-1].description == (
        "the natural key (symbol, fiscal_year, report_date) must be unique")


def test_the_future_date_bound_is_a_timestamp_pandas_can_compare() -> None:
    rule = no_future_date("trade_date", date(2026, 1, 30))
    assert rule.expectation.max_value == pd.Timestamp("2026-01-30")  # type: ignore[attr-defined]
    assert rule.description == "trade_date must not be after the as-of date 2026-01-30"


def test_builders_carry_severity_show_columns_and_missing_value_handling() -> None:
    warned = positive("pe_ttm", severity="warn")
    assert (warned.rule, warned.severity, warned.show) == ("pe_ttm_positive", "warn", ("pe_ttm",))
    strict = at_least("last_date", "due_date", "fresh_as_of", "fresh", skip_missing=False)
    lenient = at_least("high", "body_high", "high_within_body", "high above body")
    assert strict.expectation.ignore_row_if == "neither"  # type: ignore[attr-defined]
    assert lenient.expectation.ignore_row_if == "either_value_is_missing"  # type: ignore[attr-defined]
    known = in_set("exchange", ("SSE", "SZSE"), "exchange_known", "known", show=("board",))
    assert known.show == ("exchange", "board")


def test_freshness_takes_the_declared_publication_lag_and_sessions_the_series_key() -> None:
    margin = freshness_check("margin", "exchange", date(2026, 1, 30))
    bars = freshness_check("index_bars", "index_code", date(2026, 1, 30))
    assert (margin.params["lag_sessions"], bars.params["lag_sessions"]) == (1, 0)
    assert "less 1 session(s) of publication lag" in margin.rules[0].description
    sessions = sessions_check("security_bars", "symbol")
    assert (sessions.suite, sessions.series_key, sessions.keys) == (
        "security_bars.sessions", "symbol", ("symbol", "trade_date"))
