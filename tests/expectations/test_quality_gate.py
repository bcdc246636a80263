"""The quality gate passes a clean staged run and names the row behind every kind of bad data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from expectations import suites
from expectations.checks import Check, Rule, SuiteInputs
from expectations.gate import GateResult, run_gate
from tests.expectations.bad_data import CASES, Case, at, update
from tests.expectations.gate_fixture import AS_OF, build_warehouse
from tests.expectations.narrowed import judge_here, run_gate_on
from warehouse import load

SUITE_MODULES = {module.__name__.rsplit(".", 1)[1]: module for module in suites.SUITES}


def gate(con: duckdb.DuckDBPyConnection, results_dir: Path, run_id: str = "test") -> GateResult:
    """Run the gate for the fixture's as-of date, in this process (a test may patch it)."""
    judge_here()
    return run_gate(con, run_id=run_id, as_of=AS_OF, results_dir=results_dir)


def gate_on(con: duckdb.DuckDBPyConnection, results_dir: Path, *tables: str,
            rules: tuple[str, ...] = ()) -> GateResult:
    """The gate on just these tables' suites (and the checks holding ``rules``, if named), for
    speed: the clean-run test proves the others hold."""
    return run_gate_on(con, *tables, rules=rules, run_id="test", as_of=AS_OF,
                       results_dir=results_dir)


