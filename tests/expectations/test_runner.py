"""The runner's mechanics: bounded history views, check frames, rule columns and verdicts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest
from great_expectations import expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations import runner, tables
from expectations.checks import Check, Rule
from expectations.suites.common import at_least, not_empty
from tests.expectations.judging import batch_definition, gate_views
from warehouse import db, load


def usdhkd_band(**rule: Any) -> Rule:
    """The USD/HKD peg band: a rule whose row condition keeps one pair of the FX frame."""
    return Rule("usdhkd_in_range", gxe.ExpectColumnValuesToBeBetween(
        column="rate", min_value=7.7, max_value=7.9, row_condition=Column("pair") == "USDHKD"),
        "USDHKD must lie between 7.7 and 7.9", **rule)


def test_history_views_hold_core_rows_from_a_month_before_the_staged_days_only(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # Staged STAR 50 bars run 2026-01-05..01-30: core rows from 2025-12-05 on are history.
    for day, close in ((date(2025, 11, 28), 1400.0), (date(2025, 12, 5), 1450.0),
                       (date(2026, 1, 2), 1500.0), (date(2026, 2, 2), 1600.0)):
        warehouse.execute("INSERT INTO core.index_bars VALUES ('STAR50', ?, NULL, NULL, NULL, ?, "
                          "NULL, NULL, 'run-0')", [day, close])

    with runner.history_views(warehouse, runner.stored_tables(warehouse)):
        history = warehouse.execute("SELECT trade_date, close FROM gate_history_index_bars "
                                    "ORDER BY trade_date").fetchall()
        merged = warehouse.execute("SELECT count(*) FROM gate_merged_series "
                                   "WHERE dataset = 'index_bars'").fetchall()
    assert history == [(date(2025, 12, 5), 1450.0), (date(2026, 1, 2), 1500.0)]
    assert merged == [(2,)]
    with pytest.raises(duckdb.CatalogException):
        warehouse.execute("SELECT * FROM gate_history_index_bars")


def test_series_days_hold_the_staged_rows_the_window_not_restaged_and_the_seam(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # STAR50's stored 2026-01-05 is staged again; HSI's last stored day is older than the window.
    for code, day, close in (("STAR50", date(2025, 11, 28), 1400.0),
                             ("STAR50", date(2025, 12, 5), 1450.0),
                             ("STAR50", date(2026, 1, 5), 1500.0),
                             ("HSI", date(2025, 10, 31), 26000.0)):
        warehouse.execute("INSERT INTO core.index_bars VALUES (?, ?, NULL, NULL, NULL, ?, "
                          "NULL, NULL, 'run-0')", [code, day, close])
    load.ensure_tails(warehouse)
    warehouse.execute("INSERT INTO staging.index_bars (index_code, trade_date, close, "
                      "source_file) VALUES ('STAR50', DATE '2026-01-30', 1600.0, 'again.json')")

    with runner.history_views(warehouse, runner.stored_tables(warehouse)):
        stored = warehouse.execute(
            "SELECT series, trade_date, value, is_seam, source_file FROM gate_series_days "
            "WHERE dataset = 'index_bars' AND NOT is_staged ORDER BY series").fetchall()
        twice = warehouse.execute(
            "SELECT source_file FROM gate_series_days WHERE dataset = 'index_bars' "
            "AND series = 'STAR50' AND trade_date = DATE '2026-01-30' AND is_staged "
            "AND NOT is_seam ORDER BY source_file").fetchall()
    assert stored == [("HSI", date(2025, 10, 31), 26000.0, True, None),
                      ("STAR50", date(2025, 12, 5), 1450.0, False, None)]
    assert twice == [("again.json",), ("eastmoney/kline/STAR50.json",)]


def test_without_core_the_history_and_tails_read_empty() -> None:
    con = duckdb.connect()
    db.run_sql_file(con, "ddl/schemas.sql")
    for table in ("index_bars", "security_bars", "fx_rates", "margin", "valuation",
                  "eps_forecast", "ipo_listings", "crosscheck"):
        db.run_sql_file(con, f"staging/{table}.sql")
    for table in ("ref_indices", "ref_securities", "ref_sessions", "ref_suspensions"):
        db.run_sql_file(con, f"ddl/{table}.sql")
    con.execute("INSERT INTO staging.fx_rates VALUES ('USDCNY', DATE '2026-01-30', 6.98, "
                "'yahoo/chart/CNY=X.json')")

    with runner.history_views(con, runner.stored_tables(con)):
        assert con.execute("SELECT count(*) FROM gate_history_fx_rates").fetchall() == [(0,)]
        assert con.execute("SELECT count(*) FROM gate_series_tails").fetchall() == [(0,)]
        assert con.execute("SELECT series, value FROM gate_staged_series").fetchall() == [
            ("USDCNY", 6.98)]


def test_rule_columns_include_row_conditions_and_fall_back_to_every_column() -> None:
    frame = pd.DataFrame(columns=["pair", "trade_date", "rate", "abs_change", "source_file"])
    banded = usdhkd_band()
    pair = at_least("rate", "abs_change", "rate_above_change", "a pair rule")

    assert runner.rule_columns(banded, frame) == ("rate", "pair")
    assert runner.rule_columns(pair, frame) == ("rate", "abs_change")
    assert runner.rule_columns(not_empty(), frame) == tuple(frame.columns)
    assert banded.expectation.meta == {"rule": "usdhkd_in_range"}


def test_verdicts_word_counts_samples_and_observed_values(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    warehouse.execute("UPDATE staging.fx_rates SET rate = 7.5 WHERE pair = 'USDHKD' "
                      "AND trade_date = DATE '2026-01-29'")
    warehouse.execute("DELETE FROM staging.eps_forecast")
    band = usdhkd_band(severity="warn", show=("rate",))
    fx = Check("fx_rates", "fx_rates", "fx_rates.sql", {}, ("pair", "trade_date"), (band,))
    eps = Check("eps_forecast", "eps_forecast", "eps_forecast.sql", {}, ("symbol",),
                (not_empty(),))

    with gate_views(warehouse):
        [warned] = tables.run_check(warehouse, fx, batch_definition())
        [empty] = tables.run_check(warehouse, eps, batch_definition())

    assert (warned.success, warned.severity, warned.unexpected_count) == (False, "warn", 1)
    assert warned.message == ("fx_rates: 1 row breaks usdhkd_in_range: USDHKD must lie between "
                              "7.7 and 7.9.")
    assert warned.sample == [{"pair": "USDHKD", "trade_date": "2026-01-29",
                              "source_file": "fx/usd.json", "rate": 7.5}]
    assert (empty.success, empty.severity) == (False, "fail")
    assert empty.message.startswith("eps_forecast breaks not_empty: the staged dataset must not "
                                    "be empty (empty dataset); observed 0")


def test_a_rule_that_holds_records_the_rows_it_saw(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # The rate bands hold: their verdict needs no counting, but a banded rule saw one pair only.
    band = usdhkd_band()
    positive = Rule("rate_positive", gxe.ExpectColumnValuesToBeBetween(
        column="rate", min_value=0, strict_min=True), "rate must be above zero")
    fx = Check("fx_rates", "fx_rates", "fx_rates.sql", {}, ("pair", "trade_date"),
               (band, positive))
    [(rows, usdhkd)] = warehouse.execute(
        "SELECT count(*), count(*) FILTER (WHERE pair = 'USDHKD') FROM staging.fx_rates"
    ).fetchall()

    with gate_views(warehouse):
        outcomes = tables.run_check(warehouse, fx, batch_definition())

    assert [(o.rule, o.success, o.unexpected_count) for o in outcomes] == [
        ("usdhkd_in_range", True, 0), ("rate_positive", True, 0)]
    assert [o.element_count for o in outcomes] == [usdhkd, rows]
    assert 0 < usdhkd < rows


@pytest.mark.parametrize("symbols", [40, runner.NARROW_FROM_ROWS // 20 + 1])
def test_samples_are_the_first_broken_rows_in_key_order_whatever_the_frame_order(
    symbols: int,
) -> None:
    # Check queries leave their rows unordered: DuckDB returns a parallel query's rows in any
    # order. Twenty sessions of each symbol, shuffled; three of one symbol and two of another
    # close at zero. The larger frame is judged on narrowed columns.
    days = pd.bdate_range("2026-01-05", periods=20)
    frame = pd.DataFrame({
        "symbol": np.repeat([f"{n:06d}.SZ" for n in range(symbols)], len(days)),
        "trade_date": np.tile(days.values, symbols),
        "close": 10.0,
        "source_file": "eastmoney/kline.json",
    })
    broken = {("000007.SZ", "2026-01-09"), ("000007.SZ", "2026-01-06"),
              ("000031.SZ", "2026-01-30"), ("000031.SZ", "2026-01-05"),
              ("000007.SZ", "2026-01-30")}
    for symbol, day in broken:
        frame.loc[(frame.symbol == symbol) & (frame.trade_date == day), "close"] = 0.0
    shuffled = frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    positive = Rule("close_positive", gxe.ExpectColumnValuesToBeBetween(
        column="close", min_value=0, strict_min=True), "close must be above zero",
        show=("close",))
    bars = Check("security_bars", "security_bars", "security_bars.sql", {},
                 ("symbol", "trade_date"), (positive,))

    [outcome] = runner.judge_frame(bars, shuffled, batch_definition())

    assert outcome.unexpected_count == 5
    assert [(row["symbol"], row["trade_date"]) for row in outcome.sample] == sorted(broken)
    assert outcome.sample[0] == {"symbol": "000007.SZ", "trade_date": "2026-01-06",
                                 "source_file": "eastmoney/kline.json", "close": 0.0}


def test_a_judged_frame_leaves_nothing_of_itself_in_great_expectations() -> None:
    # GX's engine is the datasource's, shared by every batch: its metric cache and loaded
    # batch held a year's bar rows' masks and copies (190 MB) until the next frame.
    frame = pd.DataFrame({"pair": ["USDHKD", "USDCNH", "USDHKD"], "rate": [7.8, 7.1, 7.5],
                          "trade_date": pd.to_datetime(["2026-01-28", "2026-01-28",
                                                        "2026-01-29"])})
    positive = Rule("rate_positive", gxe.ExpectColumnValuesToBeBetween(
        column="rate", min_value=0, strict_min=True), "rate must be above zero")
    fx = Check("fx_rates", "fx_rates", "fx_rates.sql", {}, ("pair", "trade_date"),
               (usdhkd_band(), positive))

    outcomes = runner.judge_frame(fx, frame, batch_definition())

    assert [(o.rule, o.success, o.unexpected_count) for o in outcomes] == [
        ("usdhkd_in_range", False, 1), ("rate_positive", True, 0)]
    engine = batch_definition().data_asset.datasource.get_execution_engine()
    assert engine._metric_cache == {}
    assert engine.batch_manager.batch_data_cache == {}
    assert engine.batch_manager.batch_cache == {}


@pytest.mark.parametrize(("value", "plain"), [
    (pd.Timestamp("2026-01-30"), "2026-01-30"),
    (datetime(2026, 1, 30, 15, 0), "2026-01-30"),
    (date(2026, 1, 30), "2026-01-30"),
    (np.int64(57), 57),
    (np.float64("nan"), None),
    (float("-inf"), "-inf"),
    (pd.NaT, None),
    (None, None),
    ("688256.SH", "688256.SH"),
])
def test_sample_values_are_json_ready(value: object, plain: object) -> None:
    assert runner._plain(value) == plain
    assert type(runner._plain(value)) is type(plain)
