"""The quality gate passes a clean staged run and names the row behind every kind of bad data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest
from gate_fixture import AS_OF, build_warehouse

from expectations import suites
from expectations.gate import GateResult, run_gate

SUITE_MODULES = {module.__name__.rsplit(".", 1)[1]: module for module in suites.SUITES}


@dataclass(frozen=True)
class Case:
    """Bad data: statements that break the clean warehouse, and the failure they must cause."""

    id: str
    sql: tuple[str, ...]
    table: str
    rule: str
    row: dict[str, object] = field(default_factory=dict)


def bars(table: str, where: str, assignments: str) -> str:
    """An UPDATE of the staged rows matching `where`."""
    return f"UPDATE staging.{table} SET {assignments} WHERE {where}"


def at(key: str, code: str, day: str) -> str:
    """A WHERE clause selecting one staged row."""
    return f"{key} = '{code}' AND trade_date = DATE '{day}'"


CASES = [
    Case(
        "negative_price",
        (bars("security_bars", at("symbol", "688256.SH", "2026-01-20"), "close = -close"),),
        "security_bars",
        "close_positive",
        {"symbol": "688256.SH", "trade_date": "2026-01-20"},
    ),
    Case(
        "zero_price",
        (bars("index_bars", at("index_code", "STAR50", "2026-01-21"), "open = 0"),),
        "index_bars",
        "open_positive",
        {"index_code": "STAR50", "trade_date": "2026-01-21"},
    ),
    Case(
        "high_below_low",
        (bars("security_bars", at("symbol", "00700.HK", "2026-01-22"), "high = low - 1"),),
        "security_bars",
        "high_within_body",
        {"symbol": "00700.HK", "trade_date": "2026-01-22"},
    ),
    Case(
        "main_board_60pct_move",
        (
            bars(
                "security_bars",
                at("symbol", "603019.SH", "2026-01-27"),
                "open = open * 1.6, high = high * 1.6, low = low * 1.6, close = close * 1.6",
            ),
        ),
        "security_bars",
        "price_within_board_limit",
        {"symbol": "603019.SH", "trade_date": "2026-01-27"},
    ),
    Case(
        "duplicated_key",
        (
            "INSERT INTO staging.fx_rates SELECT * FROM staging.fx_rates "
            f"WHERE {at('pair', 'USDCNY', '2026-01-15')}",
        ),
        "fx_rates",
        "unique_key",
        {"pair": "USDCNY", "trade_date": "2026-01-15"},
    ),
    Case(
        "null_key",
        (bars("security_bars", at("symbol", "NVDA.US", "2026-01-09"), "symbol = NULL"),),
        "security_bars",
        "symbol_not_null",
        {"symbol": None, "trade_date": "2026-01-09"},
    ),
    Case(
        "missing_trading_day",
        (f"DELETE FROM staging.security_bars WHERE {at('symbol', '688256.SH', '2026-01-14')}",),
        "security_bars",
        "no_missing_sessions",
        {"symbol": "688256.SH", "trade_date": "2026-01-14"},
    ),
    Case(
        "margin_missing_session",
        (f"DELETE FROM staging.margin WHERE {at('exchange', 'SZSE', '2026-01-15')}",),
        "margin",
        "no_missing_sessions",
        {"exchange": "SZSE", "trade_date": "2026-01-15"},
    ),
    Case(
        "bar_on_a_saturday",
        (
            "INSERT INTO staging.index_bars SELECT index_code, DATE '2026-01-24', open, high, low,"
            " close, volume, amount, source_file FROM staging.index_bars"
            f" WHERE {at('index_code', 'STAR50', '2026-01-23')}",
        ),
        "index_bars",
        "trade_date_is_session",
        {"index_code": "STAR50", "trade_date": "2026-01-24"},
    ),
    Case(
        "future_date",
        (
            "INSERT INTO staging.index_bars SELECT index_code, DATE '2026-02-02', open, high, low,"
            " close, volume, amount, source_file FROM staging.index_bars"
            f" WHERE {at('index_code', 'STAR50', '2026-01-30')}",
        ),
        "index_bars",
        "no_future_date",
        {"index_code": "STAR50", "trade_date": "2026-02-02"},
    ),
    Case(
        "stale_feed",
        ("DELETE FROM staging.index_bars WHERE index_code = 'NDX' AND trade_date >= '2026-01-29'",),
        "index_bars",
        "fresh_as_of",
        {"index_code": "NDX", "last_date": "2026-01-28", "due_date": "2026-01-30"},
    ),
    Case(
        "stale_fx",
        ("DELETE FROM staging.fx_rates WHERE pair = 'USDHKD' AND trade_date > '2026-01-23'",),
        "fx_rates",
        "fresh_as_of",
        {"pair": "USDHKD", "days_stale": 7},
    ),
    Case(
        "nan",
        (bars("valuation", at("symbol", "688256.SH", "2026-01-16"), "pe_ttm = 'nan'::DOUBLE"),),
        "valuation",
        "finite_numbers",
        {"symbol": "688256.SH", "trade_date": "2026-01-16", "nonfinite_columns": "pe_ttm"},
    ),
    Case(
        "inf",
        (bars("index_bars", at("index_code", "HSI", "2026-01-23"), "volume = 'inf'::DOUBLE"),),
        "index_bars",
        "finite_numbers",
        {"index_code": "HSI", "trade_date": "2026-01-23", "nonfinite_columns": "volume"},
    ),
    Case(
        "fx_off_by_100x",
        (bars("fx_rates", at("pair", "USDCNY", "2026-01-16"), "rate = rate * 100"),),
        "fx_rates",
        "usdcny_in_range",
        {"pair": "USDCNY", "trade_date": "2026-01-16"},
    ),
    Case(
        "fx_daily_jump",
        (bars("fx_rates", "pair = 'USDCNY' AND trade_date >= '2026-01-22'", "rate = rate * 1.04"),),
        "fx_rates",
        "move_within_limit",
        {"pair": "USDCNY", "trade_date": "2026-01-22"},
    ),
    Case(
        "valuation_unit_change",
        (
            bars(
                "valuation",
                "symbol = '603019.SH' AND trade_date >= '2026-01-26'",
                "close = close * 100, market_cap = market_cap * 100",
            ),
        ),
        "valuation",
        "close_matches_bars",
        {"symbol": "603019.SH", "trade_date": "2026-01-26"},
    ),
    Case(
        "market_cap_off",
        (
            bars(
                "valuation", at("symbol", "688256.SH", "2026-01-07"), "market_cap = market_cap * 2"
            ),
        ),
        "valuation",
        "market_cap_consistent",
        {"symbol": "688256.SH", "trade_date": "2026-01-07"},
    ),
    Case(
        "ipo_listing_before_prospectus",
        (bars("ipo_listings", "symbol = '02513.HK'", "prospectus_date = DATE '2026-01-20'"),),
        "ipo_listings",
        "prospectus_before_listing",
        {"symbol": "02513.HK", "listing_date": "2026-01-08", "prospectus_date": "2026-01-20"},
    ),
    Case(
        "ipo_unknown_exchange",
        (bars("ipo_listings", "symbol = '688795.SH'", "exchange = 'NASDAQ'"),),
        "ipo_listings",
        "exchange_known",
        {"symbol": "688795.SH", "exchange": "NASDAQ"},
    ),
    Case(
        "security_missing_from_seeds",
        (
            "INSERT INTO staging.security_bars SELECT '688999.SH', trade_date, open, high, low,"
            " close, volume, amount, currency, source_file FROM staging.security_bars"
            f" WHERE {at('symbol', '688256.SH', '2026-01-30')}",
        ),
        "security_bars",
        "symbol_in_seeds",
        {"symbol": "688999.SH", "trade_date": "2026-01-30"},
    ),
    Case(
        "eps_symbol_missing_from_seeds",
        (bars("eps_forecast", "fiscal_year = 2025 AND symbol = '603019.SH'", "symbol = 'X.SH'"),),
        "eps_forecast",
        "symbol_in_seeds",
        {"symbol": "X.SH", "fiscal_year": 2025},
    ),
    Case(
        "eps_fiscal_year_typo",
        (bars("eps_forecast", "symbol = '603019.SH'", "fiscal_year = 20250"),),
        "eps_forecast",
        "fiscal_year_in_range",
        {"symbol": "603019.SH", "fiscal_year": 20250},
    ),
    Case(
        "mixed_currency",
        (bars("security_bars", at("symbol", "00700.HK", "2026-01-23"), "currency = 'USD'"),),
        "security_bars",
        "currency_matches_seed",
        {"symbol": "00700.HK", "currency": "USD", "seed_currency": "HKD"},
    ),
    Case(
        "zero_volume_halt_filler",
        (
            bars(
                "security_bars",
                at("symbol", "603019.SH", "2026-01-21"),
                "volume = 0, amount = 0, open = close, high = close, low = close",
            ),
        ),
        "security_bars",
        "volume_positive",
        {"symbol": "603019.SH", "trade_date": "2026-01-21"},
    ),
    Case(
        "margin_unit_break",
        (
            bars(
                "margin",
                "exchange = 'SSE' AND trade_date >= '2026-01-26'",
                "financing_balance = financing_balance / 1e8",
            ),
        ),
        "margin",
        "balance_move_within_limit",
        {"exchange": "SSE", "trade_date": "2026-01-26"},
    ),
    Case(
        "margin_parts_exceed_total",
        (
            bars(
                "margin",
                at("exchange", "SZSE", "2026-01-29"),
                "financing_balance = financing_balance * 1.01",
            ),
        ),
        "margin",
        "parts_within_total",
        {"exchange": "TOTAL", "trade_date": "2026-01-29"},
    ),
    *(
        Case(f"empty_{table}", (f"DELETE FROM staging.{table}",), table, "not_empty")
        for table in ("index_bars", "security_bars", "fx_rates", "margin")
    ),
]


@pytest.fixture
def warehouse() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory warehouse holding a clean staged run."""
    con = duckdb.connect()
    build_warehouse(con)
    return con


