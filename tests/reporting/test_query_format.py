"""How ``cntech sql`` prints a result, format by format, on rows shaped like the marts'.

``tests/reporting/test_query.py`` runs the command end to end; these pin each rendering rule.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from reporting.query_format import Result, display, render, row_count


def valuation() -> Result:
    """Two rows of ``mart_valuation`` as DuckDB returns them."""
    return Result(
        columns=["symbol", "trade_date", "pe_ttm", "pe_percentile_3y", "is_stretched", "note"],
        types=["VARCHAR", "DATE", "DOUBLE", "DECIMAL(18,3)", "BOOLEAN", "VARCHAR"],
        rows=[("688256.SH", date(2026, 1, 30), 412.3456, Decimal("0.957"), True, "a|b"),
              ("00700.HK", date(2026, 1, 30), None, Decimal("0.125"), False, None)],
        fractions={"pe_percentile_3y"},
    )


@pytest.mark.parametrize(("value", "percent", "shown"), [
    (None, False, ""),
    (True, False, "true"),
    (1234567.891, False, "1,234,567.89"),
    (0.0, False, "0.00"),
    (0.01234, False, "0.0123"),
    (0.0000123456, False, "1.23e-05"),
    (-2.5, False, "-2.50"),
    (float("nan"), False, "nan"),
    (Decimal("0.957"), True, "95.70%"),
    (0.0123, True, "1.23%"),
    (date(2026, 1, 30), False, "2026-01-30"),
    (datetime(2026, 1, 30, 15, 5, tzinfo=UTC), False, "2026-01-30 15:05:00+00:00"),
    ({"margin": 57}, False, '{"margin": 57}'),
    (["科创50"], False, '["科创50"]'),
    (42, True, "42"),
])
def test_display_rounds_and_spells_values_for_people(
    value: object, percent: bool, shown: str,
) -> None:
    assert display(value, percent=percent) == shown


def test_numeric_types_include_parameterised_decimals() -> None:
    result = valuation()
    assert [result.numeric(i) for i in range(len(result.columns))] == [
        False, False, True, True, False, False]


def test_row_counts_are_singular_or_grouped() -> None:
    assert row_count(Result(["a"], ["INTEGER"], [(1,)])) == "1 row"
    assert row_count(Result(["a"], ["INTEGER"], [(i,) for i in range(5700)])) == "5,700 rows"
    assert row_count(Result(["a"], ["INTEGER"], [])) == "0 rows"


def test_markdown_right_aligns_numbers_and_escapes_pipes() -> None:
    lines = render(valuation(), "markdown").splitlines()
    assert lines[0] == "| symbol | trade_date | pe_ttm | pe_percentile_3y | is_stretched | note |"
    assert lines[1] == "|---|---|---:|---:|---|---|"
    assert lines[2] == "| 688256.SH | 2026-01-30 | 412.35 | 95.70% | true | a\\|b |"
    assert lines[3] == "| 00700.HK | 2026-01-30 |  | 12.50% | false |  |"
    assert lines[-2:] == ["", "2 rows"]


def test_the_table_is_as_wide_as_its_widest_row_and_ends_with_the_count() -> None:
    wide = Result(["basket", "note"], ["VARCHAR", "VARCHAR"], [("china_ai", "x" * 150)])
    text = render(wide, "table")
    assert "x" * 150 in text
    assert text.splitlines()[-1] == "1 row"
    percent = render(valuation(), "table")
    assert "95.70%" in percent and "412.35" in percent


def test_csv_keeps_full_precision_and_writes_booleans_and_nulls_plainly() -> None:
    rows = list(csv.reader(io.StringIO(render(valuation(), "csv"))))
    assert rows == [
        ["symbol", "trade_date", "pe_ttm", "pe_percentile_3y", "is_stretched", "note"],
        ["688256.SH", "2026-01-30", "412.3456", "0.957", "true", "a|b"],
        ["00700.HK", "2026-01-30", "", "0.125", "false", ""],
    ]
    nested = Result(["row_counts", "at"], ["JSON", "TIMESTAMP WITH TIME ZONE"],
                    [({"margin": 57}, datetime(2026, 1, 30, 15, 5, tzinfo=UTC))])
    assert render(nested, "csv").splitlines()[1] == '"{""margin"": 57}",2026-01-30 15:05:00+00:00'


def test_json_records_keep_types_and_turn_non_finite_floats_into_null() -> None:
    result = Result(["index_code", "ret_1d", "vol_20d"], ["VARCHAR", "DOUBLE", "DOUBLE"],
                    [("STAR50", -0.0123456789, float("nan")), ("NDX", float("inf"), 0.21)])
    assert json.loads(render(result, "json")) == [
        {"index_code": "STAR50", "ret_1d": -0.0123456789, "vol_20d": None},
        {"index_code": "NDX", "ret_1d": None, "vol_20d": 0.21},
    ]
    assert json.loads(render(valuation(), "json"))[0]["trade_date"] == "2026-01-30"
