"""Rules that judge a value by other evidence the data gives: the trailing earnings a P/E and a
market cap imply, a debut's offer, the series' market, its second source and its own trading."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from expectations.derived import series_rules_check
from expectations.gate import GateResult
from registry import by_name
from tests.expectations.gate_fixture import AS_OF
from tests.expectations.judging import judge
from tests.expectations.narrowed import run_gate_on
from tests.expectations.test_measures import store_history


def gate(con: duckdb.DuckDBPyConnection, results_dir: Path, table: str,
         *rules: str) -> GateResult:
    """The gate on the checks of ``table`` holding ``rules``: each test judges only those."""
    return run_gate_on(con, table, rules=rules, run_id="evidence", as_of=AS_OF,
                       results_dir=results_dir)


def broken(result: GateResult, table: str, rule: str) -> tuple[str, list[dict]]:
    found = [f for f in result.failures if (f.table, f.rule) == (table, rule)]
    assert found, result.summary()
    return found[0].severity, found[0].sample


def rules_broken(result: GateResult, table: str) -> set[str]:
    return {f.rule for f in result.failures if f.table == table}


def test_a_pe_in_per_cent_shifts_the_implied_earnings_a_hundredfold(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.valuation SET pe_ttm = pe_ttm * 100 "
                      "WHERE symbol = '603019.SH'")
    result = gate(warehouse, tmp_path, "valuation", "unit_level_stable")
    severity, sample = broken(result, "valuation", "unit_level_stable")
    assert severity == "fail"
    [row] = [r for r in sample if r["series"] == "603019.SH"]
    assert row["measure"] == "pe_ttm" and row["level_of"] == "market_cap / pe_ttm"
    assert row["level_factor"] == pytest.approx(0.01, rel=0.05)


def test_earnings_that_really_move_threefold_do_not_fail_the_level(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.valuation SET pe_ttm = pe_ttm * 3 "
                      "WHERE symbol = '603019.SH'")
    result = gate(warehouse, tmp_path, "valuation", "unit_level_stable")
    assert "unit_level_stable" not in rules_broken(result, "valuation")


def test_an_eps_forecast_in_fen_fails_against_the_same_fiscal_year(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("INSERT INTO core.eps_forecast BY NAME SELECT * EXCLUDE (source_file, "
                      "report_date), DATE '2025-12-20' AS report_date, 'earlier-run' AS "
                      "loaded_run_id FROM staging.eps_forecast")
    warehouse.execute("UPDATE staging.eps_forecast SET eps = eps * 100 "
                      "WHERE symbol = '688256.SH'")
    result = gate(warehouse, tmp_path, "eps_forecast", "unit_level_stable")
    severity, sample = broken(result, "eps_forecast", "unit_level_stable")
    assert severity == "fail" and sample[0]["series"] == "688256.SH"
    assert sample[0]["level_factor"] == pytest.approx(100, rel=0.01)


@pytest.mark.parametrize(("column", "factor"), [("first_day_close", 100),
                                                 ("first_day_open", 100),
                                                 ("offer_price", 100)])
def test_a_debut_price_or_offer_in_fen_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path, column: str, factor: float
) -> None:
    assert column.isidentifier()
    warehouse.execute(f"UPDATE staging.ipo_listings SET {column} = {column} * ? "
                      "WHERE symbol = '688795.SH'", [factor])
    severity, sample = broken(gate(warehouse, tmp_path, "ipo_listings",
                                   "first_day_move_plausible"), "ipo_listings",
                              "first_day_move_plausible")
    assert severity == "fail" and sample[0]["symbol"] == "688795.SH"


def test_an_index_spike_its_market_did_not_make_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    # Every fixture series on a calendar moves alike: the index's excess is the 6.5% alone,
    # under the eight robust deviations its own moves allow.
    warehouse.execute("UPDATE staging.index_bars SET close = close * 1.065, "
                      "high = high * 1.065 "
                      "WHERE index_code = 'STAR50' AND trade_date = DATE '2026-01-22'")
    result = gate(warehouse, tmp_path, "index_bars", "no_spike_and_revert")
    severity, sample = broken(result, "index_bars", "no_spike_and_revert")
    assert severity == "fail"
    assert sample[0]["series"] == "STAR50" and sample[0]["spike_date"] == "2026-01-22"


def test_an_index_day_its_market_shared_passes(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    for table, key in (("index_bars", "index_code"), ("security_bars", "symbol")):
        warehouse.execute(f"UPDATE staging.{table} SET open = open * 1.06, close = close * 1.06, "
                          f"high = high * 1.06, low = low * 1.06 WHERE {key} IN "
                          "('STAR50', '688256.SH', '603019.SH') "
                          "AND trade_date = DATE '2026-01-22'")
    result = gate(warehouse, tmp_path, "index_bars", "no_spike_and_revert")
    assert "no_spike_and_revert" not in rules_broken(result, "index_bars")


def _freeze(con: duckdb.DuckDBPyConnection, table: str, key: str, series: str,
            columns: tuple[str, ...]) -> None:
    """Every column of ``series`` from 2026-01-21 on repeats its 2026-01-20 close."""
    value = "rate" if table == "fx_rates" else "close"
    sets = ", ".join(f"{column} = frozen.{value}" for column in columns)
    con.execute(f"UPDATE staging.{table} SET {sets} FROM (SELECT {value} FROM staging.{table} "
                f"WHERE {key} = $series AND trade_date = DATE '2026-01-20') AS frozen "
                f"WHERE {key} = $series AND trade_date >= DATE '2026-01-21'",
                {"series": series})


def test_a_liquid_stock_frozen_with_volume_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "security_bars", "symbol", "NVDA.US", ("open", "high", "low", "close"))
    result = gate(warehouse, tmp_path, "security_bars", "not_stale")
    severity, sample = broken(result, "security_bars", "not_stale")
    assert severity == "fail" and sample[0]["series"] == "NVDA.US"
    assert sample[0]["frozen_evidence"] == "traded heavily at one price all day"


def test_an_illiquid_stock_at_one_price_only_warns(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "security_bars", "symbol", "NVDA.US", ("open", "high", "low", "close"))
    warehouse.execute("UPDATE staging.security_bars SET volume = 2000 "
                      "WHERE symbol = 'NVDA.US' AND trade_date >= DATE '2026-01-21'")
    result = gate(warehouse, tmp_path, "security_bars", "unchanged_while_market_moves",
                  "not_stale")
    severity, sample = broken(result, "security_bars", "unchanged_while_market_moves")
    assert severity == "warn" and sample[0]["series"] == "NVDA.US"
    assert "not_stale" not in rules_broken(result, "security_bars")


def test_a_rate_frozen_while_its_second_source_moves_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "fx_rates", "pair", "USDCNY", ("rate",))
    severity, sample = broken(gate(warehouse, tmp_path, "fx_rates", "not_stale"), "fx_rates",
                              "not_stale")
    assert severity == "fail" and sample[0]["series"] == "USDCNY"
    assert sample[0]["frozen_evidence"] == "its second source moved"


def test_a_rate_both_sources_hold_still_only_warns(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "fx_rates", "pair", "USDCNY", ("rate",))
    warehouse.execute("UPDATE staging.crosscheck SET value = (SELECT rate FROM staging.fx_rates "
                      "WHERE pair = 'USDCNY' AND trade_date = DATE '2026-01-20') "
                      "WHERE series = 'USDCNY' AND trade_date >= DATE '2026-01-21'")
    result = gate(warehouse, tmp_path, "fx_rates", "not_stale", "unchanged_while_market_moves")
    assert "not_stale" not in rules_broken(result, "fx_rates")
    assert "unchanged_while_market_moves" in rules_broken(result, "fx_rates")


def test_a_split_left_unadjusted_with_volume_unchanged_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    warehouse.execute("UPDATE staging.security_bars SET open = open / 2, high = high / 2, "
                      "low = low / 2, close = close / 2 "
                      "WHERE symbol = '00700.HK' AND trade_date >= DATE '2026-01-26'")
    result = gate(warehouse, tmp_path, "security_bars", "no_unadjusted_split")
    severity, sample = broken(result, "security_bars", "no_unadjusted_split")
    assert severity == "fail" and sample[0]["split_date"] == "2026-01-26"
    assert sample[0]["split_traded_ratio"] == pytest.approx(0.5, abs=0.05)


def test_a_yuan_rate_that_jumps_away_from_its_second_source_fails(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    warehouse.execute("UPDATE staging.fx_rates SET rate = rate * 1.025 "
                      "WHERE pair = 'USDCNY' AND trade_date >= DATE '2026-01-21'")
    result = gate(warehouse, tmp_path, "crosscheck", "usdcny_move_confirmed")
    severity, sample = broken(result, "crosscheck", "usdcny_move_confirmed")
    assert severity == "fail"
    assert sample[0]["series"] == "USDCNY" and sample[0]["trade_date"] == "2026-01-21"


def test_a_yuan_rate_still_over_a_mainland_holiday_only_warns(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "fx_rates", "pair", "USDCNY", ("rate",))
    # Onshore trading closed for a week (as in Golden Week), offshore quotes moving on.
    warehouse.execute("DELETE FROM ref.sessions WHERE calendar = 'XSHG' "
                      "AND session_date BETWEEN DATE '2026-01-21' AND DATE '2026-01-28'")
    result = gate(warehouse, tmp_path, "fx_rates", "not_stale")
    assert "not_stale" not in rules_broken(result, "fx_rates")


def test_a_run_counts_the_sessions_of_any_of_its_series_home_markets(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    store_history(warehouse)
    _freeze(warehouse, "fx_rates", "pair", "USDCNY", ("rate",))
    warehouse.execute("DELETE FROM ref.sessions WHERE calendar = 'XSHG' "
                      "AND session_date BETWEEN DATE '2026-01-21' AND DATE '2026-01-28'")
    declared = by_name("fx_rates").series_rules
    assert declared is not None
    # Hong Kong, trading on, as a second home: the run's days are its sessions again.
    both = replace(declared, home_calendars=(*declared.home_calendars, ("USDCNY", "XHKG")))
    onshore = judge(warehouse, [series_rules_check("fx_rates", declared)])
    either = judge(warehouse, [series_rules_check("fx_rates", both)])
    assert onshore["fx_rates.series:not_stale"].success
    assert not either["fx_rates.series:not_stale"].success
    assert either["fx_rates.series:not_stale"].sample[0]["frozen_evidence"] == (
        "its second source moved")


def test_a_rate_staged_twice_is_one_day_beside_its_second_source(
    warehouse: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # Every staged rate arrives twice, shuffled, one copy of one day 3% higher: the key rule
    # names the copies, and the sources' moves are read from one figure a day, whichever copy
    # a sort meets first.
    store_history(warehouse)
    warehouse.execute("CREATE TEMP TABLE copied AS SELECT * FROM staging.fx_rates")
    warehouse.execute("UPDATE copied SET rate = rate * 1.03 "
                      "WHERE pair = 'USDCNY' AND trade_date = DATE '2026-01-21'")
    warehouse.execute("INSERT INTO staging.fx_rates SELECT * FROM copied ORDER BY random()")
    rules = ("unique_key", "usdcny_move_confirmed", "usdcny_sources_agree")
    runs = [run_gate_on(warehouse, "fx_rates", "crosscheck", rules=rules, run_id="twice",
                        as_of=AS_OF, results_dir=tmp_path) for _ in range(3)]
    assert all(("fx_rates", "unique_key") in {(f.table, f.rule) for f in run.failures}
               for run in runs)
    assert [[f.rule for f in run.failures if f.table == "crosscheck"] for run in runs] == [[]] * 3