def gate(con: duckdb.DuckDBPyConnection, results_dir: Path, run_id: str = "test") -> GateResult:
    """Run the gate for the fixture's as-of date."""
    return run_gate(con, run_id=run_id, as_of=AS_OF, results_dir=results_dir)


def only_suites(monkeypatch: pytest.MonkeyPatch, *tables: str) -> None:
    """Run just these tables' suites, for speed: the clean-run test proves the others hold."""
    monkeypatch.setattr(suites, "SUITES", tuple(SUITE_MODULES[table] for table in tables))


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
    leftover = warehouse.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
    assert leftover.fetchall() == []


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_data_fails_and_names_the_row(
    case: Case,
    warehouse: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for statement in case.sql:
        warehouse.execute(statement)
    only_suites(monkeypatch, case.table)

    result = gate(warehouse, tmp_path)

    assert not result.passed
    found = [f for f in result.failures if (f.table, f.rule) == (case.table, case.rule)]
    assert found, result.summary()
    failure = found[0]
    assert failure.severity == "fail"
    assert case.table in failure.message
    if case.row:
        assert any(case.row.items() <= row.items() for row in failure.sample), failure.sample
        assert all(row["source_file"] for row in failure.sample)


def test_summary_names_table_rule_count_and_keys(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.execute(bars("security_bars", at("symbol", "603019.SH", "2026-01-21"), "volume = 0"))
    only_suites(monkeypatch, "security_bars")

    summary = gate(warehouse, tmp_path).summary()

    assert "FAILED" in summary
    assert "[fail] volume_positive: security_bars: 1 row breaks volume_positive" in summary
    assert "symbol=603019.SH trade_date=2026-01-21" in summary
    assert "source_file=eastmoney/kline/603019.SH.json" in summary


def test_suspended_security_gap_and_staleness_are_not_failures(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    only_suites(monkeypatch, "security_bars")

    result = gate(warehouse, tmp_path)

    assert result.passed, result.summary()
    assert result.failures == []


def test_new_listing_trades_without_limit_for_five_sessions(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # VeriSilicon's first-ever bar is 2026-01-16; +80% on its 5th session after, +80% on its 6th.
    closes = [
        ("2026-01-16", 40.0), ("2026-01-19", 72.0), ("2026-01-20", 75.0), ("2026-01-21", 76.0),
        ("2026-01-22", 78.0), ("2026-01-23", 140.4), ("2026-01-26", 252.7), ("2026-01-27", 255.0),
        ("2026-01-28", 256.0), ("2026-01-29", 257.0), ("2026-01-30", 258.0),
    ]  # fmt: skip
    for day, close in closes:
        warehouse.execute(
            "INSERT INTO staging.security_bars VALUES"
            " ('688521.SH', $day, $close, $close, $close, $close, 1e6, 1e6 * $close, 'CNY', 'k.json')",
            {"day": date.fromisoformat(day), "close": close},
        )
    only_suites(monkeypatch, "security_bars")

    result = gate(warehouse, tmp_path)

    [failure] = result.failures
    assert failure.rule == "price_within_board_limit"
    assert [row["trade_date"] for row in failure.sample] == ["2026-01-26"]


def test_warn_failure_does_not_flip_passed(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse.execute(bars("valuation", at("symbol", "688256.SH", "2026-01-08"), "pe_ttm = -310.5"))
    only_suites(monkeypatch, "valuation")

    result = gate(warehouse, tmp_path)

    assert result.passed
    [failure] = result.failures
    assert (failure.table, failure.rule, failure.severity) == ("valuation", "pe_ttm_positive", "warn")
    assert failure.sample[0]["pe_ttm"] == -310.5
    assert "PASSED" in result.summary() and "[warn] pe_ttm_positive" in result.summary()


def test_core_history_chains_prev_close_and_the_seam(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Merged history stops on 2025-12-30 (2025-12-31 is never loaded) far below the first stage.
    warehouse.execute(
        "CREATE TABLE core.security_bars AS SELECT symbol, trade_date - 14 AS trade_date, open,"
        " high, low, close / 2 AS close, volume, amount, currency, 'run-0' AS loaded_run_id"
        " FROM staging.security_bars WHERE symbol = '603019.SH'"
        " AND trade_date BETWEEN '2026-01-12' AND '2026-01-13'"
    )
    warehouse.execute("CREATE TABLE core.margin AS SELECT * EXCLUDE (source_file) FROM staging.margin")
    only_suites(monkeypatch, "security_bars", "margin")

    result = gate(warehouse, tmp_path)

    failures = {f.rule: f for f in result.failures}
    assert set(failures) == {"no_missing_sessions", "price_within_board_limit"}, result.summary()
    assert failures["no_missing_sessions"].sample == [
        {"symbol": "603019.SH", "trade_date": "2025-12-31", "source_file": "eastmoney/kline/603019.SH.json"}
    ]
    assert failures["price_within_board_limit"].sample[0]["trade_date"] == "2026-01-05"


def test_gate_runs_on_a_read_only_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as writer:
        build_warehouse(writer)
    with duckdb.connect(str(path), read_only=True) as reader:
        result = gate(reader, tmp_path / "results")
    assert result.passed, result.summary()
