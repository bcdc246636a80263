"""Series plausibility: spikes that revert, frozen feeds and unadjusted splits."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.frames import check_table
from expectations.gate import GateResult
from expectations.suites import all_checks
from registry import DATASETS
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.judging import gate_views, inputs
from tests.expectations.narrowed import run_gate_on
from tests.expectations.test_measures import store_history


def gate(con: duckdb.DuckDBPyConnection, results_dir: Path, *tables: str,
         rules: tuple[str, ...] = ()) -> GateResult:
    return run_gate_on(con, *tables, rules=rules, run_id="series", as_of=AS_OF,
                       results_dir=results_dir)


def broken(result: GateResult, table: str, rule: str) -> tuple[str, list[dict]]:
    found = [f for f in result.failures if (f.table, f.rule) == (table, rule)]
    assert found, result.summary()
    return found[0].severity, found[0].sample


def test_an_index_print_that_reverts_the_next_day_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.index_bars SET close = close * 1.15, high = high * 1.15 "
                      "WHERE index_code = 'NDX' AND trade_date = DATE '2026-01-22'")
    result = gate(warehouse, tmp_path, "index_bars", rules=("no_spike_and_revert",))
    severity, sample = broken(result, "index_bars", "no_spike_and_revert")
    assert severity == "fail"
    assert sample[0]["series"] == "NDX" and sample[0]["spike_date"] == "2026-01-22"
    assert sample[0]["spike_move"] == pytest.approx(0.15, abs=0.03)
    assert sample[0]["revert_move"] < -0.1


def test_a_stock_spike_that_reverts_is_listed_as_a_warning(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.security_bars SET close = close * 1.4, high = high * 1.4 "
                      "WHERE symbol = '00700.HK' AND trade_date = DATE '2026-01-22'")
    result = gate(warehouse, tmp_path, "security_bars")
    severity, sample = broken(result, "security_bars", "no_spike_and_revert")
    assert severity == "warn" and result.passed
    assert sample[0]["series"] == "00700.HK"


def test_a_frozen_margin_balance_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute(
        "UPDATE staging.margin SET financing_balance = (SELECT financing_balance FROM "
        "staging.margin WHERE exchange = 'SZSE' AND trade_date = DATE '2026-01-20') "
        "WHERE exchange = 'SZSE' AND trade_date >= DATE '2026-01-20'")
    result = gate(warehouse, tmp_path, "margin", rules=("not_stale",))
    severity, sample = broken(result, "margin", "not_stale")
    assert severity == "fail"
    assert sample[0]["series"] == "SZSE" and sample[0]["unchanged_sessions"] >= 5


def test_a_frozen_run_counts_each_of_its_sessions_once(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    # A figure no earlier day holds, so the run begins on 2026-01-20 exactly.
    warehouse.execute(
        "UPDATE staging.margin SET financing_balance = (SELECT financing_balance * 1.001 FROM "
        "staging.margin WHERE exchange = 'SZSE' AND trade_date = DATE '2026-01-20') "
        "WHERE exchange = 'SZSE' AND trade_date >= DATE '2026-01-20'")
    [(sessions,)] = warehouse.execute(
        "SELECT count(DISTINCT trade_date) FROM staging.margin "
        "WHERE exchange = 'SZSE' AND trade_date >= DATE '2026-01-20'").fetchall()
    result = gate(warehouse, tmp_path, "margin", rules=("not_stale",))
    _, sample = broken(result, "margin", "not_stale")
    assert sample[0]["unchanged_sessions"] == sessions >= 5


@pytest.mark.parametrize("shares_for_one", [2, 10, 0.5], ids=["2-for-1", "10-for-1", "1-for-2"])
def test_an_unadjusted_split_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, shares_for_one: float
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.security_bars SET open = open / $n, high = high / $n, "
                      "low = low / $n, close = close / $n, volume = volume * $n "
                      "WHERE symbol = '00700.HK' AND trade_date >= DATE '2026-01-26'",
                      {"n": shares_for_one})
    result = gate(warehouse, tmp_path, "security_bars", rules=("no_unadjusted_split",))
    severity, sample = broken(result, "security_bars", "no_unadjusted_split")
    assert severity == "fail"
    assert sample[0]["series"] == "00700.HK" and sample[0]["split_date"] == "2026-01-26"
    assert sample[0]["split_price_ratio"] == pytest.approx(1 / shares_for_one, rel=0.02)


def test_clean_history_raises_none_of_them(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    rules = ("no_spike_and_revert", "not_stale", "no_unadjusted_split")
    result = gate(warehouse, tmp_path, rules=rules)
    assert [f.message for f in result.failures if f.rule in rules] == []


def test_a_day_staged_twice_is_one_day_to_the_series_rules(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Every staged stock bar arrives twice, the copies shuffled among the rows, and one copy of
    # one day closes 40% higher. The key rule names the copies; the series rules see each day
    # once, so neither the copy's jump and fall back nor the order a sort met the copies in
    # makes a spike or a run of unchanged closes.
    store_history(warehouse)
    warehouse.execute("CREATE TEMP TABLE copied AS SELECT * FROM staging.security_bars")
    warehouse.execute("UPDATE copied SET close = close * 1.4, high = high * 1.4 "
                      "WHERE symbol = '00700.HK' AND trade_date = DATE '2026-01-22'")
    warehouse.execute("INSERT INTO staging.security_bars SELECT * FROM copied ORDER BY random()")
    [(copied,)] = warehouse.execute("SELECT count(*) FROM copied").fetchall()
    rules = ("unique_key", "no_spike_and_revert", "not_stale", "no_unadjusted_split")

    runs = [gate(warehouse, tmp_path, "security_bars", rules=rules) for _ in range(3)]

    verdicts = [sorted((f.rule, f.unexpected_count) for f in run.failures) for run in runs]
    assert verdicts == [[("unique_key", 2 * copied)]] * 3


def test_only_a_batch_with_copies_of_a_day_has_them_grouped(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # A clean batch's days are read as they are; staged twice, the same days come out of the
    # grouping, each once and with the same figures: for the series rules, the chain and the
    # valuations' bar closes.
    store_history(warehouse)
    chained = {dataset.name for dataset in DATASETS if dataset.series_rules is not None}
    [valuations] = [check for check in all_checks(inputs(warehouse)) if check.suite == "valuation"]

    def days() -> tuple[set[str], list[tuple], list[tuple], list[str]]:
        with gate_views(warehouse):
            distinct = {name for (name,) in
                        warehouse.sql("SELECT dataset FROM gate_distinct_days").fetchall()}
            bar_days, chain = (warehouse.sql(sql).fetchall() for sql in (
                "SELECT * EXCLUDE (source_file) FROM gate_bar_days ORDER BY ALL",
                "SELECT * FROM gate_series_chain ORDER BY ALL"))
            frame = sorted(str(row) for row in check_table(warehouse, valuations).to_pylist())
        return distinct, bar_days, chain, frame

    clean = days()
    warehouse.execute("INSERT INTO staging.security_bars SELECT * FROM staging.security_bars "
                      "WHERE trade_date >= DATE '2026-01-22'")
    copied = days()

    assert clean[0] == chained and "security_bars" in chained
    assert copied[0] == chained - {"security_bars"}
    assert copied[1:] == clean[1:]
    _, bar_days, chain, frame = clean
    assert any(row[0] == "security_bars" and row[4] for row in bar_days)
    assert any(row[0] == "security_bars" and row[4] and row[5] for row in chain)
    assert frame and all("'bar_close': None" not in row for row in frame)


def test_a_day_staged_twice_is_one_session_present(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    store_history(warehouse)
    [check] = [check for check in all_checks(inputs(warehouse))
               if check.suite == "security_bars.sessions"]
    with gate_views(warehouse, ("security_bars",)):
        once = check_table(warehouse, check).sort_by([("series", "ascending"),
                                                      ("trade_date", "ascending")])
        warehouse.execute("INSERT INTO staging.security_bars SELECT * FROM staging.security_bars "
                          "WHERE trade_date >= DATE '2026-01-20'")
        twice = check_table(warehouse, check).sort_by([("series", "ascending"),
                                                       ("trade_date", "ascending")])
    assert twice.num_rows == once.num_rows > 0
    assert twice.column("is_present").to_pylist() == once.column("is_present").to_pylist()
