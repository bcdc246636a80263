"""Screens: the rows a rule could break, found in Arrow, judged by GX as on the whole frame."""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from great_expectations import expectations as gxe
from great_expectations.expectations.row_conditions import Column

from expectations import runner, screens, tables
from expectations.checks import Check, Rule
from expectations.frames import arrow_frame, check_table, keyed_table
from expectations.suites import all_checks
from expectations.suites.common import (
    at_least,
    in_set,
    key_rules,
    not_empty,
    not_null,
    positive,
)
from tests.expectations.judging import batch_definition, gate_views, inputs

DAYS = pd.date_range("2026-01-05", periods=6).date
STAMPS = [datetime(2026, 1, 6, hour) for hour in (0, 9, 12, 15)]


def edge_frame(seed: int, rows: int = 160) -> pa.Table:
    """A frame whose values sit where readings could differ: on bounds, missing, NaN, infinite,
    shared keys, missing keys, unequal pairs and rows outside a row condition."""
    draw = np.random.default_rng(seed)

    def pick(values: list[object]) -> list[object]:
        return [values[i] for i in draw.integers(0, len(values), rows)]

    numbers: list[object] = [0.0, 1.0, 0.5, -0.0, -1.0, 2.0, None, float("nan"),
                             float("inf"), 1.0 + 1e-12]
    # In chunks, as a result streamed from DuckDB arrives.
    return pa.Table.from_batches(pa.table({
        "symbol": pa.array(pick([*(f"{n:06d}.SZ" for n in range(30)), None]), pa.string()),
        "trade_date": pa.array(pick([*DAYS, None]), pa.date32()),
        "stamp": pa.array(pick([*STAMPS, None]), pa.timestamp("us")),
        "x": pa.array(pick(numbers), pa.float64()),
        "y": pa.array(pick(numbers), pa.float64()),
        "count": pa.array(pick([0, 1, 3, 5, None]), pa.int64()),
        "kind": pa.array(pick(["ohlc", "close_only", None]), pa.string()),
        "flag": pa.array(pick([True, False, None]), pa.bool_()),
        "a": pa.array(pick(["CNY", "HKD", None]), pa.string()),
        "b": pa.array(pick(["CNY", "HKD", None]), pa.string()),
        "note": pa.array(pick([None, None, "x"]), pa.string()),
        "source_file": pa.array([f"kline/{i}.json" for i in range(rows)], pa.string()),
    }).to_batches(max_chunksize=rows // 3))


def edge_rules() -> tuple[Rule, ...]:
    """One rule of every kind the screens read, with the parameters the suites use."""
    ohlc = Column("kind") == "ohlc"
    return (
        not_empty(),
        Rule("unique_key", gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["symbol", "trade_date"]), "key unique"),
        Rule("symbol_unique", gxe.ExpectColumnValuesToBeUnique(column="symbol"), "unique"),
        not_null("x"),
        Rule("x_ohlc", gxe.ExpectColumnValuesToNotBeNull(column="x", row_condition=ohlc), "x"),
        Rule("note_null", gxe.ExpectColumnValuesToBeNull(column="note"), "note missing"),
        positive("x"),
        Rule("x_band", gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0, max_value=1,
                                                         row_condition=ohlc), "x in [0, 1]"),
        Rule("count_band", gxe.ExpectColumnValuesToBeBetween(
            column="count", min_value=1, max_value=3, strict_max=True), "count in [1, 3)"),
        Rule("no_future_date", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", max_value=pd.Timestamp(DAYS[3])), "not after"),
        Rule("date_window", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", min_value=pd.Timestamp(DAYS[1]),
            max_value=pd.Timestamp(DAYS[4]), strict_min=True, strict_max=True), "inside"),
        Rule("date_noons", gxe.ExpectColumnValuesToBeBetween(
            column="trade_date", min_value=datetime(2026, 1, 6, 12),
            max_value=datetime(2026, 1, 8, 12), strict_min=True, strict_max=True), "noons"),
        Rule("stamp_window", gxe.ExpectColumnValuesToBeBetween(
            column="stamp", min_value=STAMPS[1], max_value=STAMPS[2], strict_max=True),
             "inside the window"),
        in_set("flag", [True], "flag_true", "flag must hold"),
        in_set("kind", ["ohlc"], "kind_known", "kind known"),
        in_set("count", [1, 3], "count_known", "count known"),
        Rule("a_is_b", gxe.ExpectColumnPairValuesToBeEqual(
            column_A="a", column_B="b", ignore_row_if="either_value_is_missing"), "a = b"),
        Rule("a_is_b_both", gxe.ExpectColumnPairValuesToBeEqual(column_A="a", column_B="b"),
             "a = b"),
        at_least("x", "y", "x_at_least_y", "x >= y", show=("x", "y")),
        Rule("x_above_y", gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="x", column_B="y", ignore_row_if="neither"), "x > y"),
    )


