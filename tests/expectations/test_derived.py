"""The checks a declaration implies: built from the registry, and in step with their queries.

What each rule catches is tested through the gate in ``test_measures.py``,
``test_series_rules.py`` and ``test_dated_rows.py``; these pin how the builders read a
declaration and that every column a derived rule reads or shows is in its query's frame.
"""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd

from expectations.checks import SQL_DIR, Check, Rule
from expectations.derived import (
    SPIKE_SPREADS,
    measures_check,
    series_rules_check,
    sessions_only_check,
)
from expectations.frames import arrow_frame, check_table
from expectations.measures import dated, measured
from expectations.runner import rule_columns
from registry import by_name
from registry.model import SeriesRules
from tests.conftest import REPO
from tests.expectations.judging import broken, gate_views

# The column rule_columns answers with when a rule reads the whole frame.
ANY = "<whole frame>"


def reads(rule: Rule) -> set[str]:
    """The columns a rule's expectation names (none for a table-level one)."""
    return set(rule_columns(rule, pd.DataFrame({ANY: []}))) - {ANY}


def derived_checks() -> list[Check]:
    """Every derived check the registry implies, whatever the suites already cover."""
    checks = [measures_check(d.name) for d in measured()]
    checks += [sessions_only_check(d.name, d.date) for d in dated()]
    checks += [series_rules_check(d.name, d.series_rules) for d in map(by_name, [
        "index_bars", "security_bars", "fx_rates", "margin"]) if d.series_rules is not None]
    return checks


def test_the_module_imports_on_its_own() -> None:
    # In-process, the suites package is usually imported first; a fresh interpreter shows
    # whether importing this module alone finds ``expectations.suites`` half-initialised.
    done = subprocess.run([sys.executable, "-c", "import expectations.derived"], cwd=REPO,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_series_rules_follow_the_declared_severities_and_leave_out_switched_off_ones() -> None:
    declared = SeriesRules(spike_floor=0.05, spike=None, stale_sessions=7, split="warn")
    check = series_rules_check("security_bars", declared)

    severities = {r.rule: r.severity for r in check.rules}
    assert "no_spike_and_revert" not in severities
    assert severities["no_unadjusted_split"] == "warn"
    assert check.params.items() >= {"dataset": "security_bars", "spike_floor": 0.05,
                                    "spread_multiple": SPIKE_SPREADS,
                                    "stale_sessions": 7}.items()
    assert check.suite == "security_bars.series" and check.keys == ("series",)


def test_the_index_declaration_fails_spikes_and_never_looks_for_splits() -> None:
    declared = by_name("index_bars").series_rules
    assert declared is not None
    check = series_rules_check("index_bars", declared)
    severities = {r.rule: r.severity for r in check.rules}
    assert severities["no_spike_and_revert"] == "fail"
    assert "no_unadjusted_split" not in severities
    assert "at least 5%" in check.rules[0].description


def test_measure_and_session_checks_are_named_for_their_table_and_date_column() -> None:
    measures = measures_check("valuation")
    assert (measures.suite, measures.params, measures.keys) == (
        "valuation.measures", {"dataset": "valuation"}, ("series", "measure"))
    assert [r.rule for r in measures.rules] == [
        "value_in_plausible_range", "unit_level_stable", "step_plausible"]
    assert all(r.show[:2] == ("measure", "unit") for r in measures.rules)
    sessions = sessions_only_check("ipo_listings", "listing_date")
    assert sessions.suite == "ipo_listings.calendar"
    [rule] = sessions.rules
    assert (rule.rule, reads(rule)) == ("listing_date_is_session", {"all_sessions"})


def test_every_column_a_derived_rule_reads_or_shows_is_in_its_query(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    with gate_views(warehouse):
        frames = {check.suite: (check, arrow_frame(check_table(warehouse, check), check))
                  for check in derived_checks()}
    assert len(frames) == len(measured()) + len(dated()) + 4
    for suite, (check, frame) in frames.items():
        assert (SQL_DIR / check.sql).is_file()
        assert len(frame) > 0, suite
        for rule in check.rules:
            wanted = {*reads(rule), *rule.show, *check.keys}
            assert wanted <= set(frame.columns), (suite, rule.rule, wanted - set(frame.columns))


def test_a_weekend_valuation_row_fails_the_session_rule_the_suite_lacks(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("INSERT INTO staging.valuation SELECT symbol, DATE '2026-01-24', close, "
                      "pe_ttm, market_cap, total_shares, source_file FROM staging.valuation "
                      "WHERE symbol = '603019.SH' AND trade_date = DATE '2026-01-23'")

    failures = broken(warehouse, [sessions_only_check("valuation", "trade_date")])

    outcome = failures["valuation.calendar:trade_date_is_session"]
    assert outcome.unexpected_count == 1
    assert outcome.sample == [{
        "series": "603019.SH", "source_file": "eastmoney/datacenter/RPT_VALUEANALYSIS_DET/"
        "603019.SH.json", "all_sessions": False, "calendar": "XSHG", "non_sessions": 1,
        "first_non_session": "2026-01-24"}]
