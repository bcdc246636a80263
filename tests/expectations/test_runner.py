"""The runner's mechanics: check frames, rule columns and verdicts."""

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


def usdhkd_band(**rule: Any) -> Rule:
    """The USD/HKD peg band: a rule whose row condition keeps one pair of the FX frame."""
    return Rule("usdhkd_in_range", gxe.ExpectColumnValuesToBeBetween(
        column="rate", min_value=7.7, max_value=7.9, row_condition=Column("pair") == "USDHKD"),
        "USDHKD must lie between 7.7 and 7.9", **rule)


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
