"""Screens: the rows a rule could break, found in Arrow, a superset of those GX finds."""

from __future__ import annotations

from datetime import date

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
from tests.expectations.edges import EDGES, edge_frame
from tests.expectations.judging import batch_definition, gate_views, inputs


def test_each_screen_holds_every_row_its_rule_breaks_and_counts_its_domain() -> None:
    # Rule by rule: judged together, one screen's rows would hide another's misses.
    import great_expectations as gx

    frame = arrow_frame(edge_frame(seed=0, rows=1280), EDGES)
    table = edge_frame(seed=0, rows=1280)
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