def test_clean_run_passes_and_records_every_expectation(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    result = gate(warehouse, tmp_path, run_id="clean-run")

    assert result.passed, result.summary()
    assert result.failures == []
    assert result.results_path == tmp_path / "clean-run.json"
    recorded = json.loads(result.results_path.read_text())
    assert (tmp_path / "latest.json").read_text() == result.results_path.read_text()
    assert recorded["passed"] is True
    assert len(recorded["results"]) == recorded["checks_run"] == result.checks_run
    assert {r["table"] for r in recorded["results"]} == set(SUITE_MODULES)
    assert all(r["success"] for r in recorded["results"])
    assert result.keys_proved == frozenset(SUITE_MODULES)
    leftover = warehouse.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
    assert leftover.fetchall() == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_data_fails_and_names_the_row(
    case: Case,
    warehouse: duckdb.DuckDBPyConnection,
    tmp_path: Path,
) -> None:
    for statement in case.sql:
        warehouse.execute(statement)
    result = gate_on(warehouse, tmp_path, case.table, rules=(case.rule,))

    assert not result.passed
    found = [f for f in result.failures if (f.table, f.rule) == (case.table, case.rule)]
    assert found, result.summary()
    failure = found[0]
    assert failure.severity == "fail"
    assert case.table in failure.message
    if case.row:
        assert any(case.row.items() <= row.items() for row in failure.sample), failure.sample
        assert all(row["source_file"] for row in failure.sample)


def test_a_duplicated_key_leaves_only_its_table_unproved(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("INSERT INTO staging.fx_rates SELECT * FROM staging.fx_rates "
                      f"WHERE {at('pair', 'USDCNY', '2026-01-15')}")
    result = gate_on(warehouse, tmp_path, "fx_rates", "margin", rules=("unique_key",))

    assert not result.passed
    assert result.keys_proved == frozenset({"margin"})


def test_a_gate_of_named_datasets_judges_their_suites_as_the_whole_gate_does(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute(
        update("security_bars", at("symbol", "603019.SH", "2026-01-21"), "volume = 0")
    )
    named = ("security_bars", "fx_rates")

    def outcomes(result: GateResult) -> list[dict[str, object]]:
        recorded = json.loads(result.results_path.read_text())["results"]
        return [outcome for outcome in recorded if outcome["table"] in named]

    judge_here()
    whole = run_gate(warehouse, run_id="whole", as_of=AS_OF, results_dir=tmp_path)
    narrowed = run_gate(warehouse, run_id="narrowed", as_of=AS_OF, results_dir=tmp_path,
                        tables=named)

    assert narrowed.checks_run == len(outcomes(narrowed)) < whole.checks_run
    assert outcomes(narrowed) == outcomes(whole)
    assert not narrowed.passed
    assert {f.rule for f in narrowed.failures} == {"volume_positive"}
    with pytest.raises(ValueError, match="no suite for stock_quotes; the datasets with suites"):
        run_gate(warehouse, run_id="unknown", as_of=AS_OF, results_dir=tmp_path,
                 tables=("stock_quotes",))


def test_summary_names_table_rule_count_and_keys(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute(
        update("security_bars", at("symbol", "603019.SH", "2026-01-21"), "volume = 0")
    )
    summary = gate_on(warehouse, tmp_path, "security_bars", rules=("volume_positive",)).summary()

    assert "FAILED" in summary
    assert "[fail] security_bars: 1 row breaks volume_positive: volume must be" in summary
    assert "symbol=603019.SH trade_date=2026-01-21" in summary
    assert "source_file=eastmoney/kline/603019.SH.json" in summary


def test_suspended_security_gap_and_staleness_are_not_failures(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Halted mid-window for a week, and again from 2026-01-26 past the as-of date.
    warehouse.execute(
        "INSERT INTO ref.suspensions VALUES"
        " ('603019.SH', DATE '2026-01-12', DATE '2026-01-16', 'merger halt'),"
        " ('603019.SH', DATE '2026-01-26', DATE '2026-02-13', 'restructuring halt')"
    )
    warehouse.execute(
        "DELETE FROM staging.security_bars WHERE symbol = '603019.SH' AND"
        " (trade_date BETWEEN '2026-01-12' AND '2026-01-16' OR trade_date >= '2026-01-26')"
    )
    result = gate_on(warehouse, tmp_path, "security_bars")

    assert result.passed, result.summary()
    assert result.failures == []


def test_overlapping_suspensions_excuse_each_session_once_and_a_gap_beside_them_is_found(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute(
        "INSERT INTO ref.suspensions VALUES"
        " ('603019.SH', DATE '2026-01-12', DATE '2026-01-16', 'merger halt'),"
        " ('603019.SH', DATE '2026-01-14', DATE '2026-01-20', 'halt extended')"
    )
    warehouse.execute(
        "DELETE FROM staging.security_bars WHERE symbol = '603019.SH' AND"
        " (trade_date BETWEEN '2026-01-12' AND '2026-01-20' OR trade_date = '2026-01-22')"
    )
    result = gate_on(warehouse, tmp_path, "security_bars")

    failures = {f.rule: f for f in result.failures}
    assert failures["no_missing_sessions"].unexpected_count == 1, result.summary()
    assert failures["no_missing_sessions"].sample == [
        {"symbol": "603019.SH", "trade_date": "2026-01-22",
         "source_file": "eastmoney/kline/603019.SH.json"}
    ]


def test_close_only_half_day_bar_is_accepted(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Yahoo's shape for a Hong Kong half-day session (e.g. 2025-12-24): a close and nothing else.
    warehouse.execute(
        update(
            "security_bars",
            at("symbol", "00700.HK", "2026-01-26"),
            "open = NULL, high = NULL, low = NULL, volume = NULL, amount = NULL",
        )
    )
    result = gate_on(warehouse, tmp_path, "security_bars")

    assert result.passed, result.summary()
    assert result.failures == []


def test_new_listing_trades_without_limit_for_five_sessions(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # VeriSilicon's first-ever bar is 2026-01-16; +80% on its 5th session after, +80% on its 6th.
    closes = [
        ("2026-01-16", 40.0), ("2026-01-19", 72.0), ("2026-01-20", 75.0), ("2026-01-21", 76.0),
        ("2026-01-22", 78.0), ("2026-01-23", 140.4), ("2026-01-26", 252.7), ("2026-01-27", 255.0),
        ("2026-01-28", 256.0), ("2026-01-29", 257.0), ("2026-01-30", 258.0),
    ]  # fmt: skip
    for day, close in closes:
        warehouse.execute(
            "INSERT INTO staging.security_bars VALUES ('688521.SH', $day, $close, $close,"
            " $close, $close, 1e6, 1e6 * $close, 'CNY', 'eastmoney/kline/688521.SH.json')",
            {"day": date.fromisoformat(day), "close": close},
        )
    result = gate_on(warehouse, tmp_path, "security_bars")

    [failure] = result.failures
    assert failure.rule == "price_within_board_limit"
    assert [row["trade_date"] for row in failure.sample] == ["2026-01-26"]


def test_warn_failure_does_not_flip_passed(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute(
        update("valuation", at("symbol", "688256.SH", "2026-01-08"), "pe_ttm = -310.5")
    )
    result = gate_on(warehouse, tmp_path, "valuation")

    assert result.passed
    [failure] = result.failures
    assert (failure.table, failure.rule, failure.severity) == (
        "valuation",
        "pe_ttm_positive",
        "warn",
    )
    assert failure.sample[0]["pe_ttm"] == -310.5
    assert "PASSED" in result.summary()
    assert "[warn] valuation: 1 row breaks pe_ttm_positive" in result.summary()


def test_rule_that_cannot_be_evaluated_blocks_whatever_its_severity(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from great_expectations import expectations as gxe

    def checks(inputs: SuiteInputs) -> list[Check]:
        drifted = gxe.ExpectColumnValuesToNotBeNull(column="eps_consensus")
        rule = Rule("eps_consensus_not_null", drifted, "a renamed column", severity="warn")
        return [Check("eps_forecast", "eps_forecast", "eps_forecast.sql", {}, ("symbol",), (rule,))]

    monkeypatch.setattr(suites, "SUITES", (SimpleNamespace(checks=checks),))

    result = gate(warehouse, tmp_path)

    assert not result.passed
    [failure] = result.failures
    assert failure.severity == "fail"
    assert "could not be evaluated" in failure.message and "eps_consensus" in failure.message


def test_core_history_chains_prev_close_and_the_seam(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Merged history runs 2025-12-22..30 at half the staged price, and 2025-12-31 never loaded.
    warehouse.execute(
        "INSERT INTO core.security_bars SELECT symbol, trade_date - 14, open / 2, high / 2,"
        " low / 2, close / 2, volume, amount, currency, 'run-0' FROM staging.security_bars"
        " WHERE symbol = '603019.SH' AND trade_date <= '2026-01-13'"
    )
    # History overlapping the staged days is superseded by them, not counted twice.
    warehouse.execute(
        "INSERT INTO core.margin SELECT * EXCLUDE (source_file), 'run-0' FROM staging.margin"
    )
    # History inserted by hand, not merged: build its tails the way the flows do.
    load.ensure_tails(warehouse)
    result = gate_on(warehouse, tmp_path, "security_bars", "margin")

    failures = {f.rule: f for f in result.failures}
    # History at half the staged price on the same volume is a 1-for-2 consolidation left
    # unadjusted, which the split rule names on the same seam.
    assert set(failures) == {"no_missing_sessions", "price_within_board_limit",
                             "no_unadjusted_split"}, result.summary()
    assert failures["no_unadjusted_split"].sample[0]["split_date"] == "2026-01-05"
    assert failures["no_missing_sessions"].sample == [
        {
            "symbol": "603019.SH",
            "trade_date": "2025-12-31",
            "source_file": "eastmoney/kline/603019.SH.json",
        }
    ]
    assert failures["price_within_board_limit"].sample[0]["trade_date"] == "2026-01-05"


def test_gate_runs_read_only_on_a_warehouse_without_core(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as writer:
        build_warehouse(writer)
        for table in SUITE_MODULES:
            writer.execute(f"DROP TABLE core.{table}")
    with duckdb.connect(str(path), read_only=True) as reader:
        result = gate(reader, tmp_path / "results")
    assert result.passed, result.summary()


def test_a_date_past_2262_is_named_not_a_crash(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute(update("security_bars", at("symbol", "603019.SH", "2026-01-21"),
                             "trade_date = DATE '2926-01-21'"))
    result = gate_on(warehouse, tmp_path, "security_bars", rules=("no_future_date",))

    future = [f for f in result.failures if f.rule == "no_future_date"]
    assert future and future[0].sample[0]["symbol"] == "603019.SH", result.summary()


def test_rules_narrowed_to_their_columns_reach_the_same_verdicts(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from expectations import runner

    firsts = {case.table: case for case in reversed(CASES)}
    for case in firsts.values():
        for statement in case.sql:
            warehouse.execute(statement)

    def outcomes(narrow_from: int, run_id: str) -> list[tuple[object, ...]]:
        monkeypatch.setattr(runner, "NARROW_FROM_ROWS", narrow_from)
        recorded = json.loads(gate(warehouse, tmp_path, run_id).results_path.read_text())
        return [(r["table"], r["rule"], r["suite"], r["success"], r["element_count"],
                 r["unexpected_count"], json.dumps(r["sample"], sort_keys=True))
                for r in recorded["results"]]

    whole, narrowed = outcomes(10**9, "whole"), outcomes(0, "narrowed")
    assert narrowed == whole
    assert {(table, rule) for table, rule, _, success, *_ in whole if not success} >= {
        (case.table, case.rule) for case in firsts.values()}