EDGES = Check("edges", "edges", "unused.sql", {}, ("symbol", "trade_date"), edge_rules())


@pytest.mark.parametrize("seed", range(3))
def test_screened_rules_judge_as_on_the_whole_frame(seed: int) -> None:
    # A frame converts its table's buffers away: the whole frame is converted from a twin.
    whole = runner.judge_frame(EDGES, arrow_frame(edge_frame(seed), EDGES), batch_definition())
    table = edge_frame(seed)
    screened = tables.judge_table(EDGES, table, batch_definition())
    assert screened == whole
    assert {o.rule for o in whole if not o.success} >= {"unique_key", "x_band", "a_is_b"}
    unscreened = [rule.rule for rule in EDGES.rules if screens.screen(rule, table) is None]
    assert unscreened == ["not_empty"]


def test_a_frame_that_breaks_no_rule_sends_no_row_to_great_expectations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GX judges an empty frame of every kind of rule as holding, as the whole frame holds.
    def clean() -> pa.Table:
        return pa.table({
            "symbol": [f"{n:06d}.SZ" for n in range(4)],
            "trade_date": pa.array([DAYS[2], DAYS[3]] * 2, pa.date32()),
            "stamp": pa.array([STAMPS[1]] * 4, pa.timestamp("us")),
            "x": [0.5, 1.0, 0.25, 0.75], "y": [0.0, 0.5, -1.0, 0.5], "count": [1, 1, 1, 1],
            "kind": ["ohlc"] * 4, "flag": [True] * 4, "a": ["CNY"] * 4, "b": ["CNY"] * 4,
            "note": pa.array([None] * 4, pa.string()), "source_file": ["kline.json"] * 4,
        })

    sizes: list[int] = []
    judge = runner.judge_frame

    def recorded(check: Check, frame: pd.DataFrame, definition: object,
                 **options: bool) -> list[runner.Outcome]:
        sizes.append(len(frame))
        return judge(check, frame, definition, **options)  # type: ignore[arg-type]

    whole = runner.judge_frame(EDGES, arrow_frame(clean(), EDGES), batch_definition())
    monkeypatch.setattr(tables, "judge_frame", recorded)
    assert tables.judge_table(EDGES, clean(), batch_definition()) == whole
    assert all(outcome.success for outcome in whole) and sizes == [0, 4]


@pytest.mark.parametrize("seed", range(8))
def test_each_screen_holds_every_row_its_rule_breaks_and_counts_its_domain(seed: int) -> None:
    # Rule by rule: judged together, one screen's rows would hide another's misses.
    import great_expectations as gx

    frame = arrow_frame(edge_frame(seed), EDGES)
    table = edge_frame(seed)
    suite = gx.ExpectationSuite(name="edges", expectations=[r.expectation for r in EDGES.rules])
    batch = batch_definition().get_batch(batch_parameters={"dataframe": frame})
    with runner.metrics_forgotten(batch):
        results = batch.validate(suite, result_format={"result_format": "COMPLETE"}).results
    by_rule = {r.rule: r for r in EDGES.rules}
    for result in results:
        assert result.expectation_config is not None and not result.exception_info.get(
            "raised_exception")
        rule = by_rule[result.expectation_config.meta["rule"]]
        found = screens.screen(rule, table)
        if found is None:
            assert screens.reads_row_count_only(rule)
            continue
        marked = set(np.flatnonzero(screens.any_row([found.could_break], len(table))))
        broken = set(result.result.get("unexpected_index_list") or [])
        assert broken and broken <= marked, rule.rule
        assert found.domain_rows == result.result["element_count"], rule.rule


def test_the_screen_keeps_only_rows_that_could_break_a_rule() -> None:
    table = pa.table({"x": [0.5, -0.1, None, float("nan"), 1.0, 1.2, float("inf")],
                      "kind": ["ohlc", "ohlc", "ohlc", "close_only", None, "close_only", "ohlc"]})
    band = Rule("x_band", gxe.ExpectColumnValuesToBeBetween(
        column="x", min_value=0, max_value=1, row_condition=Column("kind") == "ohlc"), "band")
    found = screens.screen(band, table)
    assert found is not None and found.domain_rows == 4
    # Missing values are GX's to skip and a bound is inside; the row condition is GX's to apply.
    assert screens.any_row([found.could_break], len(table)).tolist() == [
        False, True, False, False, False, True, True]


