"""The cross-check suite passes when two sources agree and names the day when they do not."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations import suites
from expectations.gate import run_gate
from expectations.suites import crosscheck
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.narrowed import judge_here


@pytest.fixture(autouse=True)
def only_crosscheck(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the cross-check suite in the gate, judged in this process: the clean-run test covers
    the others."""
    judge_here()
    monkeypatch.setattr(suites, "SUITES", (crosscheck,))


def _skew(con: duckdb.DuckDBPyConnection, series: str, day: str, factor: float) -> None:
    con.execute("UPDATE staging.crosscheck SET value = value * $factor "
                "WHERE series = $series AND trade_date = $day",
                {"factor": factor, "series": series, "day": day})


def test_agreeing_sources_pass_every_rule(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = run_gate(warehouse, run_id="agree", as_of=AS_OF, results_dir=tmp_path)

    assert result.passed and result.failures == [], result.summary()
    [(rows,)] = warehouse.execute("SELECT count(*) FROM staging.crosscheck").fetchall()
    assert rows > 0


@pytest.mark.parametrize(("series", "factor", "rule"), [
    ("SZSE", 1.01, "margin_sources_agree"),
    ("NDX", 0.80, "index_bars_sources_agree"),
    ("USDHKD", 1.003, "usdhkd_sources_agree"),
])
def test_a_disagreeing_pair_fails_naming_the_day_and_both_figures(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, series: str, factor: float, rule: str
) -> None:
    _skew(warehouse, series, "2026-01-21", factor)

    result = run_gate(warehouse, run_id="disagree", as_of=AS_OF, results_dir=tmp_path)

    assert not result.passed
    [failure] = result.failures
    assert (failure.table, failure.rule, failure.severity) == ("crosscheck", rule, "fail")
    assert "1 row breaks" in failure.message and "(sources disagree)" in failure.message
    [row] = failure.sample
    assert row["series"] == series and row["trade_date"] == "2026-01-21"
    assert row["rel_diff"] == pytest.approx(abs(row["reference_value"] / row["primary_value"]
                                                - 1))
    assert row["rel_diff"] > 0.002
    assert row["source_file"]


def test_the_onshore_offshore_yuan_gap_only_warns(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _skew(warehouse, "USDCNY", "2026-01-21", 1.015)

    result = run_gate(warehouse, run_id="basis", as_of=AS_OF, results_dir=tmp_path)

    assert result.passed, result.summary()
    [warning] = result.failures
    assert (warning.rule, warning.severity) == ("usdcny_sources_agree", "warn")
    assert "offshore USD/CNH must agree within 1.0%" in warning.message


def test_a_yuan_rate_beyond_the_widest_onshore_offshore_gap_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    _skew(warehouse, "USDCNY", "2026-01-21", 1.04)

    result = run_gate(warehouse, run_id="basis", as_of=AS_OF, results_dir=tmp_path)

    assert not result.passed
    failing = [f for f in result.failures if f.severity == "fail"]
    assert [f.rule for f in failing] == ["usdcny_sources_agree_within_stress_gap"]
    assert failing[0].sample[0]["series"] == "USDCNY"


def test_a_day_only_the_second_source_has_is_not_judged(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("DELETE FROM staging.margin WHERE exchange = 'SSE' "
                      "AND trade_date = DATE '2026-01-21'")
    _skew(warehouse, "SSE", "2026-01-21", 2.0)

    result = run_gate(warehouse, run_id="one-sided", as_of=AS_OF, results_dir=tmp_path)

    assert not [f for f in result.failures if f.rule == "margin_sources_agree"]