@pytest.mark.parametrize("expectation", [
    gxe.ExpectColumnValuesToBeBetween(column="x", min_value=0, mostly=0.9),
    gxe.ExpectColumnValuesToBeBetween(column="x", min_value=pd.Timestamp("2026-01-05")),
    gxe.ExpectColumnValuesToBeBetween(column="day", max_value=date(2026, 1, 5)),
    gxe.ExpectColumnValuesToBeBetween(column="x", max_value=1, row_condition=Column("x") > 0),
    gxe.ExpectColumnValuesToBeBetween(column="missing", min_value=0),
    gxe.ExpectColumnValuesToNotBeNull(column="x", row_condition=Column("kind") != "ohlc"),
    gxe.ExpectColumnValuesToNotBeNull(column="x", row_condition=Column("kind") == 1),
    gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=[1, 2]),
    gxe.ExpectColumnValuesToBeInSet(column="kind", value_set=["ohlc", None]),
    gxe.ExpectColumnPairValuesToBeEqual(column_A="x", column_B="kind"),
    gxe.ExpectColumnValuesToBeUnique(column="x"),
    gxe.ExpectColumnValuesToMatchRegex(column="kind", regex="^o"),
    gxe.ExpectTableRowCountToBeBetween(min_value=1),
])
def test_a_rule_the_screens_cannot_read_exactly_is_left_to_the_whole_frame(
    expectation: gxe.Expectation,
) -> None:
    def table() -> pa.Table:
        return pa.table({"x": [0.5, 2.0, None, 0.0], "kind": ["ohlc", "x", None, "ohlc"],
                         "day": pa.array([date(2026, 1, 5)] * 4, pa.date32()),
                         "symbol": ["A", "B", "C", "C"], "source_file": ["f"] * 4})

    rule = Rule("rule", expectation, "a rule")
    assert screens.screen(rule, table()) is None
    check = Check("t", "t", "unused.sql", {}, ("symbol",), (rule,))
    assert tables.judge_table(check, table(), batch_definition()) == runner.judge_frame(
        check, arrow_frame(table(), check), batch_definition())


def test_every_rule_the_suites_judge_row_by_row_is_screened_on_its_real_result(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    # A rule that silently fell back to the whole frame would cost a full-market gate seconds.
    unscreened = set()
    with gate_views(warehouse):
        for check in all_checks(inputs(warehouse)):
            table = keyed_table(check_table(warehouse, check), check)
            unscreened |= {(check.suite, rule.rule) for rule in check.rules
                           if screens.screen(rule, table) is None
                           and not screens.reads_row_count_only(rule)}
    assert unscreened == set()


def test_only_the_rows_that_could_break_a_rule_reach_great_expectations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    symbols = [f"{n:06d}.SZ" for n in range(1000)]
    table = pa.Table.from_batches(pa.table({
        "symbol": symbols,
        "trade_date": pa.array([DAYS[0]] * 1000, pa.date32()),
        "close": [10.0] * 998 + [0.0, None],
        "source_file": ["kline.json"] * 1000,
    }).to_batches(max_chunksize=300))
    check = Check("security_bars", "security_bars", "unused.sql", {}, ("symbol", "trade_date"),
                  (not_empty(), *key_rules(("symbol", "trade_date")), positive("close"),
                   not_null("close")))
    seen: list[tuple[tuple[str, ...], int]] = []
    judge = runner.judge_frame

    def recorded(check: Check, frame: pd.DataFrame, definition: object,
                 **options: bool) -> list[runner.Outcome]:
        seen.append((tuple(rule.rule for rule in check.rules), len(frame)))
        return judge(check, frame, definition, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(tables, "judge_frame", recorded)
    outcomes = tables.judge_table(check, table, batch_definition())

    assert seen == [(("symbol_not_null", "trade_date_not_null", "unique_key", "close_positive",
                      "close_not_null"), 2), (("not_empty",), 1000)]
    assert [(o.rule, o.success, o.element_count, o.unexpected_count) for o in outcomes] == [
        ("not_empty", True, 1000, 0), ("symbol_not_null", True, 1000, 0),
        ("trade_date_not_null", True, 1000, 0), ("unique_key", True, 1000, 0),
        ("close_positive", False, 1000, 1), ("close_not_null", False, 1000, 1)]
    assert outcomes[4].sample == [{"symbol": "000998.SZ", "trade_date": "2026-01-05",
                                   "source_file": "kline.json", "close": 0.0}]
    assert outcomes[5].sample == [{"symbol": "000999.SZ", "trade_date": "2026-01-05",
                                   "source_file": "kline.json", "close": None}]
